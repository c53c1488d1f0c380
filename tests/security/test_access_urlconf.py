"""ASVS V4.1.1/V4.1.3: the whole URLconf refuses anonymous users, and staff URLs refuse families.

Every pattern of the project (HTML pages, API routes, the portal, the meeting screen, the
admin, the sign-in pages) is requested with every method, once without a session and once as a
signed-in family member (borger). Classification is deny by default: only the short lists
below may answer an anonymous request or a family member; every other URL, a new one
included, is a staff URL and must refuse both.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.urlconf import all_patterns, each_url
from tests.test_permission_matrix import MATRIX

# Anyone may reach these. The sign-in pages must be; health carries no data (monitoring polls
# it without credentials); the OpenAPI schema and its docs page describe the shape of the API,
# a stable published interface with no data in it (every operation behind it still needs a
# credential); the token endpoint is a sign-in for programs and has its own lockout.
PUBLIC = {
    "login": "sign-in page",
    "admin:login": "the admin's sign-in page (it answers only is_staff users)",
    "admin:logout": "the admin's sign-out: sends an anonymous user to the admin's index",
    "healthz": "health check for monitoring: status words only",
    "api-schema": "OpenAPI schema: no data, a published contract",
    "api-docs": "Swagger UI shell for the schema (our own static files)",
    "api:token": "API sign-in for programs (POST username/password)",
}

# A signed-in family member may reach these: the family portal and what it links to.
FAMILY = {
    "familieplan:portal",
    "familieplan:portal_familie",
    "familieplan:portal_pdf",
    "familieplan:portal_moede",
    "familieplan:portal_moede_pdf",
    "familieplan:portal_moede_bekraeft",
    "kontakt:portal",
    "kontakt:portal_traad",
    "kontakt:vedhaeftning",
    "registrering:min_udvikling",
    # The family's message thread is theirs through the API too (kontakt/api.py).
    "api:thread-list",
    "api:thread-detail",
    "api:message-list",
}

# Any signed-in user: the start page sends each role to its own page; the user's own account,
# notifications and exports (each lists only the user's own rows).
ANY_SIGNED_IN = {
    "start",
    "logout",
    "password_change",
    "password_change_done",
    "kerne:projekt_vaelg",
    "kontakt:notifikationer",
    "rapporter:udtraek_liste",
}

# Reference data any signed-in user may read through the API: no personal or project data.
REFERENCE_DATA = {
    "api:indicator-list": "the national indicator definitions, the same for every municipality",
}

METHODS = ("get", "post", "put", "patch", "delete")
REFUSED = {401, 403, 404, 405}


def _sign_in_urls() -> tuple[str, str]:
    return reverse("login"), reverse("admin:login")


def _refusal_problem(response, *, api: bool = False) -> str | None:
    """None when the answer refuses; else what is wrong with it.

    On the API a list filtered to nothing (200 with an empty page) or input refused before any
    lookup (400) gives nothing away either: the API's lists are shared by all staff roles and
    filter per object, and the family's own thread is served by the same API.
    """
    status = response.status_code
    if status in REFUSED:
        return None
    if api and status == 400:
        return None
    if api and status == 200 and response.json().get("count") == 0:
        return None
    if status in (301, 302) and response["Location"].startswith(_sign_in_urls()):
        # Anonymous users are sent to sign in; the admin sends non-staff to its own sign-in.
        return None
    return f"{status} {response.get('Location', '')}".strip()


def _walk(http: Client, world, *, skip: set[str], signed_in: bool = False) -> list[str]:
    wrong = []
    for pattern, url, _row in each_url(world, MATRIX):
        if pattern.name in skip:
            continue
        for method in METHODS:
            with transaction.atomic():
                response = getattr(http, method)(url)
                problem = _refusal_problem(response, api=pattern.is_api and signed_in)
                transaction.set_rollback(True)
            if problem:
                wrong.append(f"{method.upper()} {url} ({pattern.name}): {problem}")
    return wrong


@pytest.mark.django_db
def test_every_url_refuses_an_anonymous_request(world):
    wrong = _walk(Client(), world, skip=set(PUBLIC))
    assert not wrong, "answered an anonymous request:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_every_staff_url_refuses_a_signed_in_family_member(world):
    http = Client()
    http.force_login(world.users["borger"])
    wrong = _walk(
        http, world, skip=set(PUBLIC) | FAMILY | ANY_SIGNED_IN | set(REFERENCE_DATA), signed_in=True
    )
    assert not wrong, "answered a family member on a staff URL:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_public_urls_give_nothing_personal(world):
    """What the allow-list serves anonymously holds no name, CPR number or family data."""
    person = world.persons["own"]
    for pattern, url, _row in each_url(world, MATRIX):
        if pattern.name not in PUBLIC:
            continue
        body = Client().get(url).content.decode(errors="replace")
        name = pattern.name
        assert person.efternavn not in body, name
        assert not person.cpr or person.cpr not in body, name


def test_the_allow_lists_name_only_existing_urls():
    """A renamed or removed URL must leave the lists too, so they never silently widen."""
    names = {pattern.name for pattern in all_patterns()}
    stale = (set(PUBLIC) | FAMILY | ANY_SIGNED_IN | set(REFERENCE_DATA)) - names
    assert not stale, f"allow-listed names with no URL: {sorted(stale)}"
