"""The registration's API: values partitioned by sector, the month's rules, questionnaires,
risks and milestones."""

import pytest
from rest_framework.test import APIClient

from kerne import services as kerne_services
from kerne.models import Medarbejder, Rolle, Sektor
from registrering.models import Registrering, Risiko
from tests.factories import ForvaltningFactory
from tests.registrering.factories import (
    THIS_MONTH,
    TODAY,
    adult,
    children,
    months_ago,
    registration,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def worker(make_user, projekt, familie):
    """A job centre case worker with a case on the family: the employment sector only."""
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    user = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=user).update(forvaltning=jobcenter)
    kerne_services.afdelingssag_aabn(
        acting_user=make_user(Rolle.PROJEKTLEDER),
        familie=familie,
        forvaltning=jobcenter,
        sagsbehandler=user,
    )
    return user


def test_a_registrations_values_are_filtered_by_sector(koordinator, worker, familie):
    registrering = registration(
        familie,
        adult(familie),
        THIS_MONTH,
        koordinator,
        {"egenomsorg": 2, "forsoergelse": "fleksjob"},
    )

    everything = api(koordinator).get(f"/api/v1/registrations/{registrering.pk}/").json()
    employment = api(worker).get(f"/api/v1/registrations/{registrering.pk}/").json()

    assert sorted(v["indikator"] for v in everything["vaerdier"]) == ["egenomsorg", "forsoergelse"]
    assert [(v["indikator"], v["sektor"], v["tekst"]) for v in employment["vaerdier"]] == [
        ("forsoergelse", "beskaeftigelse", "fleksjob")
    ]
    assert employment["maaned"] == f"{THIS_MONTH:%Y-%m}"


def test_the_list_filters_by_month_and_family(koordinator, familie, projekt):
    from tests.registrering.conftest import make_family

    other = make_family(koordinator, projekt)
    registration(familie, adult(familie), THIS_MONTH, koordinator, {"egenomsorg": 1})
    registration(familie, adult(familie), months_ago(1), koordinator, {"egenomsorg": 1})
    registration(other, adult(other), THIS_MONTH, koordinator, {"egenomsorg": 1})

    body = (
        api(koordinator)
        .get("/api/v1/registrations/", {"familie": familie.pk, "maaned": f"{THIS_MONTH:%Y-%m}"})
        .json()
    )

    assert body["count"] == 1
    assert body["results"][0]["familie"] == familie.pk
    assert api(koordinator).get("/api/v1/registrations/", {"maaned": "marts"}).json() == {
        "maaned": ["Skriv måneden som ÅÅÅÅ-MM, fx 2026-03."]
    }


def test_registering_through_the_api_and_correcting(koordinator, familie):
    body = {
        "familie": familie.pk,
        "person": children(familie)[0].pk,
        "maaned": f"{THIS_MONTH:%Y-%m}",
        "vaerdier": {"skolefravaer_pct": "12,5", "trivsel": "1"},
    }

    created = api(koordinator).post("/api/v1/registrations/", body, format="json")
    corrected = api(koordinator).post(
        "/api/v1/registrations/", {**body, "vaerdier": {"trivsel": "2"}}, format="json"
    )

    assert created.status_code == 201
    assert corrected.status_code == 200
    values = {v["indikator"]: v["tal"] for v in corrected.json()["vaerdier"]}
    assert values == {"skolefravaer_pct": "12.50", "trivsel": "2.00"}


def test_api_refusals_use_the_one_error_format(koordinator, familie):
    teen = children(familie)[0]
    base = {"familie": familie.pk, "person": teen.pk, "maaned": f"{THIS_MONTH:%Y-%m}"}

    bad_value = api(koordinator).post(
        "/api/v1/registrations/", {**base, "vaerdier": {"skolefravaer_pct": "140"}}, format="json"
    )
    locked = api(koordinator).post(
        "/api/v1/registrations/",
        {**base, "maaned": f"{months_ago(3):%Y-%m}", "vaerdier": {"trivsel": "1"}},
        format="json",
    )
    empty = api(koordinator).post("/api/v1/registrations/", {**base, "vaerdier": {}}, format="json")

    assert bad_value.status_code == 400
    assert bad_value.json() == {
        f"p{teen.pk}-skolefravaer_pct": [
            "Skolefravær (%) skal være mellem 0 og 100 (du skrev 140)."
        ]
    }
    assert locked.status_code == 400
    assert "er låst" in locked.json()["non_field_errors"][0]
    assert empty.status_code == 400
    assert empty.json() == {"vaerdier": ["Angiv mindst én værdi for en ny registrering."]}
    assert not Registrering.objects.exists()


