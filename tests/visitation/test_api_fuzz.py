"""Schema-driven fuzzing of the visitation's POST and PATCH endpoints: 4xx, never 500.

The same method as tests/test_openapi.py (its helpers), aimed at this app's endpoints with
the project leader, who may reach every one of them.
"""

import json

import pytest
from rest_framework.test import APIClient

from kerne.models import Familie
from tests.factories import family_of
from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies
from tests.visitation.factories import TODAY, draft, meeting, submitted
from visitation.models import Dagsordenspunkt, Indstilling, Tildeling, Visitationsmoede

pytestmark = pytest.mark.django_db

OURS = ("referrals", "meetings", "decisions", "assignments", "discharges")


def test_malformed_bodies_to_every_visitation_endpoint_are_4xx_never_500(org):
    kladde = draft(org, betegnelse="Familien Kladde", start=3)
    submitted(org)
    moede = meeting(org)
    punkt = moede.punkter.get()
    active = family_of(org.koordinator, org.projekt)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(org.projektleder)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    today = TODAY.isoformat()
    world = {
        "/api/v1/referrals/": (
            {"betegnelse": "Familien Fuzz", "personer": [], "begrundelse": "x"},
            [
                {"familie": 2**70},
                {"familie": active.pk},
                {"personer": [{"fornavn": "A"}]},
                {"personer": [{"cpr": 123, "fornavn": "A", "efternavn": "B", "rolle": "x"}]},
                {"kendt_begge": "måske"},
                {"samtykke_dato": "2026-02-30"},
            ],
        ),
        "/api/v1/referrals/{id}/submit/": ({}, [{"x": 1}]),
        "/api/v1/meetings/": (
            {"dato": today, "sted": "Her", "medlemmer": [org.koordinator.pk]},
            [{"medlemmer": [2**70]}, {"medlemmer": []}, {"dato": "i går"}],
        ),
        "/api/v1/decisions/": (
            {"punkt": punkt.pk, "beslutning": "afvis"},
            [{"beslutning": "måske"}, {"punkt": 999_999_999}, {"punkt": 2**70}],
        ),
        "/api/v1/assignments/": (
            {"familie": active.pk, "koordinator": org.leder_job.pk},
            [{"koordinator": 999_999_999}, {"familie": 2**70}],
        ),
        "/api/v1/discharges/": (
            {"familie": active.pk, "aarsag": "andet", "dato": today, "overdragelsesnote": ""},
            [{"aarsag": "ingen"}, {"dato": "2999-01-01"}, {"familie": -1}],
        ),
    }
    paths = {
        path: item["post"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/") and "post" in item and path.split("/")[3] in OURS
    }
    assert set(paths) == set(world)
    counts = [m.objects.count() for m in (Familie, Indstilling, Visitationsmoede, Tildeling)]
    answers = []

    for path, operation in paths.items():
        base, extra = world[path]
        ids = (kladde.pk, 999_999_999, "9" * 25)
        urls = [path.replace("{id}", str(i)) for i in ids] if "{id}" in path else [path]
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
                (client.post(url, WRONG_FORM, format="multipart").status_code, url, "form")
            )
    patch = schema["paths"]["/api/v1/referrals/{id}/"]["patch"]
    booleans = {
        name
        for name, prop in schema["components"]["schemas"]["PatchedReferralContent"][
            "properties"
        ].items()
        if prop.get("type") == "boolean"
    }
    bodies = [
        body
        for body in _bodies(schema, patch, {"begrundelse": "x"}, [{"samtykke_givet_af": 2**70}])
        # true is a fine answer to a yes/no criterion.
        if not (isinstance(body, dict) and any(body.get(name) is True for name in booleans))
    ]
    for body in bodies:
        encoded = json.dumps(body) if not isinstance(body, str) else body
        answer = client.patch(
            f"/api/v1/referrals/{kladde.pk}/", encoded, content_type="application/json"
        )
        answers.append((answer.status_code, "patch", encoded[:120]))

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 150
    assert [
        m.objects.count() for m in (Familie, Indstilling, Visitationsmoede, Tildeling)
    ] == counts
    assert not Dagsordenspunkt.objects.exclude(beslutning="").exists()
