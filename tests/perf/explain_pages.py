"""The key pages' SQL on the national dataset: count, time, and the plans of the slowest.

Not a test: a tool for the fixing part of issue 9. Run it against the national database:

    env $(.venv/bin/python -m tests.keys) \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/helhedsindsats_national \
        ALLOWED_HOSTS=testserver .venv/bin/python -m tests.perf.explain_pages

It opens each page once to warm, then once measured, as the same national users the load
benchmark signs in as, and writes docs/perf/page_queries.md: per page the number of queries and
their database time, and EXPLAIN (ANALYZE, BUFFERS) of the three slowest statements.

With `PROFILE=<part of a page name>` it instead profiles that page over 20 requests with
cProfile and prints the functions with the most time of their own and cumulative time, for
the pages whose cost is Python, not SQL.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from familieplan.models import Planversion  # noqa: E402
from kerne.models import Familie, Person  # noqa: E402
from visitation.models import Visitationsmoede  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "perf" / "page_queries.md"
PROJECT = int(os.environ.get("BENCH_PROJECT", "50"))


def pages() -> list[tuple[str, object, str]]:
    today = datetime.date.today()
    users = {
        u.username.split(".", 1)[1]: u
        for u in get_user_model().objects.filter(username__startswith=f"nat{PROJECT:03d}.")
    }
    family = (
        Familie.objects.filter(koordinator=users["koordinator01"], status="aktiv")
        .order_by("pk")
        .first()
    )
    version = Planversion.objects.filter(familie=family).order_by("-nummer").first()
    meeting = (
        Visitationsmoede.objects.filter(projekt=family.projekt, afsluttet__isnull=True)
        .order_by("dato")
        .first()
    )
    portal = Person.objects.get(bruger=users["borger"]).medlemskaber.first().familie_id
    leader, manager = users["projektleder"], users["koordinator01"]
    result = [
        ("case manager's family list", manager, "/kerne/familier/"),
        ("family overview", manager, f"/kerne/familier/{family.pk}/"),
        ("family plan (latest version)", manager, f"/familieplan/version/{version.pk}/"),
        (
            "registration form",
            manager,
            f"/registrering/familier/{family.pk}/{today.year}/{today.month}/",
        ),
        ("board agenda", leader, f"/visitation/moeder/{meeting.pk}/"),
        ("project leader's family list", leader, "/kerne/familier/"),
        ("family portal", users["borger"], f"/familieplan/portal/{portal}/"),
        ("project dashboard", leader, "/rapporter/start/projektleder/"),
    ]
    for path in ("families", "persons", "consents", "plans", "registrations", "referrals"):
        result.append((f"API {path}", manager, f"/api/v1/{path}/"))
    result.append(("API cost-lines", leader, "/api/v1/cost-lines/"))
    return result


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def profile(part: str) -> None:
    import cProfile
    import pstats

    for name, user, url in pages():
        if part not in name:
            continue
        client = Client()
        client.force_login(user)
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(url)
        profiler.disable()
        sys.stdout.write(f"## {name} ({url}), 20 requests\n")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)


def main() -> None:
    if os.environ.get("PROFILE"):
        profile(os.environ["PROFILE"])
        return
    if connection.vendor != "postgresql":
        sys.exit("needs the national PostgreSQL database in DATABASE_URL")
    lines = [
        "# Key pages' SQL on the national dataset",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, project nat-{PROJECT:03d}, "
        "by tests/perf/explain_pages.py: one client in-process (no HTTP, no concurrency), each "
        "page warmed once, its queries captured, then timed 5 times. Load average (1 min) at "
        f"the start: {os.getloadavg()[0]:.1f} on 2 cores.",
        "",
        "| page | status | queries | db ms | slowest query ms | median ms (5 requests) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    details = []
    clients = {}
    for name, user, url in pages():
        client = clients.setdefault(user.pk, Client())
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        # Read the capture now: every request start empties Django's query log.
        timed = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries),
            reverse=True,
        )
        walls = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(url)
            walls.append((time.perf_counter() - started) * 1000)
        median = statistics.median(walls)
        total = sum(ms for ms, _sql in timed)
        slowest = timed[0][0] if timed else 0.0
        lines.append(
            f"| {name} | {response.status_code} | {len(timed)} | {total:.1f} | {slowest:.1f} "
            f"| {median:.1f} |"
        )
        details += [f"## {name}", "", f"`{url}` as `{user.username}`", ""]
        for ms, sql in timed[:3]:
            if not sql.lstrip().upper().startswith("SELECT"):
                details += [f"- {ms:.1f} ms (not a SELECT): `{sql[:200]}`", ""]
                continue
            details += [f"### {ms:.1f} ms", "", "```sql", sql, "```", "", "```", explain(sql)]
            details += ["```", ""]
    OUT.write_text("\n".join([*lines, "", *details]) + "\n")
    sys.stdout.write(f"wrote {OUT}\n")


if __name__ == "__main__":
    main()
