"""Schema-driven fuzzing of the network's POST endpoints: 4xx, never 500, nothing written.

The method of tests/test_openapi.py (its helpers), aimed at this app's endpoints with a case
manager. Each base body is valid in every field but refused (a hidden family, a meeting whose
agreements are confirmed, a partner name taken, a partner of another municipality), so a
broken field must be answered by validation and nothing may be written.
"""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from familieplan import services as plan_services
from familieplan.models import Aftale, Beslutning, Stafetmoede
from kerne.models import Kommune, Rolle
from netvaerk.models import Partner, Tilbud
from tests.factories import family_of
from tests.familieplan.factories import integrated
from tests.netvaerk.factories import meeting, partner
from tests.test_openapi import WRONG_BODIES, WRONG_FORM, _bodies

pytestmark = pytest.mark.django_db

OURS = ("family-meetings", "agreements", "partners", "offers")


def test_malformed_bodies_to_every_netvaerk_endpoint_are_4xx_never_500(make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    familie = family_of(koordinator, projekt)
    hidden = family_of(make_user(Rolle.KOORDINATOR), projekt)
    adult = familie.medlemskaber.get(rolle="voksen").person
    closed = meeting(koordinator, familie, days=-1)
    plan_services.moede_bekraeft(acting_user=koordinator, moede=closed, person=adult)
    klub = partner(projekt, "IF")
    fremmed = Partner.objects.create(
        kommune=Kommune.objects.create(navn="Fremmed", kode="998"), navn="Fremmed", art="forening"
    )
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(koordinator)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    today = timezone.localdate().isoformat()
    world = {
        "/api/v1/family-meetings/": (
            {
                "familie": hidden.pk,
                "art": "stormoede",
                "tidspunkt": "2026-12-01T10:00:00+01:00",
                "sted": "Rådhuset",
            },
            [
                {"familie": 2**70},
                {"familie": -1},
                {"art": "fest"},
                {"tidspunkt": "2026-02-30T10:00"},
                {"sted": "x" * 201},
                {"dagsorden": "x" * 4001},
            ],
        ),
        "/api/v1/family-meetings/{id}/decisions/": (
            {"tekst": "For sent", "aftale": {"hvem": "Mor", "frist": today}},
            [
                {"aftale": {"hvem": "", "frist": today}},
                {"aftale": {"hvem": "Mor", "frist": "i morgen"}},
                {"aftale": []},
                {"tekst": "x" * 1001},
                {"tekst": ""},
            ],
        ),
        "/api/v1/family-meetings/{id}/confirm/": (
            {"person": adult.pk},
            [{"person": 2**70}, {"person": 999_999_999}, {"person": "Mor"}],
        ),
        "/api/v1/agreements/": (
            {"moede": closed.pk, "hvad": "For sent", "hvem": "Mor", "frist": today},
            [{"moede": 2**70}, {"moede": 999_999_999}, {"frist": "2026-13-01"}, {"hvad": ""}],
        ),
        "/api/v1/partners/": (
            {"projekt": projekt.pk, "navn": "IF", "art": "forening"},
            [
                {"projekt": 999_999_999},
                {"art": "klub"},
                {"email": "ikke-en-adresse"},
                {"navn": "x" * 201},
                {"telefon": "1" * 21},
            ],
        ),
        "/api/v1/offers/": (
            {
                "projekt": projekt.pk,
                "partner": fremmed.pk,
                "titel": "Svømning",
                "art": "fritidsaktivitet",
            },
            [
                {"partner": klub.pk, "alder_fra": 12, "alder_til": 8},
                {"partner": klub.pk, "alder_fra": 121},
                {"partner": klub.pk, "alder_til": -1},
                {"partner": klub.pk, "art": "fest"},
                {"partner": 2**70},
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
        ids_to_try = (closed.pk, 999_999_999, "9" * 25)
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

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 150
    assert Stafetmoede.objects.count() == 1
    assert not Beslutning.objects.exists()
    assert not Aftale.objects.exists()
    assert Partner.objects.count() == 2
    assert not Tilbud.objects.exists()
