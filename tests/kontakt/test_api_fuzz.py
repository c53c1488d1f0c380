"""Schema-driven fuzzing of the secure messages' POST endpoint: 4xx, never 500, nothing written."""

import json

import pytest
from rest_framework.test import APIClient

from kontakt.models import Besked
from tests.kontakt.factories import family_with_citizen
from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies

pytestmark = pytest.mark.django_db

OURS = ("threads", "messages")


def test_malformed_bodies_to_every_kontakt_endpoint_are_4xx_never_500(projekt):
    s = family_with_citizen(projekt)
    other = family_with_citizen(projekt)
    answers: list[tuple[int, str, str]] = []
    for user in (s.borger, s.koordinator):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        schema = client.get("/api/schema/", {"format": "json"}).json()
        world = {
            "/api/v1/messages/": (
                # Valid in every field but aimed at another family: refused as missing.
                {"familie": other.familie.pk, "tekst": "Fuzz"},
                [
                    {"familie": 2**70},
                    {"familie": -1},
                    {"familie": "1; DROP TABLE"},
                    {"tekst": ""},
                    {"tekst": "x" * 6000},
                    {"tekst": None},
                    {"vedhaeftninger": ["ikke en fil"]},
                ],
            ),
        }
        post_paths = [
            (path, item["post"])
            for path, item in schema["paths"].items()
            if path.startswith("/api/v1/") and "post" in item and path.split("/")[3] in OURS
        ]
        assert {path for path, _ in post_paths} == set(world)
        for path, operation in post_paths:
            base, extra = world[path]
            for body in _bodies(schema, operation, base, extra):
                encoded = json.dumps(body) if not isinstance(body, str) else body
                answer = client.post(path, encoded, content_type="application/json")
                answers.append((answer.status_code, path, encoded[:120]))
            for raw in WRONG_BODIES:
                answers.append(
                    (client.post(path, raw, content_type="application/json").status_code, path, raw)
                )
            answers.append(
                (client.post(path, WRONG_FORM, format="multipart").status_code, path, "multipart")
            )
    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 30
    assert Besked.objects.count() == 0
