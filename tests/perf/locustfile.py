"""Locust users for the load benchmark (tests/perf/test_load.py starts it headless).

Each simulated user is one of the national dataset's accounts (a case manager, a project
leader, a family member, an API client), signed in through the real sign-in form (or given its
API token) by the test before the run, and visits that role's key pages. The accounts, their
session cookies or tokens and the ids they visit come from the JSON file named by BENCH_PLAN,
written by the test from the national database.
"""

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_accounts = itertools.cycle(PLAN["accounts"])
_lock = threading.Lock()

# Throughput phase: every user only opens family overviews, without pauses.
ONLY = os.environ.get("BENCH_ONLY", "")


def _next_account() -> dict:
    with _lock:
        return next(_accounts)


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5) if not ONLY else between(0, 0)

    def on_start(self) -> None:
        # The test signed every account in through the real form (or took its API token)
        # before the run: the session cookie or token is all a user needs here.
        self.account = _next_account()
        self.rng = random.Random(self.account["username"])
        if self.account["kind"] == "api":
            self.client.headers["Authorization"] = f"Token {self.account['token']}"
        else:
            self.client.cookies.update(self.account["cookies"])

    def _get(self, url: str, name: str, *, contains: str = "") -> None:
        # Redirects are followed (the plan opens its latest version) and timed as one page;
        # landing on the sign-in page is a failure, not a fast page.
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} for {url} ({response.url})")
            elif contains and contains not in response.text:
                response.failure(f"{url}: {contains!r} missing")
            else:
                response.success()

    @task
    def visit(self) -> None:
        account = self.account
        if ONLY:
            self._get(self.rng.choice(account.get("overviews") or [ONLY]), "family overview")
            return
        pages = account["pages"]
        name, url = self.rng.choice(pages)
        self._get(url, name)
