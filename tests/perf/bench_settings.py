"""Settings of the gunicorn server the load benchmark starts: the app's own, plus one page."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.bench_urls"
