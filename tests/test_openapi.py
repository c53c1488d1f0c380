"""The OpenAPI schema and docs, and schema-driven fuzzing: malformed input is a 4xx, never a 500."""

import importlib
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kerne import services
from kerne.models import Person, Rolle, Samtykke, Sektor
from tests.factories import TEST_PASSWORD, ForvaltningFactory, family_of

pytestmark = pytest.mark.django_db

API_PATHS = {
    "/api/v1/auth/token/",
    "/api/v1/auth/tokens/{user_id}/",
    "/api/v1/families/",
    "/api/v1/families/{id}/",
    "/api/v1/persons/",
    "/api/v1/persons/{id}/",
    "/api/v1/consents/",
    "/api/v1/consents/{id}/",
    "/api/v1/consents/{id}/withdraw/",
}


@pytest.fixture
def koordinator(make_user):
    return make_user(Rolle.KOORDINATOR)


@pytest.fixture
def schema(koordinator) -> dict:
    client = APIClient()
    client.force_login(koordinator)
    answer = client.get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    return answer.json()


def test_the_schema_is_openapi_3_and_lists_the_api(schema):
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= API_PATHS
    assert "post" in schema["paths"]["/api/v1/persons/"]
    assert "post" in schema["paths"]["/api/v1/consents/"]
    assert "post" in schema["paths"]["/api/v1/auth/token/"]
    family = schema["components"]["schemas"]["Family"]["properties"]
    assert {"id", "betegnelse", "status", "projekt", "koordinator", "members", "sectors"} <= set(
        family
    )


def test_the_docs_render_for_a_signed_in_user(koordinator):
    client = APIClient()
    client.force_login(koordinator)

    answer = client.get("/api/docs/")

    assert answer.status_code == 200
    assert b"swagger" in answer.content.lower()


# --- Fuzzing ----------------------------------------------------------------------------------

HUGE = "x" * 100_000
# Values that no field of ours accepts, whatever its type.
ALWAYS_WRONG = [{"x": 1}, [[[]]], True, HUGE]
# Whole bodies that are not the object an endpoint expects.
WRONG_BODIES = ["[]", "[{}]", '"tekst"', "42", "null", "{ikke json", "\x00\x01"]
# A form post that is wrong for every endpoint (each finds at least one bad field in it).
WRONG_FORM = {"sektorer": "rumfart", "fornavn": "", "note": "x" * 501}


