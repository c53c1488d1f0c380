"""The investment model's API: cost types, prices, cost lines, figures; one error format."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investering.models import Omkostningslinje
from kerne.models import Familie
from tests.investering.factories import cost_line, investment

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_catalogue_lists_types_with_prices(setup):
    body = api_as(setup.koordinator).get(reverse("api:cost-type-list")).json()
    names = {row["navn"]: row for row in body["results"]}
    assert names["Kontanthjælp"]["priser"][0]["beloeb"] == "10000.00"
    assert names["Kontanthjælp"]["sektor"] == "beskaeftigelse"


def test_only_catalogue_keepers_add_types_and_prices(setup):
    body = {
        "navn": "Psykolog",
        "enhed": "session",
        "sektor": "sundhed",
        "forvaltning": setup.job.forvaltning_id,
    }
    assert api_as(setup.koordinator).post(reverse("api:cost-type-list"), body).status_code == 403
    created = api_as(setup.administrativ).post(reverse("api:cost-type-list"), body)
    assert created.status_code == 201
    price = api_as(setup.administrativ).post(
        reverse("api:price-list"),
        {"omkostningstype": created.json()["id"], "gyldig_fra": "2025-01-01", "beloeb": "-1"},
    )
    assert price.status_code == 400
    assert "beloeb" in price.json()


def test_a_cost_line_round_trip(setup):
    api = api_as(setup.koordinator)
    body = {
        "familie": setup.familie.pk,
        "omkostningstype": setup.mentor.pk,
        "antal": "10",
        "fra": "2025-01-01",
    }
    missing_end = api.post(reverse("api:cost-line-list"), body, format="json")
    assert missing_end.status_code == 400
    assert "til" in missing_end.json()
    created = api.post(reverse("api:cost-line-list"), {**body, "til": "2025-01-10"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["sektor"] == "beskaeftigelse"
    updated = api.put(
        reverse("api:cost-line-detail", args=[pk]),
        {**body, "til": "2025-01-20", "antal": "20"},
        format="json",
    )
    assert updated.status_code == 200
    assert updated.json()["antal"] == "20.00"
    assert api.delete(reverse("api:cost-line-detail", args=[pk])).status_code == 204
    assert not Omkostningslinje.objects.exists()


def test_the_business_case_api_recomputes_what_if_without_saving(setup, projekt):
    Familie.objects.filter(pk=setup.familie.pk).update(status=Familie.Status.AKTIV)
    cost_line(setup.familie, setup.job, dt.date(2025, 1, 1), dt.date(2026, 3, 31))
    investment(projekt, "30000", dt.date(2026, 1, 1))
    api = api_as(setup.projektleder)
    plain = api.get(reverse("api:business-case")).json()
    assert plain["baseline_i_alt"] == "120000.00"
    assert plain["diskonteringsrente"] == "4.00"
    assert plain["maaneder"][0]["maaned"] == "2026-01-01"
    changed = api.get(reverse("api:business-case"), {"rente": "10"}).json()
    assert changed["nutidsvaerdi"] != plain["nutidsvaerdi"]
    half = api.get(reverse("api:business-case"), {"ny_pris": "1"})
    assert half.status_code == 400
    assert "non_field_errors" in half.json()
    assert api_as(setup.koordinator).get(reverse("api:business-case")).status_code == 403
