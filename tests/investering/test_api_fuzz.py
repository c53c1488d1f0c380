"""Schema-driven fuzzing of the investment model's POST and PUT endpoints: 4xx, never 500.

The method of tests/test_openapi.py (its helpers), aimed at this app's endpoints with the
project leader (who keeps the catalogue and, here, sees every sector).
"""

import json

import pytest
from rest_framework.test import APIClient

from investering.models import Omkostningslinje, Omkostningstype, Pris
from tests.investering.factories import cost_line
from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies

pytestmark = pytest.mark.django_db

OURS = ("cost-types", "prices", "cost-lines", "business-case", "family-economy")


def test_malformed_bodies_to_every_investering_endpoint_are_4xx_never_500(setup):
    import datetime as dt

    linje = cost_line(setup.familie, setup.job, dt.date(2025, 1, 1))
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(setup.projektleder)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    line_body = {
        "familie": setup.familie.pk,
        "omkostningstype": setup.job.pk,
        "antal": "1",
        "fra": "2025-01-01",
    }
    line_extra = [
        {"familie": 2**70},
        {"familie": 999_999_999},
        {"omkostningstype": 999_999_999},
        {"person": 2**70},
        {"person": 999_999_999},
        {"antal": "NaN"},
        {"antal": "Infinity"},
        {"antal": "1" * 40},
        {"antal": "0"},
        {"fra": "2025-02-30"},
        {"til": "2024-01-01"},
        {"pris_override": "-1"},
        {"pris_override": "100"},
        {"override_begrundelse": "x" * 301},
        {"omkostningstype": setup.mentor.pk},
    ]
    world = {
        "/api/v1/cost-types/": (
            {
                "navn": "Fuzz",
                "enhed": "maaned",
                "sektor": "sundhed",
                "forvaltning": setup.job.forvaltning_id,
            },
            [
                {"enhed": "pr. kvartal"},
                {"sektor": "rumfart"},
                {"forvaltning": 2**70},
                {"forvaltning": 999_999_999},
                {"navn": "Kontanthjælp"},
                {"navn": ""},
            ],
        ),
        "/api/v1/prices/": (
            {"omkostningstype": setup.job.pk, "gyldig_fra": "2025-01-01", "beloeb": "1"},
            [
                {"omkostningstype": 2**70},
                {"omkostningstype": 999_999_999},
                {"gyldig_fra": "2024-01-01"},
                {"beloeb": "1" * 30},
                {"beloeb": "-1"},
                {"beloeb": "NaN"},
            ],
        ),
        "/api/v1/cost-lines/": (line_body, line_extra),
    }
    paths = {
        path: item["post"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/") and "post" in item and path.split("/")[3] in OURS
    }
    assert set(paths) == set(world)
    counts = [m.objects.count() for m in (Omkostningstype, Pris, Omkostningslinje)]
    answers = []
    for path, operation in paths.items():
        base, extra = world[path]
        for body in _bodies(schema, operation, base, extra):
            if isinstance(body, dict) and body.get("eksempel") is True:
                continue  # true is a fine answer to a yes/no field
            encoded = json.dumps(body) if not isinstance(body, str) else body
            answer = client.post(path, encoded, content_type="application/json")
            answers.append((answer.status_code, path, encoded[:120]))
        for raw in WRONG_BODIES:
            answers.append(
                (client.post(path, raw, content_type="application/json").status_code, path, raw)
            )
        answers.append(
            (client.post(path, WRONG_FORM, format="multipart").status_code, path, "form")
        )
    put = schema["paths"]["/api/v1/cost-lines/{id}/"]["put"]
    for url in (f"/api/v1/cost-lines/{linje.pk}/", "/api/v1/cost-lines/999999999/"):
        for body in _bodies(
            schema, put, line_body, [*line_extra, {"familie": setup.familie.pk + 1000}]
        ):
            encoded = json.dumps(body) if not isinstance(body, str) else body
            answer = client.put(url, encoded, content_type="application/json")
            answers.append((answer.status_code, url, encoded[:120]))
    for query in ({"rente": "abc"}, {"rente": "101"}, {"ny_pris": "1"}, {"omkostningstype": 2**70}):
        answers.append(
            (client.get("/api/v1/business-case/", query).status_code, "business-case", str(query))
        )

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 100
    assert [m.objects.count() for m in (Omkostningstype, Pris, Omkostningslinje)] == counts