def _request_schema(schema: dict, operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    while "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body


def _bodies(schema: dict, operation: dict, base: dict, extra: list[dict]) -> list[object]:
    """Malformed bodies for one operation: each property broken in turn, plus whole-body ones."""
    body_schema = _request_schema(schema, operation)
    properties = body_schema.get("properties", {})
    required = set(body_schema.get("required", []))
    bodies: list[object] = []
    for name, prop in properties.items():
        if prop.get("readOnly"):
            continue
        bodies += [{**base, name: value} for value in ALWAYS_WRONG]
        if not prop.get("nullable"):
            bodies.append({**base, name: None})
        if name in required:
            bodies.append({k: v for k, v in base.items() if k != name})
    if required:
        bodies += [{}, {"ukendt": 1}]
    bodies += [{**base, **changes} for changes in extra]
    return bodies


@pytest.fixture
def world(koordinator, projekt):
    """A family with a consent, so that every POST endpoint has something real to aim at."""
    familie = family_of(koordinator, projekt)
    adult = familie.medlemskaber.get(rolle="voksen").person
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    samtykke = services.samtykke_registrer(
        acting_user=koordinator,
        familie=familie,
        person=adult,
        sektorer=[Sektor.BOERN_FAMILIE],
        modtagere=[jobcenter],
        formaal="Koordinering",
        gyldig_fra=timezone.localdate(),
    )
    today = timezone.localdate().isoformat()
    return {
        "samtykke": samtykke,
        "/api/v1/auth/token/": (
            {"username": koordinator.username, "password": TEST_PASSWORD},
            [{"username": "ukendt"}, {"password": ""}],
        ),
        "/api/v1/persons/": (
            {"cpr": "1203704321", "fornavn": "Anna", "efternavn": "Berg"},
            [
                {"cpr": "310285-1234"},
                {"cpr": "abcdefghij"},
                {"cpr": 1203704321},
                {"cpr": "010130-4000"},
                {"fornavn": ""},
                {"postnummer": "abcd"},
                {"fornavn": 12, "efternavn": []},
            ],
        ),
        "/api/v1/consents/": (
            {
                "familie": familie.pk,
                "person": adult.pk,
                "sektorer": [Sektor.SUNDHED],
                "modtagere": [jobcenter.pk],
                "formaal": "Fuzz",
                "gyldig_fra": today,
            },
            [
                {"sektorer": ["rumfart"]},
                {"sektorer": [Sektor.SUNDHED, "rumfart"]},
                {"sektorer": [1]},
                {"familie": 999_999_999},
                {"familie": 2**70},
                {"familie": -1},
                {"familie": 1.5},
                {"person": 999_999_999},
                {"person": 2**70},
                {"modtagere": [999_999_999]},
                {"modtagere": [2**70]},
                {"modtagere": [-1]},
                {"modtagere": jobcenter.pk},
                {"modtagere": [{"id": jobcenter.pk}]},
                {"gyldig_fra": "2026-02-30"},
                {"gyldig_fra": "i morgen"},
                {"gyldig_fra": "99999-01-01"},
                {"gyldig_til": "0001-01-01"},
                {"gyldig_fra": 20260101},
            ],
        ),
        "/api/v1/consents/{id}/withdraw/": (
            {"note": "Fuzz"},
            [{"note": "x" * 501}, {"note": ["a"]}],
        ),
    }


def _post_paths(schema: dict) -> list[tuple[str, dict]]:
    return [
        (path, item["post"])
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/") and "post" in item
    ]


# Each domain app fuzzes its own POST endpoints in tests/<app>/test_api_fuzz.py and names the
# top-level API resources it owns there in OURS; this test proves no POST endpoint is left out.
APPS = (
    "visitation",
    "familieplan",
    "registrering",
    "investering",
    "netvaerk",
    "kontakt",
    "rapporter",
)


def _app_owned_resources() -> set[str]:
    owned: set[str] = set()
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.test_api_fuzz")
        except ModuleNotFoundError:
            continue
        owned |= set(module.OURS)
    return owned


def _kernel_paths(schema: dict) -> list[tuple[str, dict]]:
    owned = _app_owned_resources()
    return [(p, op) for p, op in _post_paths(schema) if p.split("/")[3] not in owned]


def test_every_post_endpoint_has_fuzz_inputs(schema, world):
    assert {path for path, _ in _kernel_paths(schema)} <= set(world)


def test_malformed_bodies_to_every_post_endpoint_are_4xx_never_500(schema, world, koordinator):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(koordinator)
    persons_before, consents_before = Person.objects.count(), Samtykke.objects.count()
    real_id = world["samtykke"].pk
    answers: list[tuple[int, str, str]] = []

    for path, operation in _kernel_paths(schema):
        base, extra = world[path]
        urls = (
            [path.replace("{id}", str(i)) for i in (real_id, 999_999_999, "9" * 25)]
            if "{id}" in path
            else [path]
        )
        for url in urls:
            for body in _bodies(schema, operation, base, extra):
                encoded = json.dumps(body) if not isinstance(body, str) else body
                answer = client.post(url, encoded, content_type="application/json")
                answers.append((answer.status_code, url, encoded[:120]))
            for raw in WRONG_BODIES:
                answer = client.post(url, raw, content_type="application/json")
                answers.append((answer.status_code, url, repr(raw)))
            form = client.post(url, WRONG_FORM, format="multipart")
            answers.append((form.status_code, url, "multipart"))

    wrong = [a for a in answers if not 400 <= a[0] < 500]
    assert not wrong, wrong
    assert len(answers) > 150
    assert Person.objects.count() == persons_before
    assert Samtykke.objects.count() == consents_before
    world["samtykke"].refresh_from_db()
    assert world["samtykke"].tilbagekaldt is None
