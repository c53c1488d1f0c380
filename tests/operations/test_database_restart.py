"""PostgreSQL restarted → the app recovers without a restart of its own (issue 10, §7).

A real gunicorn serves the app on loopback with persistent database connections. Terminating
every server connection to the database is what a PostgreSQL restart does to the app; the
next request must still succeed (Django's connection health checks find the dead connection
and open a new one), both the health probe and a signed-in page.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import _database_url_for_worker
from tests.factories import ProjektFactory, family_of, user_with_role

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback http only)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def live_gunicorn(transactional_db):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "DB_CONN_MAX_AGE": "600",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("REDIS_URL", None)  # the probe's broker state is not under test here
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn did not answer /healthz within 60 s")
    yield base
    process.terminate()
    process.wait(timeout=30)


def _kill_app_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_app_answers_the_first_request_after_the_database_dropped_its_connections(
    live_gunicorn,
):
    projekt = ProjektFactory()
    koordinator = user_with_role("koordinator", projekt)
    family_of(koordinator, projekt, betegnelse="Familien Genstart")
    browser = Client()
    browser.force_login(koordinator)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    families = f"{live_gunicorn}/kerne/familier/"
    status, page = _get(families, cookie)
    assert status == 200
    assert "Familien Genstart" in page

    assert _kill_app_connections() >= 1

    status, body = _get(f"{live_gunicorn}/healthz")
    assert (status, '"database": "ok"' in body) == (200, True), body
    _kill_app_connections()
    status, page = _get(families, cookie)
    assert status == 200
    assert "Familien Genstart" in page
