"""The permission matrix's vocabulary: actors, the world they act in, rows and expectations.

Apps declare their rows in tests/<app>/permission_rows.py using these helpers; the test in
tests/test_permission_matrix.py runs every row for every actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kerne.models import Sektor

ACTORS = [
    "anonym",
    "borger",
    "evaluator",
    "koordinator",  # the case manager of family "own"
    "koordinator_anden",  # a case manager of the same project, not of "own"
    "sagsbehandler",  # job centre case worker with a case on "own"
    "afdelingsleder",
    "projektleder",
    "projektleder_fremmed",  # project leader in another municipality
    "databeskyttelse",
]


@dataclass
class World:
    users: dict
    families: dict  # own, other (same project), foreign (other municipality)
    persons: dict
    consents: dict


@dataclass(frozen=True)
class Row:
    """One URL, one target, and the status every actor must get."""

    url_name: str
    expect: dict[str, int]
    target: str = ""  # "own", "other", "foreign" or "" for URLs without an object
    kwargs: Callable[[World, str], dict] | None = None
    method: str = "get"
    data: Callable[[World, str], dict] | None = None
    api: bool = False
    note: str = ""
    extra_names: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name} [{self.target or '-'}]"


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {actor: overrides.get(actor, status) for actor in ACTORS}


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    """Anonymous users are sent to sign in (302) on HTML pages."""
    return everyone(status, anonym=302, **overrides)


def only(*actors: str, ok: int = 200, denied: int = 403) -> dict[str, int]:
    return signed_in(denied, **dict.fromkeys(actors, ok))


STAFF = ("koordinator", "koordinator_anden", "sagsbehandler", "afdelingsleder", "projektleder")

# URL names that need no row: Django's admin (staff-only, configuration models only) and
# the sign-in machinery itself, which anyone may reach.
EXEMPT = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "healthz",
    "api-schema",
    "api-docs",
    "api:token",
}
EXEMPT_NAMESPACES = {"admin"}

# Who sees (and who may change) each family of the world, by the policy's derived grants.
SEES = {
    "own": {"koordinator", "sagsbehandler", "afdelingsleder", "projektleder"},
    "other": {"koordinator_anden", "projektleder"},
    "foreign": {"projektleder_fremmed"},
}
CHANGES = {
    "own": {"koordinator", "projektleder"},
    "other": {"koordinator_anden", "projektleder"},
    "foreign": {"projektleder_fremmed"},
}
STAFF_PAGE_REFUSED = {"borger": 403, "evaluator": 403}


def family_page(target: str, *, ok: int = 200, who: dict | None = None) -> dict[str, int]:
    """A staff page about one family: 404 (not 403) where the family is not visible."""
    allowed = (who or SEES)[target]
    expect = {"anonym": 302, **STAFF_PAGE_REFUSED}
    for actor in ACTORS:
        if actor not in expect:
            expect[actor] = ok if actor in allowed else 404
    return expect


def change_page(target: str, *, ok: int = 200) -> dict[str, int]:
    """A write about one family: 404 if it is hidden, 403 if seen but not changeable."""
    expect = family_page(target, ok=ok)
    for actor in SEES[target] - CHANGES[target]:
        expect[actor] = 403
    return expect


def family_kwargs(world: World, target: str) -> dict:
    return {"pk": world.families[target].pk}


def person_kwargs(world: World, target: str) -> dict:
    return {"pk": world.persons[target].pk}


def consent_kwargs(world: World, target: str) -> dict:
    return {"pk": world.consents[target].pk}


TARGETS = ("own", "other", "foreign")


def api_object(target: str, *, ok: int = 200, who: dict | None = None) -> dict[str, int]:
    """An API object: 401 without credentials, 404 wherever it is not visible."""
    allowed = (who or SEES)[target]
    return {
        actor: 401 if actor == "anonym" else (ok if actor in allowed else 404) for actor in ACTORS
    }


def api_change(target: str, *, ok: int = 200) -> dict[str, int]:
    expect = api_object(target, ok=ok)
    for actor in SEES[target] - CHANGES[target]:
        expect[actor] = 403
    return expect


def consent_body(world: World, target: str) -> dict:
    consent = world.consents[target]
    return {
        "familie": world.families[target].pk,
        "person": consent.person_id,
        "sektorer": [Sektor.SUNDHED],
        "modtagere": [consent.modtagere.first().pk],
        "formaal": "Matrix",
        "gyldig_fra": str(consent.gyldig_fra),
    }


REGISTERS_PERSONS = {"koordinator", "koordinator_anden", "sagsbehandler", "projektleder"}
