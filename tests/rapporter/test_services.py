"""Monthly status reports: built on order and by the beat, idempotent, revisions, PDF, mail."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from pypdf import PdfReader

from config.celery import app as celery_app
from kerne.models import Adgangslog, Dokument, Rolle
from rapporter import services, tasks
from rapporter.models import Maanedsrapport, Tilstand
from tests.factories import ProjektFactory, user_with_role
from tests.rapporter.factories import JUN, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(projekt):
    return build(projekt)


def order(data, capture, **kwargs) -> Maanedsrapport:
    with capture(execute=True):
        report, _queued = services.rapport_bestil(
            projekt=data.projekt,
            maaned=JUN,
            udloeser=Maanedsrapport.Udloeser.BESTILT,
            acting_user=data.projektleder,
            **kwargs,
        )
    report.refresh_from_db()
    return report


def pdf_text(dokument: Dokument) -> str:
    with dokument.fil.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_an_ordered_report_holds_the_figures_and_the_basis_it_was_built_from(
    data, django_capture_on_commit_callbacks
):
    report = order(data, django_capture_on_commit_callbacks)

    assert report.tilstand == Tilstand.FAERDIG
    assert report.bygget is not None
    figures = {row["key"]: row for row in report.data["maal"]}
    assert figures["kontanthjaelp"]["ved_optagelse"] == 100.0
    assert figures["kontanthjaelp"]["nu"] == 66.7
    assert figures["boern_forbedret"]["nu"] == 66.7
    # F3 was admitted in June; all three stays cover June.
    assert report.data["familier"] == {"aktive": 3, "optaget": 1, "afsluttet": 0, "maal": 30}
    # The basis: when it was built and how complete the month's registrations were.
    assert report.data["bygget"]
    assert set(report.data["registrering"]) >= {"personer", "komplette", "pct"}
    assert len(report.data["tendens"]["maaneder"]) == 12
    assert report.data["tendens"]["kontanthjaelp"][-1] == 66.7


def test_the_project_leader_is_told_when_the_report_is_ready(
    data, django_capture_on_commit_callbacks
):
    order(data, django_capture_on_commit_callbacks)
    ours = [m for m in mail.outbox if "Statusrapporten" in m.subject]
    assert [m.to for m in ours] == [["leder@example.invalid"]]
    assert "juni 2025" in ours[0].subject
    # A link only: no figures and no family in the mail.
    assert "66,7" not in ours[0].body


def test_the_report_pdf_contains_the_metrics_and_the_charts_text(
    data, django_capture_on_commit_callbacks
):
    report = order(data, django_capture_on_commit_callbacks)
    assert report.dokument is not None
    report.dokument.refresh_from_db()
    assert report.dokument.tilstand == Dokument.Tilstand.FAERDIG, report.dokument.fejl
    text = pdf_text(report.dokument)
    assert "Statusrapport juni 2025" in text
    assert "Voksne på kontanthjælp" in text
    assert "100,0 %" in text
    assert "66,7 %" in text
    assert "Udfaldsmål over tid" in text  # the chart's title and its data table


def test_a_second_order_gives_the_same_report_and_no_second_build(
    data, django_capture_on_commit_callbacks
):
    first = order(data, django_capture_on_commit_callbacks)
    second = order(data, django_capture_on_commit_callbacks)
    assert second.pk == first.pk
    assert Maanedsrapport.objects.filter(projekt=data.projekt, maaned=JUN).count() == 1
    assert len([m for m in mail.outbox if "Statusrapporten" in m.subject]) == 1


def test_a_rebuild_makes_a_new_revision_and_keeps_the_old(data, django_capture_on_commit_callbacks):
    first = order(data, django_capture_on_commit_callbacks)
    second = order(data, django_capture_on_commit_callbacks, ny_revision=True)
    first.refresh_from_db()
    assert (first.revision, first.aktuel) == (1, False)
    assert (second.revision, second.aktuel, second.tilstand) == (2, True, Tilstand.FAERDIG)
    assert first.data["maal"] == second.data["maal"]
    assert second.dokument_id != first.dokument_id


def test_a_running_build_is_not_duplicated_by_a_rebuild(data):
    report, queued = services.rapport_bestil(
        projekt=data.projekt, maaned=JUN, udloeser=Maanedsrapport.Udloeser.BEAT
    )
    assert queued
    again, queued_again = services.rapport_bestil(
        projekt=data.projekt,
        maaned=JUN,
        udloeser=Maanedsrapport.Udloeser.BESTILT,
        ny_revision=True,
    )
    assert (again.pk, queued_again) == (report.pk, False)
    # A second delivery of the build task claims nothing after the first built it.
    assert services.rapport_byg(report_id=report.pk) is True
    assert services.rapport_byg(report_id=report.pk) is False


def test_a_running_or_future_month_is_refused(data):
    with pytest.raises(ValidationError) as error:
        services.rapport_bestil(
            projekt=data.projekt,
            maaned=datetime.date.today().replace(day=1),
            udloeser=Maanedsrapport.Udloeser.BESTILT,
            acting_user=data.projektleder,
        )
    assert "maaned" in error.value.message_dict
    assert not Maanedsrapport.objects.exists()


def test_only_the_projects_leader_may_order(data):
    for user in (data.koordinator, user_with_role(Rolle.PROJEKTLEDER)):
        with pytest.raises(PermissionDenied):
            services.rapport_bestil(
                projekt=data.projekt,
                maaned=JUN,
                udloeser=Maanedsrapport.Udloeser.BESTILT,
                acting_user=user,
            )


def test_ordering_is_audited(data):
    report, _ = services.rapport_bestil(
        projekt=data.projekt,
        maaned=JUN,
        udloeser=Maanedsrapport.Udloeser.BESTILT,
        acting_user=data.projektleder,
    )
    row = Adgangslog.objects.get(objekt_type="rapporter.maanedsrapport", handling="create")
    assert (row.bruger_id, row.projekt_id, row.objekt_id) == (
        data.projektleder.pk,
        data.projekt.pk,
        str(report.pk),
    )


# --- The beat ----------------------------------------------------------------------------------


def test_reports_are_due_the_day_after_each_projects_registration_deadline(db):
    tiende = ProjektFactory(registreringsfrist_dag=10)
    femte = ProjektFactory(registreringsfrist_dag=5)
    juli = datetime.date(2025, 7, 1)
    assert services.reports_due(today=juli.replace(day=5)) == []
    assert services.reports_due(today=juli.replace(day=6)) == [(femte.pk, JUN)]
    assert set(services.reports_due(today=juli.replace(day=11))) == {
        (tiende.pk, JUN),
        (femte.pk, JUN),
    }


def test_the_beat_task_orders_the_right_month_for_the_right_projects(db):
    tiende = ProjektFactory(registreringsfrist_dag=10)
    femte = ProjektFactory(registreringsfrist_dag=5)
    assert tasks.maanedsrapporter_forfaldne.delay("2025-07-08").get() == 1
    assert list(Maanedsrapport.objects.values_list("projekt_id", "maaned", "udloeser")) == [
        (femte.pk, JUN, "beat")
    ]
    # The next day nothing new for femte; a day after the tenth, tiende's June report.
    assert tasks.maanedsrapporter_forfaldne.delay("2025-07-09").get() == 0
    assert tasks.maanedsrapporter_forfaldne.delay("2025-07-11").get() == 1
    assert Maanedsrapport.objects.filter(projekt=tiende, maaned=JUN, aktuel=True).exists()


def test_the_beat_schedule_sends_the_report_task_daily():
    entry = celery_app.conf.beat_schedule["rapporter-maanedsrapporter"]
    assert entry["task"] == "rapporter.tasks.maanedsrapporter_forfaldne"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].day_of_month == set(range(1, 32))


# --- Two triggers at once ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_orders_give_one_report(projekt):
    """Two threads (two database connections) order the same month at the same moment."""
    start = threading.Barrier(2)
    results = []

    def trigger():
        try:
            start.wait()
            report, queued = services.rapport_bestil(
                projekt=projekt, maaned=JUN, udloeser=Maanedsrapport.Udloeser.BEAT
            )
            results.append((report.pk, queued))
        finally:
            connection.close()

    threads = [threading.Thread(target=trigger) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({pk for pk, _ in results}) == 1
    assert sorted(queued for _, queued in results) == [False, True]
    assert Maanedsrapport.objects.filter(projekt=projekt, maaned=JUN).count() == 1


def test_the_demo_seeder_orders_last_months_report_once(db):
    from rapporter import demo

    ProjektFactory(kode="demo-helhed")
    assert demo.seed(families=30, months=12, seed=1)[0].startswith("1 monthly")
    assert demo.seed(families=30, months=12, seed=1)[0].startswith("0 monthly")
    assert Maanedsrapport.objects.count() == 1
