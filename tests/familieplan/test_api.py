"""The family plan's API: sector partition, conflicts as 409, bad input as 400, audit."""

import datetime

import pytest
from rest_framework.test import APIClient

from familieplan.models import Indsats, Planversion
from kerne import services as kerne_services
from kerne.models import Adgangslog, Delingsregel, Medarbejder, Rolle, Sektor
from tests.factories import ForvaltningFactory, PersonFactory, family_of
from tests.familieplan.factories import TODAY, agree, draft_with, integrated

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt)


@pytest.fixture
def plan(koordinator, familie):
    version = draft_with(
        koordinator,
        familie,
        {"titel": "Praktik"},
        {"titel": "Familiebehandling", "sektor": Sektor.BOERN_FAMILIE, "art": "familiebehandling"},
    )
    return agree(koordinator, version)


@pytest.fixture
def worker(make_user, projekt, familie):
    leader = make_user(Rolle.PROJEKTLEDER)
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    user = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=user).update(forvaltning=jobcenter)
    kerne_services.delingsregel_saet(
        acting_user=leader,
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.BOERN_FAMILIE,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    kerne_services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=user
    )
    return user


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_case_worker_without_consent_gets_no_family_department_activity_from_the_api(
    plan, worker, koordinator
):
    version = api(worker).get(f"/api/v1/plan-versions/{plan.pk}/").json()
    listed = api(worker).get("/api/v1/activities/", {"version": plan.pk}).json()["results"]
    hidden = plan.indsatser.get(sagsdel__sektor=Sektor.BOERN_FAMILIE)

    assert [a["titel"] for a in version["indsatser"]] == ["Praktik"]
    assert [a["titel"] for a in listed] == ["Praktik"]
    assert api(worker).get(f"/api/v1/activities/{hidden.pk}/").status_code == 404
    assert {
        a["titel"]
        for a in api(koordinator).get(f"/api/v1/plan-versions/{plan.pk}/").json()["indsatser"]
    } == {
        "Praktik",
        "Familiebehandling",
    }


def _body(familie, draft, **overrides):
    person = familie.medlemskaber.get(rolle="voksen").person
    body = {
        "version": draft.pk,
        "sektor": "beskaeftigelse",
        "titel": "Kursus",
        "art": "kursus",
        "personer": [person.pk],
        "maal": "Job",
        "maalopfyldelse": "Ansat",
        "tilbud": "Kursus",
        "leverandoer": "Jobcenter",
        "startdato": TODAY.isoformat(),
        "slutdato": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "timer_pr_uge": "10.0",
        "kadence": "maanedlig",
        "opfoelgningsform": "Samtale",
        "konsekvens_ved_udeblivelse": "Sanktion",
        "ansvarlig": "Jonas",
    }
    body.update(overrides)
    return body


