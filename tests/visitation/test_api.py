"""The visitation's API: the same services as the pages, object-permission filtered."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kerne.models import Familie
from tests.factories import family_of
from tests.visitation.factories import TODAY, meeting, submitted
from visitation.models import Indstilling

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_case_worker_refers_a_new_family_and_submits_it(org):
    api = api_for(org.sagsbehandler)

    response = api.post(
        reverse("api:referral-list"),
        {
            "betegnelse": "Familien Api",
            "personer": [
                {
                    "cpr": "120385-4000",
                    "fornavn": "Ane",
                    "efternavn": "Api",
                    "rolle": "voksen",
                    "relation": "mor",
                    "foraeldremyndighed": True,
                },
            ],
            "begrundelse": "Mange sager",
            **dict.fromkeys(("kendt_begge", "ydelse", "genovervejes", "tvaerfaglig"), True),
            "motivation": False,
            "motivation_note": "Usikker",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "kladde"
    assert body["kriterier"]["motivation"] == {"svar": False, "note": "Usikker"}

    submit = reverse("api:referral-submit", args=[body["id"]])
    response = api.post(submit, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"samtykke_givet_af", "samtykke_dato", "samtykke_form"}

    mother = Indstilling.objects.get(pk=body["id"]).familie.personer.get()
    response = api.patch(
        reverse("api:referral-detail", args=[body["id"]]),
        {"samtykke_givet_af": mother.pk, "samtykke_dato": str(TODAY), "samtykke_form": "mundtligt"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["begrundelse"] == "Mange sager", "PATCH keeps what is not sent"

    response = api.post(submit, {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "indstillet"


def test_a_duplicate_referral_is_a_400_naming_the_family_field(org):
    familie = family_of(org.koordinator, org.projekt)

    response = api_for(org.projektleder).post(
        reverse("api:referral-list"), {"familie": familie.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "familie": ["Familien er allerede aktiv i projektet og kan ikke indstilles igen."]
    }


def test_decisions_assignments_and_discharges_through_the_api(org):
    indstilling = submitted(org)
    moede = meeting(org, members=[org.projektleder, org.leder_familie])
    punkt = moede.punkter.get()
    board = api_for(org.leder_familie)
    detail = board.get(reverse("api:meeting-detail", args=[moede.pk])).json()
    assert detail["punkter"][0]["betegnelse"] == "Familien Holm"

    response = board.post(
        reverse("api:decision-list"), {"punkt": punkt.pk, "beslutning": "afvis"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"begrundelse": ["Skriv begrundelsen for afvisningen."]}
    response = board.post(
        reverse("api:decision-list"), {"punkt": punkt.pk, "beslutning": "optag"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["betegnelse"] is None, "the member no longer sees the family"
    detail = board.get(reverse("api:meeting-detail", args=[moede.pk])).json()
    assert detail["punkter"][0]["familie"] is None
    assert detail["punkter"][0]["beslutning"] == "optag"

    leader = api_for(org.projektleder)
    response = leader.post(
        reverse("api:assignment-list"),
        {"familie": indstilling.familie_id, "koordinator": org.koordinator2.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["over_kapacitet"] is False
    response = api_for(org.koordinator2).post(
        reverse("api:discharge-list"),
        {
            "familie": indstilling.familie_id,
            "aarsag": "andet",
            "dato": str(TODAY),
            "overdragelsesnote": "Over til jobcentret",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"aarsag_tekst": ["Beskriv årsagen, når du vælger »Andet«."]}
    response = api_for(org.koordinator2).post(
        reverse("api:discharge-list"),
        {
            "familie": indstilling.familie_id,
            "aarsag": "maal_naaet",
            "dato": str(TODAY),
            "overdragelsesnote": "Over til jobcentret",
        },
        format="json",
    )
    assert response.status_code == 201
    assert Familie.objects.get(pk=indstilling.familie_id).status == "afsluttet"
    listed = api_for(org.sagsbehandler).get(reverse("api:discharge-list")).json()
    assert [row["familie"] for row in listed["results"]] == [indstilling.familie_id]
    assert api_for(org.koordinator).get(reverse("api:discharge-list")).json()["count"] == 0


def test_bad_ids_are_404_not_500(org):
    api = api_for(org.projektleder)
    assert api.get("/api/v1/referrals/99999999999999999999/").status_code == 404
    response = api.post(
        reverse("api:decision-list"), {"punkt": 2**63, "beslutning": "optag"}, format="json"
    )
    assert response.status_code == 400
