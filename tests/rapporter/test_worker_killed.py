"""A Celery worker killed with SIGKILL in the middle of a monthly report (issue 10, §7).

The build is held mid-way deterministically: the test locks the table of risk assessments,
which the build reads after it has claimed the report and computed the outcome metrics, and
waits until the worker's database session is queued behind that lock. Then the worker is
killed, the lock released and a new worker started: the broker delivers the unacknowledged
message again (acks_late; the new worker's short visibility timeout stands in for the hour a
production broker waits), and the report must exist exactly once and complete.
"""

import os
import signal

import psycopg
import pytest

from kerne.models import Adgangslog, Dokument
from rapporter import pdf, services
from rapporter.models import Maanedsrapport, Tilstand
from registrering.models import RisikoAendring
from tests.conftest import (
    _database_url_for_worker,
    start_celery_worker,
    stop_celery_worker,
    wait_for,
)
from tests.factories import ProjektFactory
from tests.rapporter.factories import JUN, build
from tests.registrering.factories import restore_national_indicators

pytestmark = [
    pytest.mark.celery,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_killed_mid_report_leaves_one_complete_report_after_restart(private_queue):
    # A transactional test before this one may have flushed the data migration's indicators.
    restore_national_indicators()
    data = build(ProjektFactory(registreringsfrist_dag=10))
    table = RisikoAendring._meta.db_table
    blocker = psycopg.connect(_database_url_for_worker())
    blocker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    first = start_celery_worker(private_queue)
    try:
        report, queued = services.rapport_bestil(
            projekt=data.projekt,
            maaned=JUN,
            udloeser=Maanedsrapport.Udloeser.BESTILT,
            acting_user=data.projektleder,
        )
        assert queued

        def build_is_waiting_mid_way() -> bool:
            report.refresh_from_db()
            waiting = blocker.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [table],
            ).fetchone()[0]
            return report.tilstand == Tilstand.KOERER and waiting > 0

        wait_for(build_is_waiting_mid_way, "the worker to claim the report and reach the lock")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
        if first.poll() is None:
            stop_celery_worker(first)

    # The killed attempt committed its claim and nothing else.
    report.refresh_from_db()
    assert (report.tilstand, report.data, report.dokument_id) == (Tilstand.KOERER, {}, None)

    second = start_celery_worker(private_queue, CELERY_VISIBILITY_TIMEOUT="1")
    try:
        wait_for(
            lambda: Maanedsrapport.objects.filter(pk=report.pk, tilstand=Tilstand.FAERDIG).exists(),
            "the redelivered build to finish the report",
        )
    finally:
        stop_celery_worker(second)

    report.refresh_from_db()
    reports = Maanedsrapport.objects.filter(projekt=data.projekt, maaned=JUN)
    assert [(r.pk, r.revision, r.aktuel, r.tilstand) for r in reports] == [
        (report.pk, 1, True, Tilstand.FAERDIG)
    ]
    # Complete: the same figures as an undisturbed build (tests/rapporter/test_services.py).
    figures = {row["key"]: row for row in report.data["maal"]}
    assert figures["kontanthjaelp"]["nu"] == 66.7
    assert figures["boern_forbedret"]["nu"] == 66.7
    assert report.data["familier"] == {"aktive": 3, "optaget": 1, "afsluttet": 0, "maal": 30}
    assert len(report.data["tendens"]["maaneder"]) == 12
    assert report.bygget is not None
    # Built once: one build in the audit log, one PDF ordered for the revision (a worker
    # builds it; tests/kerne/test_pdf.py follows a document through a real worker).
    builds = Adgangslog.objects.filter(
        objekt_type="rapporter.maanedsrapport", objekt_id=str(report.pk), handling="change"
    )
    assert builds.count() == 1
    documents = Dokument.objects.filter(kind=pdf.KIND, noegle=pdf.key_for(report))
    assert [d.pk for d in documents] == [report.dokument_id]
