"""Start pages, the project leader's dashboard, report pages and downloads, national overview."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kerne.dashboard import PANELS, Panel, register_panel
from kerne.models import Adgangslog, Rolle
from rapporter import services
from rapporter.models import Maanedsrapport
from tests.factories import ProjektFactory, family_of, user_with_role
from tests.rapporter.factories import JUN, build

pytestmark = pytest.mark.django_db

DASHBOARD = "rapporter:start_projektleder"


@pytest.fixture
def data(projekt):
    return build(projekt)


@pytest.fixture
def leader(client, data):
    client.force_login(data.projektleder)
    return client


def june_report(data, capture) -> Maanedsrapport:
    with capture(execute=True):
        report, _ = services.rapport_bestil(
            projekt=data.projekt,
            maaned=JUN,
            udloeser=Maanedsrapport.Udloeser.BESTILT,
            acting_user=data.projektleder,
        )
    report.refresh_from_db()
    return report


def test_the_dashboard_shows_the_outcome_metrics_with_their_definitions(leader):
    page = leader.get(reverse(DASHBOARD), {"fra": "2025-01", "til": "2025-06"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="metric-kontanthjaelp-nu">66,7 %' in html
    assert "Andel af de voksne, hvis forsørgelse er registreret" in html
    assert 'data-testid="active-families">3 / 30' in html
    assert html.count('data-testid="chart"') == 3
    assert "<svg" in html


def test_filtering_by_a_case_manager_narrows_the_dashboard(leader, data):
    page = leader.get(
        reverse(DASHBOARD),
        {"fra": "2025-01", "til": "2025-06", "koordinator": data.koordinator.pk},
    )
    html = page.content.decode()
    assert 'data-testid="active-families">2 / 30' in html
    # a1 and a2 only: kontanthjælp 2 of 2 at admission, 1 of 2 now.
    assert 'data-testid="metric-kontanthjaelp-nu">50,0 %' in html


def test_a_bad_filter_is_named_and_the_page_still_answers(leader):
    page = leader.get(reverse(DASHBOARD), {"fra": "2025-06", "til": "2025-01"})
    assert page.status_code == 200
    assert "Fra-måneden skal ligge før eller i til-måneden." in page.content.decode()
    page = leader.get(reverse(DASHBOARD), {"fra": "juni", "koordinator": "abc"})
    assert page.status_code == 200


def test_the_dashboard_runs_a_bounded_number_of_queries(leader, data, projekt):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert leader.get(reverse(DASHBOARD)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(6):
        family_of(data.koordinator, projekt, members=3)
    assert count() <= before + 2


def test_panels_registered_for_the_role_render_with_the_pages_filters(leader, data):
    seen = []

    def context(scope):
        seen.append(scope)
        return {"rows": [("Testtal", f"{scope.koordinator_id}:{scope.fra:%Y-%m}")]}

    panel = Panel(
        key="test-panel",
        title="Testpanel",
        template="rapporter/_panel_tal.html",
        context=context,
        roles=(Rolle.PROJEKTLEDER,),
    )
    register_panel(panel)
    try:
        page = leader.get(
            reverse(DASHBOARD),
            {"fra": "2025-03", "til": "2025-06", "koordinator": data.koordinator.pk},
        )
    finally:
        PANELS.remove(panel)
    html = page.content.decode()
    assert 'data-testid="panel-test-panel"' in html
    assert f"{data.koordinator.pk}:2025-03" in html
    assert seen[0].projekt == data.projekt
    assert seen[0].user == data.projektleder


def test_the_dashboard_read_is_audited(leader, data):
    leader.get(reverse(DASHBOARD))
    assert Adgangslog.objects.filter(
        bruger_id=data.projektleder.pk,
        handling="read",
        formaal="rapport",
        projekt_id=data.projekt.pk,
    ).exists()


def test_the_economy_box_comes_from_the_investment_model(leader):
    page = leader.get(reverse("rapporter:oekonomi"))
    assert page.status_code == 200
    assert "Break-even" in page.content.decode()


def test_the_case_managers_start_page_lists_their_to_dos(client, data):
    client.force_login(data.koordinator)
    page = client.get(reverse("rapporter:start_koordinator"))
    html = page.content.decode()
    assert page.status_code == 200
    for testid in ("todo-registrations", "todo-followups", "todo-assessments", "todo-meetings"):
        assert f'data-testid="{testid}"' in html
    # F1's and F2's assessments are open and overdue (90 days after admission in 2025).
    assert html.count("frist ") >= 2
    assert data.familier["f1"].betegnelse in html


def test_the_evaluators_page_shows_reports_and_exports_but_no_family(client, data):
    evaluator = user_with_role(Rolle.EVALUATOR, data.projekt)
    client.force_login(evaluator)
    html = client.get(reverse("rapporter:start_evaluator")).content.decode()
    assert 'data-testid="export-form"' in html
    for familie in data.familier.values():
        assert familie.betegnelse not in html


def test_the_report_page_and_its_data_files(leader, data, django_capture_on_commit_callbacks):
    report = june_report(data, django_capture_on_commit_callbacks)
    html = leader.get(reverse("rapporter:rapport", args=[report.pk])).content.decode()
    assert "Statusrapport juni 2025" in html
    assert 'data-testid="metric-kontanthjaelp-nu">66,7 %' in html
    assert 'data-testid="report-basis"' in html

    response = leader.get(reverse("rapporter:rapport_csv", args=[report.pk]))
    table = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    kontant = next(row for row in table if row[1] == "kontanthjaelp")
    assert kontant[3:5] == ["100.0", "66.7"]

    response = leader.get(reverse("rapporter:rapport_xlsx", args=[report.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(
        row[1] == "kontanthjaelp" and row[4] == 66.7 for row in sheet.iter_rows(values_only=True)
    )
    assert Adgangslog.objects.filter(objekt_id=str(report.pk), handling="export").count() == 2


def test_ordering_from_the_page_redirects_to_the_report(leader, data):
    response = leader.post(reverse("rapporter:rapport_bestil"), {"maaned": "2025-06"})
    report = Maanedsrapport.objects.get(projekt=data.projekt, maaned=JUN)
    assert response.status_code == 302
    assert response["Location"] == reverse("rapporter:rapport", args=[report.pk])


def test_ordering_a_bad_month_names_the_field(leader):
    response = leader.post(reverse("rapporter:rapport_bestil"), {"maaned": "2025-13"})
    assert response.status_code == 400
    assert "ÅÅÅÅ-MM" in response.content.decode()
    response = leader.post(reverse("rapporter:rapport_bestil"), {"maaned": "2999-01"})
    assert response.status_code == 400
    assert "afsluttet måned" in response.content.decode()
    assert not Maanedsrapport.objects.exists()


def test_the_national_overview_shows_each_readable_project_side_by_side(client, data):
    other = ProjektFactory(navn="Andet projekt")
    evaluator = user_with_role(Rolle.EVALUATOR, data.projekt)
    client.force_login(evaluator)
    html = client.get(reverse("rapporter:landsoverblik"), {"maaned": "2025-06"}).content.decode()
    assert data.projekt.navn in html
    assert "Andet projekt" not in html
    assert "66,7 %" in html

    national = user_with_role(Rolle.EVALUATOR, other)
    national.user_permissions.add(Permission.objects.get(codename="se_landsoverblik"))
    client.force_login(national)
    html = client.get(reverse("rapporter:landsoverblik"), {"maaned": "2025-06"}).content.decode()
    assert data.projekt.navn in html
    assert "Andet projekt" in html


def test_a_changed_registration_shows_at_once_despite_the_figure_cache(leader, data):
    url = reverse(DASHBOARD)
    params = {"fra": "2025-01", "til": "2025-06"}
    assert 'metric-kontanthjaelp-nu">66,7 %' in leader.get(url, params).content.decode()
    # a2 leaves kontanthjælp in June, saved the way the registration service saves it.
    registrering = data.personer["a2"].registreringer.get(maaned=JUN)
    registrering.vaerdier.filter(indikator__kode="forsoergelse").update(tekst="loenmodtager")
    registrering.save(update_fields=["aendret"])
    assert 'metric-kontanthjaelp-nu">33,3 %' in leader.get(url, params).content.decode()


def test_every_web_worker_reads_the_dashboard_figures_one_of_them_computed(leader, data):
    url = reverse(DASHBOARD)
    params = {"fra": "2025-01", "til": "2025-06"}
    first = leader.get(url, params).content.decode()
    # The figures sit in the database, where another gunicorn worker finds them, not in this
    # process's memory.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kerne_delt_cache WHERE cache_key LIKE %s", ["%maal%"])
        assert cursor.fetchone()[0] == 1
    with CaptureQueriesContext(connection) as queries:
        second = leader.get(url, params).content.decode()
    statements = [query["sql"] for query in queries]
    assert not [sql for sql in statements if "WITH regs AS" in sql or "WITH q AS" in sql]
    assert 'metric-kontanthjaelp-nu">66,7 %' in first
    assert 'metric-kontanthjaelp-nu">66,7 %' in second


def test_migrate_creates_the_shared_cache_table(db):
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE kerne_delt_cache")
    assert "kerne_delt_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "kerne_delt_cache" in connection.introspection.table_names()


def test_a_superuser_gets_no_implicit_national_role(client, data):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("rapporter:landsoverblik")).status_code == 403
    report = Maanedsrapport.objects.create(
        projekt=data.projekt, maaned=JUN, udloeser="bestilt", tilstand="faerdig", data={}
    )
    assert client.get(reverse("rapporter:rapport", args=[report.pk])).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "who"),
    [
        ("rapporter:start_koordinator", "koordinator"),
        ("rapporter:start_evaluator", "evaluator"),
        ("rapporter:landsoverblik", "evaluator"),
    ],
)
def test_start_pages_run_a_bounded_number_of_queries(client, data, projekt, url_name, who):
    user = data.koordinator if who == "koordinator" else user_with_role(Rolle.EVALUATOR, projekt)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        family_of(data.koordinator, projekt, members=3)
    assert count() <= before


def test_the_department_leader_sees_the_families_the_department_has_cases_on(client, data):
    from kerne import services as kerne_services
    from kerne.models import Medarbejder
    from tests.factories import ForvaltningFactory

    jobcenter = ForvaltningFactory(kommune=data.projekt.kommune)
    leder = user_with_role(Rolle.AFDELINGSLEDER, data.projekt)
    Medarbejder.objects.filter(bruger=leder).update(forvaltning=jobcenter)
    kerne_services.afdelingssag_aabn(
        acting_user=data.projektleder, familie=data.familier["f1"], forvaltning=jobcenter
    )
    client.force_login(leder)
    html = client.get(reverse("rapporter:start_afdeling")).content.decode()
    assert data.familier["f1"].betegnelse in html
    assert data.familier["f2"].betegnelse not in html
    assert Adgangslog.objects.filter(
        bruger_id=leder.pk, handling="read", familie_id=data.familier["f1"].pk
    ).exists()
