"""Test harness: real services where behaviour depends on them, skipped only off CI.

Markers: `e2e` needs Debian's Chromium, `celery` a real worker on Redis, `postgres` a
PostgreSQL database. Off CI a missing service skips the test with how to enable it;
with CI=true it fails instead, so nothing is silently left out.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import ProjektFactory, user_with_role
from tests.keys import TEST_CPR_KEYS

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Fixed CPR keys for the run (tests run without DEBUG, so none would derive): set in the
# environment for the worker and server processes the tests start, and in this process's
# settings, which were read before this file.
for _name, _value in TEST_CPR_KEYS.items():
    os.environ.setdefault(_name, _value)
settings.CPR_KEYS = os.environ["CPR_KEYS"].split(",")
settings.CPR_HASH_KEY = os.environ["CPR_HASH_KEY"]

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(item: pytest.Item) -> str | None:
    from django.conf import settings

    if item.get_closest_marker("e2e") and not (
        os.path.exists(CHROMIUM) or shutil.which("chromium")
    ):
        return "needs Debian's chromium: `apt-get install chromium` (make test does it as root)"
    if item.get_closest_marker("celery") and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15"
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/helhed"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing(item)
    if reason:
        if ON_CI:
            pytest.fail(f"CI=true and this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a user by design; tests create hundreds. Production is unchanged.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_permission_ids():
    # A transactional test's flush recreates auth permissions under new ids; the policy caches
    # ids for the life of a process (stable in production), so forget them between tests.
    from kerne import adgang

    adgang._permission_id.cache_clear()
    yield
    adgang._permission_id.cache_clear()


@pytest.fixture(autouse=True)
def _celery_eager_unless_marked(request: pytest.FixtureRequest, settings):
    """Tasks run in-process unless the test asks for the real worker."""
    from config.celery import app

    eager = not request.node.get_closest_marker("celery")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager or not settings.REDIS_URL
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def projekt(db):
    return ProjektFactory()


@pytest.fixture
def make_user(db, projekt):
    """make_user(rolle, projekt=None, **fields): a user holding that role."""

    def make(rolle: str, in_projekt=None, **fields):
        return user_with_role(rolle, in_projekt or projekt, **fields)

    return make


def _database_url_for_worker() -> str:
    """The URL of the test database this process uses, for a worker in another process."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


def start_celery_worker(queue: str, **extra_env: str):
    """Start a real `celery worker` process on Redis consuming `queue`; returns the process
    once it answers a ping. The caller stops it (terminate, or kill -9 in a fault test)."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    from config.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            # Test-only registrations (document kinds) the worker must know too.
            "--include=tests.kerne.pdf_kinds",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the Celery worker exited during start-up", pytrace=False)
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            return process
    process.kill()
    process.wait()
    pytest.fail("the Celery worker did not answer within 30 s", pytrace=False)


def stop_celery_worker(process) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition, what: str, seconds: float = 60):
    """Poll `condition` until it returns something true (returned), or fail naming `what`."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


def kill_worker_mid_job(queue: str, table: str, order, is_claimed):
    """A worker killed with SIGKILL in the middle of a job, held there deterministically.

    `table` is locked before a worker on `queue` starts, and `order()` queues the job. Once
    `is_claimed()` and the worker's database session waits behind that lock, the worker is
    killed and the lock released. Returns what `order()` returned. The broker still holds the
    unacknowledged message (acks_late), for `finish_with_new_worker` to deliver again.
    """
    import signal

    import psycopg

    blocker = psycopg.connect(_database_url_for_worker())
    blocker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    first = start_celery_worker(queue)
    try:
        ordered = order()

        def waiting_mid_way() -> bool:
            blocked = blocker.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [table],
            ).fetchone()[0]
            return is_claimed() and blocked > 0

        wait_for(waiting_mid_way, "the worker to claim the job and reach the lock")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
        if first.poll() is None:
            stop_celery_worker(first)
    return ordered


def finish_with_new_worker(queue: str, is_finished, what: str) -> None:
    """A new worker on `queue` whose 1 s visibility timeout stands in for the hour a
    production broker waits before it delivers an unacknowledged message again."""
    second = start_celery_worker(queue, CELERY_VISIBILITY_TIMEOUT="1")
    try:
        wait_for(is_finished, what)
    finally:
        stop_celery_worker(second)


@pytest.fixture
def private_queue():
    """A task queue of the test's own, so the session's worker never takes its messages; for
    tests that start (and kill) workers themselves."""
    import uuid

    from config.celery import app

    previous = app.conf.task_default_queue
    name = f"test-kill-{uuid.uuid4().hex[:10]}"
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, consuming a queue of its own for this run."""
    import uuid

    from django.conf import settings

    from config.celery import app

    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    app.conf.task_default_queue = queue
    try:
        process = start_celery_worker(queue)
        try:
            yield {"queue": queue, "pid": process.pid}
        finally:
            stop_celery_worker(process)
    finally:
        app.conf.task_default_queue = "celery"