def test_create_change_and_a_stale_change_answers_409(koordinator, familie):
    version = draft_with(koordinator, familie)
    client = api(koordinator)

    created = client.post("/api/v1/activities/", _body(familie, version), format="json")
    assert created.status_code == 201
    activity = created.json()
    changed = client.put(
        f"/api/v1/activities/{activity['id']}/",
        _body(familie, version, titel="Ændret", revision=activity["revision"]),
        format="json",
    )
    assert changed.status_code == 200
    stale = client.put(
        f"/api/v1/activities/{activity['id']}/",
        _body(familie, version, titel="Forældet", revision=activity["revision"]),
        format="json",
    )

    assert stale.status_code == 409
    assert "ændret af en anden" in stale.json()["detail"]
    assert Indsats.objects.get(pk=activity["id"]).titel == "Ændret"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timer_pr_uge": "61"}, "timer_pr_uge"),
        ({"timer_pr_uge": "abc"}, "timer_pr_uge"),
        ({"slutdato": "2000-01-01"}, "slutdato"),
        ({"kadence": ""}, "kadence"),
        ({"sektor": "rumfart"}, "sektor"),
        ({"personer": [999_999_999]}, "personer"),
        ({"personer": []}, "personer"),
        ({"startdato": "2026-02-30"}, "startdato"),
        ({"version": 2**70}, "version"),
        ({"faelles_maal": 999_999}, "faelles_maal"),
        ({"titel": "x" * 201}, "titel"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(koordinator, familie, overrides, field):
    version = draft_with(koordinator, familie)

    answer = api(koordinator).post(
        "/api/v1/activities/", _body(familie, version, **overrides), format="json"
    )

    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not Indsats.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"tekst"', "null", "{ikke json"])
def test_malformed_bodies_are_4xx(koordinator, plan, body):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(koordinator)
    for path in (
        "/api/v1/activities/",
        "/api/v1/followups/",
        f"/api/v1/plan-versions/{plan.pk}/agree/",
    ):
        answer = client.generic("POST", path, body, content_type="application/json")
        assert 400 <= answer.status_code < 500, (path, answer.status_code)


def test_agree_through_the_api(koordinator, familie):
    version = draft_with(koordinator, familie, {})
    adult = familie.medlemskaber.get(rolle="voksen").person
    body = {
        "revision": version.revision,
        "aftalt_dato": TODAY.isoformat(),
        "aftalt_form": "telefon",
        "aftalt_med": [adult.pk],
    }

    answer = api(koordinator).post(
        f"/api/v1/plan-versions/{version.pk}/agree/", body, format="json"
    )

    assert answer.status_code == 200
    assert answer.json()["status"] == "aftalt"
    assert Planversion.objects.get(pk=version.pk).aftalt_form == "telefon"
    again = api(koordinator).post(f"/api/v1/plan-versions/{version.pk}/agree/", body, format="json")
    assert again.status_code == 400


def test_follow_ups_through_the_api(koordinator, plan):
    activity = plan.indsatser.get(titel="Praktik")
    client = api(koordinator)

    created = client.post(
        "/api/v1/followups/",
        {
            "indsats": activity.pk,
            "dato": TODAY.isoformat(),
            "form": "Samtale",
            "vurdering": "paa_sporet",
        },
        format="json",
    )

    assert created.status_code == 201
    listed = client.get("/api/v1/followups/", {"indsats": activity.pk}).json()
    assert [f["vurdering"] for f in listed["results"]] == ["paa_sporet"]


def test_the_stafetlog_and_plans_are_read_and_logged(koordinator, familie, plan):
    client = api(koordinator)
    assert client.get(f"/api/v1/stafetlogs/{familie.pk}/").json()["familie"] == familie.pk
    plans = client.get("/api/v1/plans/").json()["results"]
    assert [(p["id"], p["seneste_aftalte"]) for p in plans] == [(familie.pk, 1)]
    assert (
        Adgangslog.objects.filter(
            bruger_id=koordinator.pk, familie_id=familie.pk, handling="read"
        ).count()
        >= 2
    )


def test_the_schema_lists_the_plan_api(koordinator):
    client = APIClient()
    client.force_login(koordinator)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/plans/",
        "/api/v1/plan-versions/{id}/",
        "/api/v1/plan-versions/{id}/agree/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/followups/",
        "/api/v1/stafetlogs/{id}/",
    } <= set(paths)


def test_agreeing_with_a_person_outside_the_family_answers_as_for_a_missing_one(
    koordinator, familie, projekt
):
    version = draft_with(koordinator, familie, {})
    outsider = PersonFactory(kommune=projekt.kommune)
    body = {
        "revision": version.revision,
        "aftalt_dato": TODAY.isoformat(),
        "aftalt_form": "telefon",
    }
    url = f"/api/v1/plan-versions/{version.pk}/agree/"

    outside = api(koordinator).post(url, {**body, "aftalt_med": [outsider.pk]}, format="json")
    missing = api(koordinator).post(url, {**body, "aftalt_med": [999_999_999]}, format="json")

    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json() == {"aftalt_med": ["Personen findes ikke."]}
