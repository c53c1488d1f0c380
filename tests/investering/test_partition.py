"""The sector partition: a user without a sector sees neither its lines nor their amounts in
any total they are shown (selectors, pages, drill-down, API)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investering import selectors
from investering.beregning import BASELINE
from kerne import adgang
from kerne.models import Delingsregel, Familie, Rolle, Sektor
from tests.investering.conftest import AS_OF
from tests.investering.factories import cost_line

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def costs(setup):
    Familie.objects.filter(pk=setup.familie.pk).update(status=Familie.Status.AKTIV)
    # Admitted 1 January 2026 (the members' start): the baseline is calendar 2025.
    job = cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    born = cost_line(setup.familie, setup.born, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    return {"job": job, "born": born}


def test_the_case_manager_sees_both_sectors(setup, costs):
    figures = selectors.family_figures(setup.koordinator, setup.familie, as_of=AS_OF)
    assert figures.baseline_total == D("180000")  # 12 × 10.000 + 12 × 5.000


def test_the_job_centre_sees_only_employment_in_lines_and_totals(setup, costs):
    figures = selectors.family_figures(setup.sagsbehandler, setup.familie, as_of=AS_OF)
    assert figures.baseline_total == D("120000")
    assert {key[1] for key in figures.baseline} == {"beskaeftigelse"}
    assert list(selectors.lines_for(setup.sagsbehandler, familie=setup.familie)) == [costs["job"]]
    count, total, rows = selectors.drilldown(
        setup.sagsbehandler, setup.projekt, art=BASELINE, familie=setup.familie, as_of=AS_OF
    )
    assert {row["linje_id"] for row in rows} == {costs["job"].pk}
    assert total == D("120000")
    assert count == 12


def test_the_project_total_holds_only_the_sectors_the_user_sees(setup, costs, make_user):
    full = selectors.project_figures(setup.projektleder, setup.projekt, as_of=AS_OF)
    partial = selectors.project_figures(setup.sagsbehandler, setup.projekt, as_of=AS_OF)
    assert full.baseline_total == D("180000")
    assert full.fuldstaendig
    assert partial.baseline_total == D("120000")
    assert not partial.fuldstaendig


def test_the_investment_models_owners_see_whole_project_sums_but_no_line_behind_them(setup, costs):
    # The administrative employee has no grant on any sector of the family (no sharing rule
    # names the role), yet owns the investment model: the project's sums cover every sector,
    # while the lines, the family's own figures and the names behind a sum stay hidden.
    admin = setup.administrativ
    figures = selectors.project_figures(admin, setup.projekt, as_of=AS_OF)
    assert figures.baseline_total == D("180000")
    assert figures.fuldstaendig
    assert {key[1] for key in figures.baseline} == {"beskaeftigelse", "boern_familie"}
    assert list(selectors.lines_for(admin, projekt=setup.projekt)) == []
    totals = selectors.family_totals(admin, setup.projekt, [setup.familie.pk], as_of=AS_OF)
    assert totals.get(setup.familie.pk, {}).get("baseline", D("0")) == D("0")
    count, total, rows = selectors.drilldown(admin, setup.projekt, art=BASELINE, as_of=AS_OF)
    assert (count, total) == (24, D("180000"))
    assert all(row["skjult"] for row in rows)


def test_the_project_drilldown_names_only_the_lines_the_user_may_see(client, setup, costs):
    # The administrative employee may see the employment sector, not the family sector.
    Delingsregel.objects.create(
        projekt=setup.projekt,
        rolle=Rolle.ADMINISTRATIV,
        sektor=Sektor.BESKAEFTIGELSE,
        regel=Delingsregel.Regel.ALWAYS,
    )
    adgang.sync_family_grants(setup.familie, reason="test")
    client.force_login(setup.administrativ)
    page = client.get(reverse("investering:grundlag"), {"art": BASELINE, "side": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Familien Østergaard" in text  # the employment lines are named
    assert "Forebyggende foranstaltning" in text  # the family sector's line shows its type
    assert text.count('data-testid="skjult-familie"') == 12  # but not whose it is


def test_pages_show_no_amount_of_a_hidden_sector(client, setup, costs):
    client.force_login(setup.sagsbehandler)
    page = client.get(reverse("investering:familie_oekonomi", args=[setup.familie.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "120.000,00 kr." in text
    assert "180.000,00 kr." not in text
    assert "60.000,00 kr." not in text
    assert "Forebyggende foranstaltning" not in text
    hidden = client.get(reverse("investering:linje_rediger", args=[costs["born"].pk]))
    assert hidden.status_code == 404


def test_the_api_shows_no_amount_of_a_hidden_sector(setup, costs):
    api = APIClient()
    api.force_authenticate(setup.sagsbehandler)
    lines = api.get(reverse("api:cost-line-list"), {"familie": setup.familie.pk}).json()
    assert [row["id"] for row in lines["results"]] == [costs["job"].pk]
    assert api.get(reverse("api:cost-line-detail", args=[costs["born"].pk])).status_code == 404
    economy = api.get(reverse("api:family-economy", args=[setup.familie.pk])).json()
    assert economy["baseline_i_alt"] == "120000.00"
    assert {row["sektor"] for row in economy["baseline"]} == {"beskaeftigelse"}
