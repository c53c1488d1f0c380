"""Measurements for tests/perf/test_rapporter_national.py, run in a process of their own against
the national dataset (DATABASE_URL), so peak memory is the export's own and pytest's test
database is not involved. Prints one JSON object.

    python -m tests.perf.rapporter_bench reports|dashboard|export --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _setup() -> None:
    import django

    django.setup()


def reports() -> dict:
    """Every project's monthly report data and charts for last month (no PDFs, no writes):
    what the report task computes, project by project."""
    from kerne.models import Projekt
    from rapporter import diagrammer, selectors

    maaned = selectors.last_month()
    projekter = list(Projekt.objects.select_related("kommune").order_by("kode"))
    started = time.perf_counter()
    for projekt in projekter:
        data = selectors.report_data(projekt, maaned)
        diagrammer.charts_for(data["tendens"], maal=data["familier"]["maal"])
    return {
        "projects": len(projekter),
        "month": f"{maaned:%Y-%m}",
        "seconds": round(time.perf_counter() - started, 1),
    }


def dashboard(runs: int = 30) -> dict:
    """One project's dashboard (its leader, default filters) through the whole Django stack."""
    from django.conf import settings
    from django.test import Client

    from kerne.models import Projektrolle, Rolle

    settings.ALLOWED_HOSTS = ["testserver"]
    role = (
        Projektrolle.objects.filter(rolle=Rolle.PROJEKTLEDER, projekt__kode__startswith="nat-")
        .select_related("bruger", "projekt")
        .order_by("projekt__kode")
        .first()
    )
    client = Client()
    client.force_login(role.bruger)
    times = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        response = client.get("/rapporter/start/projektleder/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times = sorted(times[2:])  # the first two warm caches
    economy = []
    for _ in range(5):
        started = time.perf_counter()
        client.get("/rapporter/start/projektleder/oekonomi/")
        economy.append((time.perf_counter() - started) * 1000)
    return {
        "project": role.projekt.kode,
        "runs": runs,
        "p50_ms": round(statistics.median(times)),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))]),
        "economy_box_median_ms": round(statistics.median(economy)),
    }


def export(out: str) -> dict:
    """Last month's export for every project, into a zip; peak memory of this process."""
    from kerne.models import Projekt
    from rapporter import eksport, selectors

    maaned = selectors.last_month()
    ids = list(Projekt.objects.values_list("pk", flat=True))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    path = os.path.join(out, "bench.zip")
    summary = eksport.write_zip(path, maaned=maaned, projekt_ids=ids)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "projects": len(ids),
        "month": f"{maaned:%Y-%m}",
        "persons": summary["personer"],
        "seconds": round(seconds, 1),
        "zip_mb": round(os.path.getsize(path) / 1e6, 1),
        "peak_rss_mb": round(peak / 1024),
        "rss_before_mb": round(before / 1024),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["reports", "dashboard", "export"])
    parser.add_argument("--out", required=True, help="folder for the export's zip")
    args = parser.parse_args(argv)
    os.environ.setdefault("EVALUATOR_PSEUDONYM_KEY", "benchmark-key")
    _setup()
    result = {"reports": reports, "dashboard": dashboard}.get(args.what)
    sys.stdout.write(json.dumps(result() if result else export(args.out)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
