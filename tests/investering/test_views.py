"""The investment model's pages: content, bounded queries, confirmation, errors as 400."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investering.models import Investeringslinje, Omkostningslinje, Omkostningstype
from kerne.models import Adgangslog
from tests.investering.factories import cost_line, investment

pytestmark = pytest.mark.django_db
D = Decimal


def economy(familie) -> str:
    return reverse("investering:familie_oekonomi", args=[familie.pk])


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_economy_tab_shows_figures_lines_and_logs_the_read(client, setup):
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    client.force_login(setup.koordinator)
    response = client.get(economy(setup.familie))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kontanthjælp" in text
    assert "120.000,00 kr." in text  # the baseline, Danish format
    assert "<svg" in text
    assert "<title" in text
    assert "<desc" in text
    assert Adgangslog.objects.filter(
        familie_id=setup.familie.pk, handling="read", detaljer__side="oekonomi"
    ).exists()


def test_the_economy_tab_queries_do_not_grow_with_the_cost_lines(client, setup):
    client.force_login(setup.koordinator)
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    few = queries(client, economy(setup.familie))
    for month in range(2, 13):
        cost_line(setup.familie, setup.job, dt.date(2025, month, 1), dt.date(2025, month, 28))
        cost_line(setup.familie, setup.born, dt.date(2025, month, 1), dt.date(2025, month, 28))
    many = queries(client, economy(setup.familie))
    assert many == few


def test_the_business_case_queries_do_not_grow_with_the_families(client, setup, projekt):
    from tests.factories import family_of

    client.force_login(setup.projektleder)
    investment(projekt, "100000", dt.date(2026, 1, 1))
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2026, 6, 30))
    url = reverse("investering:business_case")
    few = queries(client, url)
    for _index in range(5):
        familie = family_of(setup.koordinator, projekt)
        cost_line(familie, setup.job, dt.date(2025, 1, 1), dt.date(2026, 6, 30))
    many = queries(client, url)
    assert many == few


def test_the_business_case_what_if_moves_npv_without_saving(client, setup, projekt):
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2026, 3, 31))
    investment(projekt, "30000", dt.date(2026, 1, 1))
    client.force_login(setup.projektleder)
    url = reverse("investering:business_case")

    def npv(response) -> str:
        return re.search(r'data-testid="npv">([^<]+)<', response.content.decode()).group(1)

    plain = client.get(url)
    changed = client.get(url, {"rente": "25"})
    priced = client.get(
        url, {"omkostningstype": setup.job.pk, "ny_pris": "20000", "gyldig_fra": "2026-01-01"}
    )
    assert plain.status_code == changed.status_code == priced.status_code == 200
    assert npv(plain) != npv(changed)
    assert npv(plain) != npv(priced)
    assert "ikke gemt" in changed.content.decode()
    assert setup.job.priser.count() == 1


def test_a_half_filled_price_change_is_a_400_naming_the_fields(client, setup):
    client.force_login(setup.projektleder)
    response = client.get(reverse("investering:business_case"), {"ny_pris": "abc"})
    assert response.status_code == 400
    assert "Udfyld omkostningstype, ny pris og dato" in response.content.decode()


def test_a_line_is_added_with_danish_amounts_and_errors_are_400(client, setup):
    client.force_login(setup.koordinator)
    url = reverse("investering:linje_ny", args=[setup.familie.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"omkostningstype": setup.mentor.pk, "antal": "12,5", "fra": "2025-01-01"}
    )
    assert bad.status_code == 400
    assert "kræver en slutdato" in bad.content.decode()
    good = client.post(
        url,
        {
            "omkostningstype": setup.job.pk,
            "antal": "1",
            "fra": "2025-01-01",
            "til": "2025-03-31",
            "pris_override": "1.234,50",
            "override_begrundelse": "Særlig sats",
        },
    )
    assert good.status_code == 302
    linje = Omkostningslinje.objects.get()
    assert linje.pris_override == D("1234.50")


def test_deleting_asks_first(client, setup):
    linje = cost_line(setup.familie, setup.job, dt.date(2025, 1, 1))
    client.force_login(setup.koordinator)
    url = reverse("investering:linje_slet", args=[linje.pk])
    page = client.get(url).content.decode()
    assert "data-confirm" in page
    assert Omkostningslinje.objects.exists()
    assert client.post(url).status_code == 400  # no confirmation field: nothing deleted
    assert Omkostningslinje.objects.exists()
    assert client.post(url, {"bekraeft": "on"}).status_code == 302
    assert not Omkostningslinje.objects.exists()


def test_the_drilldown_lists_the_lines_and_prices_behind_a_figure(client, setup):
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 16), dt.date(2025, 2, 28))
    client.force_login(setup.koordinator)
    url = reverse("investering:familie_grundlag", args=[setup.familie.pk])
    response = client.get(url, {"art": "baseline", "sektor": "beskaeftigelse"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "16/31" in text  # the prorated January
    assert "15.161,29 kr." in text  # 16/31 × 10.000 + 10.000
    assert client.get(url, {"art": "nonsense"}).status_code == 400


def test_catalogue_pages_create_a_type_with_its_first_price(client, setup):
    client.force_login(setup.administrativ)
    assert client.get(reverse("investering:prisliste")).status_code == 200
    response = client.post(
        reverse("investering:omkostningstype_ny"),
        {
            "navn": "Psykolog",
            "enhed": "session",
            "sektor": "sundhed",
            "forvaltning": setup.job.forvaltning_id,
            "pris-gyldig_fra": "2025-01-01",
            "pris-beloeb": "1.100",
        },
    )
    assert response.status_code == 302
    psykolog = Omkostningstype.objects.get(navn="Psykolog")
    assert psykolog.priser.get().beloeb == D("1100")
    listing = client.get(reverse("investering:prisliste")).content.decode()
    assert "1.100,00 kr." in listing


def test_investment_lines_are_kept_by_the_leader(client, setup):
    client.force_login(setup.projektleder)
    response = client.post(
        reverse("investering:investering_ny"),
        {
            "kategori": "personale",
            "beskrivelse": "Koordinatorer",
            "beloeb": "141.500",
            "enhed": "maaned",
            "fra": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert Investeringslinje.objects.get().beloeb == D("141500")
    page = client.get(reverse("investering:investeringer")).content.decode()
    assert "1.698.000,00 kr." in page  # the rolling 12 months
    missing_end = client.post(
        reverse("investering:investering_ny"),
        {
            "kategori": "andet",
            "beskrivelse": "X",
            "beloeb": "1",
            "enhed": "i_alt",
            "fra": "2025-01-01",
        },
    )
    assert missing_end.status_code == 400
    assert "kræver en slutdato" in missing_end.content.decode()
