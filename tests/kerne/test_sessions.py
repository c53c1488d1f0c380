"""Session management (ASVS V3): a new session id at sign-in, the session destroyed at
sign-out, ended after 30 idle minutes and 12 hours after sign-in however active."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kerne.middleware import RENEWED_AT, SIGNED_IN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "en-lang-og-sjaelden-adgangskode-42"


@pytest.fixture
def user():
    user = UserFactory(username="sara")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client) -> None:
    response = client.post(reverse("login"), {"username": "sara", "password": PASSWORD})
    assert response.status_code == 302


def _session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_signing_in_gives_a_new_session_id_and_stamps_the_sign_in(client, user):
    client.get(reverse("login"))
    client.session["anonym"] = True  # an anonymous session exists before sign-in
    session = client.session
    session.save()
    before = session.session_key
    _sign_in(client)
    after = _session_key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    stamped = Session.objects.get(session_key=after).get_decoded()[SIGNED_IN_AT]
    assert abs(stamped - time.time()) < 60


def test_signing_out_destroys_the_session_on_the_server(client, user):
    _sign_in(client)
    key = _session_key(client)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # a copied cookie is worthless now
    assert client.get(reverse("kerne:familie_liste")).status_code == 302


def test_a_session_idle_for_thirty_minutes_has_ended(client, user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    _sign_in(client)
    key = _session_key(client)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("kerne:familie_liste"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_is_renewed_at_least_once_a_minute(client, user):
    _sign_in(client)
    key = _session_key(client)
    session = client.session
    session[RENEWED_AT] = time.time() - 61
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    client.get(reverse("password_change"))
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=29)


def test_a_request_within_the_minute_writes_no_session(client, user):
    _sign_in(client)
    key = _session_key(client)
    soon = timezone.now() + datetime.timedelta(minutes=20)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("password_change"))  # signed in a moment ago: renewed then
    assert Session.objects.get(session_key=key).expire_date == soon


def test_twelve_hours_after_sign_in_the_session_ends_however_active(client, user):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    _sign_in(client)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 + 60  # a minute left
    session.save()
    assert client.get(reverse("password_change")).status_code in (200, 302)
    assert "_auth_user_id" in client.session

    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    key = session.session_key
    response = client.get(reverse("kerne:familie_liste"))
    assert response.status_code == 302
    assert "udloebet=1" in response["Location"]
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response["Location"]).content.decode()
    assert "din session var udløbet" in page
    assert "_auth_user_id" not in client.session


def test_the_api_answers_401_when_the_session_is_too_old(client, user):
    _sign_in(client)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 13 * 3600
    session.save()
    response = client.get("/api/v1/families/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sessionen er udløbet. Log ind igen."}