def test_a_questionnaire_through_the_api_is_scored(koordinator, familie):
    response = api(koordinator).post(
        "/api/v1/questionnaires/",
        {
            "familie": familie.pk,
            "person": adult(familie).pk,
            "type": "who5",
            "maalepunkt": "start",
            "dato": str(TODAY),
            "svar": {"1": 5, "2": 5, "3": 5, "4": 5, "5": 1},
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["score"] == 84
    assert response.json()["skalaer"] == {
        "raw": 21,
        "percentage": 84,
        "poor_wellbeing": True,
        "likely_depression": False,
    }


def test_risks_are_created_and_assessed_by_the_project_leader(leder, projekt):
    client = api(leder)

    created = client.post(
        "/api/v1/risks/",
        {"beskrivelse": "Frafald", "sandsynlighed": 3, "konsekvens": 4, "ejer": "Pia"},
        format="json",
    )
    risk_id = created.json()["id"]
    closed = client.patch(f"/api/v1/risks/{risk_id}/", {"status": "lukket"}, format="json")
    illegal = client.patch(
        f"/api/v1/risks/{risk_id}/", {"status": "under_haandtering"}, format="json"
    )
    out_of_range = client.post(
        "/api/v1/risks/",
        {"beskrivelse": "X", "sandsynlighed": 6, "konsekvens": 4, "ejer": "Pia"},
        format="json",
    )

    assert created.status_code == 201
    assert closed.json()["status"] == "lukket"
    assert illegal.status_code == 400
    assert illegal.json() == {
        "status": ["Status kan ikke skifte fra lukket til under_haandtering."]
    }
    assert out_of_range.status_code == 400
    assert "sandsynlighed" in out_of_range.json()
    assert Risiko.objects.get().historik.count() == 2


def test_the_schema_documents_the_registration_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/registrations/",
        "/api/v1/registrations/{id}/",
        "/api/v1/questionnaires/",
        "/api/v1/risks/{id}/",
        "/api/v1/milestones/",
        "/api/v1/indicators/",
    ):
        assert path in schema["paths"], path


# --- Malformed input is a 4xx, never a 500 ------------------------------------------------------


def fuzz_inputs(familie, leder_projekt) -> dict[str, tuple[dict, list[dict]]]:
    """Base bodies and extra bad changes for every POST of this app (for tests/test_openapi.py
    too: the kernel's fuzz test wants an entry per POST path)."""
    teen = children(familie)[0]
    month = f"{THIS_MONTH:%Y-%m}"
    return {
        "/api/v1/registrations/": (
            {
                "familie": familie.pk,
                "person": teen.pk,
                "maaned": month,
                "vaerdier": {"skolefravaer_pct": "140"},
            },
            [
                {"maaned": "2026-13"},
                {"maaned": "2026-3"},
                {"maaned": "99999-01"},
                {"maaned": 202603},
                {"vaerdier": {"ukendt": "1"}},
                {"vaerdier": {"trivsel": "x" * 41}},
                {"vaerdier": ["trivsel"]},
                {"person": 999_999_999},
                {"familie": 2**70},
                {"familie": -1},
            ],
        ),
        "/api/v1/questionnaires/": (
            {
                "familie": familie.pk,
                "person": teen.pk,
                "type": "sdq",
                "version": "foraelder",
                "maalepunkt": "start",
                "dato": str(TODAY),
                "svar": {"1": 9},
            },
            [
                {"svar": {"1": -1}},
                {"svar": {"99": 1}},
                {"svar": {"1": "to"}},
                {"svar": [1, 2]},
                {"type": "phq9"},
                {"version": "ukendt"},
                {"dato": "2026-02-30"},
                {"dato": "99999-01-01"},
            ],
        ),
        "/api/v1/risks/": (
            {"beskrivelse": "Frafald", "sandsynlighed": 9, "konsekvens": 3, "ejer": "Pia"},
            [
                {"sandsynlighed": 0},
                {"konsekvens": 2**70},
                {"status": "glemt"},
                {"maaned": "marts"},
                {"beskrivelse": "x" * 301},
            ],
        ),
        "/api/v1/milestones/": (
            {"titel": "Slut", "frist": "2026-02-30"},
            [{"status": "glemt"}, {"titel": ""}, {"maaned": "2026-00"}, {"frist": 1}],
        ),
    }


def test_malformed_bodies_to_every_registration_endpoint_are_4xx(koordinator, leder, familie):
    import json

    from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies

    schema_client = APIClient()
    schema_client.force_authenticate(koordinator)
    schema = schema_client.get("/api/schema/", {"format": "json"}).json()
    inputs = fuzz_inputs(familie, leder)
    risiko = Risiko.objects.create(
        projekt=familie.projekt,
        beskrivelse="Fuzz",
        sandsynlighed=2,
        konsekvens=2,
        ejer="Pia",
        maaned=THIS_MONTH,
    )
    answers = []
    for user in (koordinator, leder):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        for path, (base, extra) in inputs.items():
            operation = schema["paths"][path]["post"]
            for body in _bodies(schema, operation, base, extra):
                encoded = json.dumps(body) if not isinstance(body, str) else body
                answer = client.post(path, encoded, content_type="application/json")
                answers.append((answer.status_code, path, encoded[:100]))
            for raw in WRONG_BODIES:
                answers.append(
                    (client.post(path, raw, content_type="application/json").status_code, path, raw)
                )
            answers.append(
                (client.post(path, WRONG_FORM, format="multipart").status_code, path, "form")
            )
        for url in (
            f"/api/v1/risks/{risiko.pk}/",
            "/api/v1/risks/999999999/",
            "/api/v1/risks/" + "9" * 25 + "/",
        ):
            for body in ({"sandsynlighed": 0}, {"status": "glemt"}, {"maaned": []}, "[]", "{x"):
                encoded = json.dumps(body) if not isinstance(body, str) else body
                answer = client.patch(url, encoded, content_type="application/json")
                answers.append((answer.status_code, url, encoded))

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 200
    assert not Registrering.objects.exists()
    assert Risiko.objects.count() == 1
