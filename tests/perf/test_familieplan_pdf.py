"""Benchmark of the PDF family plan (`make bench`, not part of `make test`; alone:
`make bench PYTEST_ARGS="-k pdf -s"`).

A typical plan (8 activities, about 3 pages): the median build through the pipeline against
WeasyPrint alone on the same HTML, measured in the same run; a cached re-download; and the
plan page's query count with 5 and with 50 activities.
"""

import statistics
import time

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familieplan import pdf as plan_pdf
from familieplan import services
from kerne import pdf as kerne_pdf
from kerne import services as kerne_services
from kerne.models import Dokument, Rolle
from tests.factories import family_of
from tests.familieplan.factories import agree, bulk_activities, draft_with, integrated
from tests.perf.conftest import write_result

pytestmark = pytest.mark.django_db
RUNS = 7


def _weasyprint_alone(html: str) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=kerne_pdf.BASE_URL, url_fetcher=kerne_pdf._fetcher()).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


def test_pdf_of_a_typical_plan(make_user, projekt, client, django_capture_on_commit_callbacks):
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    familie = family_of(koordinator, projekt, members=3)
    version = agree(
        koordinator,
        draft_with(koordinator, familie, *({"titel": f"Indsats {n}"} for n in range(8))),
    )
    with django_capture_on_commit_callbacks(execute=True):
        dokument = services.plan_pdf_bestil(
            acting_user=koordinator, version=version, familiens_kopi=False
        )

    pipeline, alone = [], []
    for _ in range(RUNS):
        Dokument.objects.filter(pk=dokument.pk).update(tilstand=Dokument.Tilstand.FEJLET)
        started = time.perf_counter()
        kerne_services.dokument_byg(dokument_id=dokument.pk)
        pipeline.append(time.perf_counter() - started)
        template, context = plan_pdf.build(dokument)
        html = render_to_string(template, context)
        started = time.perf_counter()
        _weasyprint_alone(html)
        alone.append(time.perf_counter() - started)

    client.force_login(koordinator)
    url = reverse("kerne:dokument_hent", args=[dokument.pk])
    downloads = []
    for _ in range(RUNS):
        started = time.perf_counter()
        b"".join(client.get(url).streaming_content)
        downloads.append(time.perf_counter() - started)

    median, base = statistics.median(pipeline), statistics.median(alone)
    ratio = median / base
    write_result(
        "familieplan_pdf",
        [
            {
                "activities": 8,
                "runs": RUNS,
                "pipeline median (s)": round(median, 3),
                "WeasyPrint alone median (s)": round(base, 3),
                "ratio": round(ratio, 2),
                "target ratio": 1.2,
                "cached download median (ms)": round(statistics.median(downloads) * 1000, 1),
            }
        ],
        notes="The pipeline: kerne.services.dokument_byg, which renders in a forked child with "
        "time and memory limits (kerne.pdf.render_html) and stores the file; WeasyPrint alone: "
        "the same HTML rendered in-process. Targets: median within 1.2x WeasyPrint alone and "
        "under 1 s; cached download under 50 ms.",
    )
    assert median <= 1.0
    assert median <= 1.2 * base
    assert statistics.median(downloads) < 0.05


def test_the_plan_page_queries_do_not_grow_with_activities(make_user, projekt, client):
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    counts = []
    for size in (5, 50):
        version = services.plan_opret(
            acting_user=koordinator, familie=family_of(koordinator, projekt)
        )
        bulk_activities(version, size)
        client.force_login(koordinator)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("familieplan:version", args=[version.pk]))
        counts.append(len(queries))
    print(f"\nPlan page queries: {counts[0]} with 5 activities, {counts[1]} with 50")  # noqa: T201
    assert counts[0] == counts[1]
