"""Reports at national size (issue 8): 100 projects, 30,000 families, 36 months.

Targets: the monthly reports of every project (data and charts, PDFs excluded) in under 2
minutes; one project's dashboard p95 under 300 ms; the export of one month for all projects
under 60 s with peak memory under 500 MB. Each measurement runs in a process of its own
(tests/perf/rapporter_bench.py) against the national dataset built by `make bench-dataset`
(`seed_demo --scale national`); the figures go to docs/perf/rapporter_national.md. The
dashboard is measured with its figure cache cold for the first request and warm after.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.perf.conftest import write_result

ROOT = Path(__file__).resolve().parents[2]
NATIONAL_URL = os.environ.get(
    "BENCH_NATIONAL_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/helhedsindsats_national",
)


def _require_dataset() -> None:
    try:
        conn = psycopg.connect(NATIONAL_URL, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"no national database at {NATIONAL_URL}: {error}")
    with conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('rapporter_maanedsrapport') IS NOT NULL")
        if not cur.fetchone()[0]:
            pytest.skip("the national database is not migrated; see docs/perf/README.md")
        cur.execute("SELECT count(*) FROM kerne_projekt WHERE kode LIKE 'nat-%%'")
        if cur.fetchone()[0] < 2:
            pytest.skip("no national dataset: run `make bench-dataset` (docs/perf/README.md)")


def _run(what: str, tmp_path) -> dict:
    env = {**os.environ, "DATABASE_URL": NATIONAL_URL, "LOG_LEVEL": "WARNING"}
    env.setdefault("EVALUATOR_PSEUDONYM_KEY", "benchmark-key")
    result = subprocess.run(
        [sys.executable, "-m", "tests.perf.rapporter_bench", what, "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_reports_dashboard_and_export_at_national_size(tmp_path):
    _require_dataset()
    reports = _run("reports", tmp_path)
    dashboard = _run("dashboard", tmp_path)
    export = _run("export", tmp_path)
    rows = [
        {
            "measure": f"monthly reports, {reports['projects']} projects ({reports['month']})",
            "result": f"{reports['seconds']} s",
            "target": "< 120 s",
        },
        {
            "measure": f"dashboard of {dashboard['project']}, {dashboard['runs']} requests",
            "result": f"p50 {dashboard['p50_ms']} ms, p95 {dashboard['p95_ms']} ms",
            "target": "p95 < 300 ms",
        },
        {
            "measure": "dashboard's economy box (htmx, after the page)",
            "result": f"median {dashboard['economy_box_median_ms']} ms",
            "target": "-",
        },
        {
            "measure": f"evaluator export, {export['projects']} projects ({export['month']}), "
            f"{export['persons']} persons, {export['zip_mb']} MB zip",
            "result": f"{export['seconds']} s, peak RSS {export['peak_rss_mb']} MB "
            f"(process at start {export['rss_before_mb']} MB)",
            "target": "< 60 s, < 500 MB",
        },
    ]
    write_result(
        "rapporter_national",
        rows,
        notes="Measured on the shared 2-core machine while other benchmarks ran; "
        "the dashboard's first request computes the outcome figures (about 0.5 s), later "
        "requests read them from the cache under the data's fingerprint.",
    )
