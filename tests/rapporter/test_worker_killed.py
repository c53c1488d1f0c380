"""A Celery worker killed with SIGKILL in the middle of a monthly report (issue 10, §7).

The build is held mid-way deterministically: the test locks the table of risk assessments,
which the build reads after it has claimed the report and computed the outcome metrics, and
waits until the worker's database session is queued behind that lock. Then the worker is
killed, the lock released and a new worker started: the broker delivers the unacknowledged
message again (acks_late; the new worker's short visibility timeout stands in for the hour a
production broker waits), and the report must exist exactly once and complete.
"""

import pytest

from kerne.models import Adgangslog, Dokument
from rapporter import pdf, services
from rapporter.models import Maanedsrapport, Tilstand
from registrering.models import RisikoAendring
from tests.conftest import finish_with_new_worker, kill_worker_mid_job
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
    report, queued = kill_worker_mid_job(
        private_queue,
        RisikoAendring._meta.db_table,
        lambda: services.rapport_bestil(
            projekt=data.projekt,
            maaned=JUN,
            udloeser=Maanedsrapport.Udloeser.BESTILT,
            acting_user=data.projektleder,
        ),
        lambda: Maanedsrapport.objects.filter(
            projekt=data.projekt, maaned=JUN, tilstand=Tilstand.KOERER
        ).exists(),
    )
    assert queued

    # The killed attempt committed its claim and nothing else.
    report.refresh_from_db()
    assert (report.tilstand, report.data, report.dokument_id) == (Tilstand.KOERER, {}, None)

    finish_with_new_worker(
        private_queue,
        lambda: Maanedsrapport.objects.filter(pk=report.pk, tilstand=Tilstand.FAERDIG).exists(),
        "the redelivered build to finish the report",
    )

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
