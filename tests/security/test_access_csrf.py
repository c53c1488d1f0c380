"""ASVS V4.2.2 / V3.5.3: every state-changing request made through a session needs the CSRF token.

The list of URLs is the URLconf itself (tests/security/urlconf.py), so a new form is covered
the day it is added. For each URL a user who may use it sends POST, PUT, PATCH and DELETE
through a session cookie: without the token every one is refused with 403; with the token
none is refused for CSRF (the view answers as it would: 200, 302, 400, 405...). The API is
held to the same rule for session callers (DRF's SessionAuthentication); a call authenticated
by an API token carries no ambient credential, so it needs no CSRF token.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.matrix import ACTORS, Row
from tests.security.urlconf import each_url
from tests.test_permission_matrix import MATRIX

UNSAFE = ("post", "put", "patch", "delete")
# A secret in the form Django's CsrfViewMiddleware issues (32 letters and digits).
CSRF_SECRET = "Csrf0Test0Secret0Value0123456789"

# Answers that mean the actor reaches the view: the matrix's user for the URL is chosen so.
REACHES = {200, 201, 204, 302, 400, 409}

# URLs where a session is never used, so there is nothing for a forged request to ride on.
NO_SESSION = {
    "api:token": "programs sign in here with username and password; no cookie is read",
}


def _actor_for(row: Row | None) -> str:
    """A signed-in actor the matrix lets through on this URL (a case manager where none is)."""
    for actor in ACTORS:
        if row is not None and actor != "anonym" and row.expect[actor] in REACHES:
            return actor
    return "koordinator"


def _csrf_refusal(response) -> bool:
    """Refused by CSRF protection (Django's middleware or DRF's SessionAuthentication), not by
    a permission check: both name CSRF in the answer."""
    return response.status_code == 403 and b"CSRF" in response.content


def _client(world, actor: str, *, admin: bool, token: bool) -> Client:
    http = Client(enforce_csrf_checks=True)
    if admin:
        http.force_login(UserFactory(is_superuser=True, is_staff=True))
    else:
        http.force_login(world.users[actor])
    if token:
        http.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return http


def _send(http: Client, method: str, url: str, *, token: bool, api: bool):
    session = http.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"HTTP_X_CSRFTOKEN": CSRF_SECRET} if token else {}
    body = {"content_type": "application/json", "data": "{}"} if api else {"data": {}}
    with transaction.atomic():
        response = getattr(http, method)(url, **body, **headers)
        transaction.set_rollback(True)
    # A sign-out or password change ends or rotates the session; its row is rolled back, so
    # the next request rides the same session again (and the same CSRF cookie).
    http.cookies[settings.SESSION_COOKIE_NAME] = session
    if token:
        http.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return response


@pytest.mark.django_db
def test_every_session_write_needs_the_csrf_token(world):
    wrong = []
    checked = reached = 0
    # Signed in once, before the walk: each URL's objects are rolled back after it.
    clients = {
        (actor, admin, token): _client(world, actor, admin=admin, token=token)
        for actor in ACTORS[1:]
        for admin in (False, True)
        for token in (False, True)
        if actor == "koordinator" or not admin
    }
    for pattern, url, row in each_url(world, MATRIX):
        if pattern.name in NO_SESSION:
            continue
        actor = "koordinator" if pattern.is_admin else _actor_for(row)
        for method in UNSAFE:
            without = _send(
                clients[actor, pattern.is_admin, False],
                method,
                url,
                token=False,
                api=pattern.is_api,
            )
            with_token = _send(
                clients[actor, pattern.is_admin, True], method, url, token=True, api=pattern.is_api
            )
            checked += 1
            reached += with_token.status_code in REACHES
            # The same user and request with the token is not refused, so a 403 without it is
            # CSRF's even where the page does not say so (the API docs render our 403 page).
            token_made_the_difference = without.status_code == 403 != with_token.status_code
            if not (_csrf_refusal(without) or token_made_the_difference):
                wrong.append(f"{method.upper()} {url} without token: {without.status_code}")
            if _csrf_refusal(with_token):
                wrong.append(f"{method.upper()} {url} with token: refused for CSRF")
    assert checked > 1000, checked  # the whole URLconf, four methods each
    # With the token, the writes really get through to the views (not refused for any reason).
    assert reached > 150, reached
    assert not wrong, "CSRF protection wrong:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_an_api_token_call_needs_no_csrf_token_but_a_session_call_does(world):
    user = world.users["koordinator"]
    familie = world.families["own"]
    body = {"familie": familie.pk, "tekst": "Hej"}

    session = Client(enforce_csrf_checks=True)
    session.force_login(user)
    refused = session.post("/api/v1/messages/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    key = Token.objects.create(user=user).key
    programme = Client(enforce_csrf_checks=True)
    answered = programme.post(
        "/api/v1/messages/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert answered.status_code == 201, answered.content
