"""Schema-driven fuzzing of the family plan's POST and PUT endpoints: 4xx, never 500.

The method of tests/test_openapi.py (its helpers), aimed at this app's endpoints with the
family's case manager (who sees every sector here). Nothing is written by a malformed body.
"""

import json

import pytest
from rest_framework.test import APIClient

from familieplan.models import Indsats, Opfoelgning, Planversion
from kerne.models import Rolle
from tests.factories import family_of
from tests.familieplan.factories import TODAY, agree, draft_with, integrated
from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies

pytestmark = pytest.mark.django_db

OURS = ("plans", "plan-versions", "activities", "followups", "stafetlogs")


def _resolve(schema: dict, body: dict) -> dict:
    while "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body


def test_malformed_bodies_to_every_familieplan_endpoint_are_4xx_never_500(make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    familie = family_of(koordinator, projekt)
    adult = familie.medlemskaber.get(rolle="voksen").person
    agreed = agree(koordinator, draft_with(koordinator, familie, {"titel": "Praktik"}))
    activity = agreed.indsatser.get()
    draft = draft_with(koordinator, family_of(koordinator, projekt), {"titel": "Kladde"})
    draft_activity = draft.indsatser.get()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(koordinator)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    activity_body = {
        # Valid in every field but aimed at an agreed (frozen) version: the service refuses it.
        "version": agreed.pk,
        "sektor": "beskaeftigelse",
        "titel": "Fuzz",
        "art": "kursus",
        "personer": [adult.pk],
        "maal": "m",
        "maalopfyldelse": "m",
        "tilbud": "t",
        "leverandoer": "l",
        "startdato": TODAY.isoformat(),
        "slutdato": TODAY.isoformat(),
        "timer_pr_uge": "10",
        "kadence": "maanedlig",
        "opfoelgningsform": "s",
        "konsekvens_ved_udeblivelse": "k",
        "ansvarlig": "a",
    }
    dates = [{"startdato": "2026-02-30"}, {"slutdato": "i morgen"}, {"startdato": 20260101}]
    ids = [{"version": 2**70}, {"version": -1}, {"version": 1.5}, {"personer": [2**70]}]
    world = {
        "/api/v1/activities/": (
            activity_body,
            [
                *dates,
                *ids,
                {"timer_pr_uge": "NaN"},
                {"timer_pr_uge": "1" * 30},
                {"sektor": "rumfart"},
            ],
        ),
        "/api/v1/followups/": (
            {"indsats": activity.pk, "dato": "2999-01-01", "form": "f", "vurdering": "paa_sporet"},
            [
                {"indsats": 2**70},
                {"indsats": 999_999_999},
                {"dato": "2026-02-30"},
                {"vurdering": "x"},
            ],
        ),
        "/api/v1/plan-versions/{id}/agree/": (
            {
                "revision": 999,
                "aftalt_dato": TODAY.isoformat(),
                "aftalt_form": "moede",
                "aftalt_med": [adult.pk],
            },
            [
                {"aftalt_med": [2**70]},
                {"aftalt_med": []},
                {"aftalt_form": "brev"},
                {"revision": -1},
            ],
        ),
    }
    answers: list[tuple[int, str, str]] = []
    post_paths = [
        (path, item["post"])
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/") and "post" in item and path.split("/")[3] in OURS
    ]
    assert {path for path, _ in post_paths} == set(world)
    for path, operation in post_paths:
        base, extra = world[path]
        ids_to_try = (draft.pk, agreed.pk, 999_999_999, "9" * 25)
        urls = [path.replace("{id}", str(i)) for i in ids_to_try] if "{id}" in path else [path]
        for url in urls:
            for body in _bodies(schema, operation, base, extra):
                encoded = json.dumps(body) if not isinstance(body, str) else body
                answer = client.post(url, encoded, content_type="application/json")
                answers.append((answer.status_code, url, encoded[:120]))
            for raw in WRONG_BODIES:
                answers.append(
                    (client.post(url, raw, content_type="application/json").status_code, url, raw)
                )
            answers.append(
                (client.post(url, WRONG_FORM, format="multipart").status_code, url, "multipart")
            )
    # PUT: the activity update, with the same broken bodies.
    put = schema["paths"]["/api/v1/activities/{id}/"]["put"]
    stale = {**activity_body, "version": draft.pk, "revision": draft_activity.revision + 5}
    for body in _bodies(schema, put, stale, extra=[]):
        encoded = json.dumps(body) if not isinstance(body, str) else body
        answer = client.put(
            f"/api/v1/activities/{draft_activity.pk}/", encoded, content_type="application/json"
        )
        answers.append((answer.status_code, "PUT", encoded[:120]))

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 150
    assert Indsats.objects.filter(titel="Fuzz").count() == 0
    assert Opfoelgning.objects.count() == 0
    assert Planversion.objects.filter(status="aftalt").count() == 1
    assert _resolve(schema, {"$ref": "#/components/schemas/Activity"})["properties"]["sektor"]
