"""The network's API: meetings, decisions into agreements, confirmation, partners, offers."""

import pytest
from rest_framework.test import APIClient

from familieplan.models import Aftale
from kerne.models import Adgangslog, Rolle
from tests.factories import family_of
from tests.familieplan.factories import TODAY, integrated
from tests.netvaerk.factories import meeting, offer, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    return user


@pytest.fixture
def api(koordinator):
    client = APIClient()
    client.force_authenticate(koordinator)
    return client


def test_a_meeting_is_planned_decided_and_confirmed_through_the_api(api, koordinator, projekt):
    familie = family_of(koordinator, projekt)
    adult = familie.medlemskaber.get(rolle="voksen").person
    made = api.post(
        "/api/v1/family-meetings/",
        {
            "familie": familie.pk,
            "art": "stormoede",
            "tidspunkt": "2026-01-05T10:00:00+01:00",
            "sted": "Rådhuset",
            "dagsorden": "Skolen\nFritid",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    decision = api.post(
        f"/api/v1/family-meetings/{pk}/decisions/",
        {"tekst": "Far ringer til klubben", "aftale": {"hvem": "Far", "frist": str(TODAY)}},
        format="json",
    )
    assert decision.status_code == 201, decision.json()
    aftale = Aftale.objects.get(pk=decision.json()["aftale"])
    assert aftale.hvad == "Far ringer til klubben"
    via_agreements = api.post(
        "/api/v1/agreements/",
        {"moede": pk, "hvad": "Mor skriver til skolen", "hvem": "Mor", "frist": str(TODAY)},
        format="json",
    )
    assert via_agreements.status_code == 201
    listed = api.get("/api/v1/agreements/", {"moede": pk}).json()
    assert [a["hvad"] for a in listed["results"]] == [
        "Far ringer til klubben",
        "Mor skriver til skolen",
    ]
    detail = api.get(f"/api/v1/family-meetings/{pk}/").json()
    assert detail["dagsorden"] == "Skolen\nFritid"
    assert len(detail["beslutninger"]) == 2
    assert Adgangslog.objects.filter(
        objekt_type="familieplan.stafetmoede", objekt_id=str(pk), handling="read"
    ).exists()
    confirmed = api.post(
        f"/api/v1/family-meetings/{pk}/confirm/", {"person": adult.pk}, format="json"
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["bekraeftet_af"] == adult.pk
    late = api.post(f"/api/v1/family-meetings/{pk}/decisions/", {"tekst": "x"}, format="json")
    assert late.status_code == 400
    meetings = api.get("/api/v1/family-meetings/", {"familie": familie.pk}).json()
    assert meetings["count"] == 1


def test_partners_and_offers_are_listed_per_project_and_created_by_keepers(api, projekt, make_user):
    klub = partner(projekt)
    offer(klub, alder_fra=8, alder_til=12)
    listed = api.get("/api/v1/partners/", {"projekt": projekt.pk}).json()
    assert [p["navn"] for p in listed["results"]] == ["IF Boldklubben"]
    detail = api.get(f"/api/v1/partners/{klub.pk}/", {"projekt": projekt.pk}).json()
    assert detail["tilbud"][0]["alder_fra"] == 8
    made = api.post(
        "/api/v1/offers/",
        {"projekt": projekt.pk, "partner": klub.pk, "titel": "Lektiecafé", "art": "andet"},
        format="json",
    )
    assert made.status_code == 201
    offers = api.get("/api/v1/offers/", {"projekt": projekt.pk, "partner": klub.pk}).json()
    assert {o["titel"] for o in offers["results"]} == {"Fodbold 8-12 år", "Lektiecafé"}
    worker = APIClient()
    worker.force_authenticate(make_user(Rolle.SAGSBEHANDLER))
    refused = worker.post(
        "/api/v1/partners/", {"projekt": projekt.pk, "navn": "X", "art": "forening"}, format="json"
    )
    assert refused.status_code == 403


def test_a_meeting_of_a_hidden_family_answers_404(api, projekt, make_user):
    other = family_of(make_user(Rolle.KOORDINATOR), projekt)
    moede = meeting(other.koordinator, other, days=-1)
    assert api.get(f"/api/v1/family-meetings/{moede.pk}/").status_code == 404
    assert api.get("/api/v1/family-meetings/", {"familie": other.pk}).status_code == 404
