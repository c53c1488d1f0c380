"""API tokens expire and can be revoked by their user (ASVS V3.5)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kerne.models import Adgangslog, Rolle
from tests.factories import TEST_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def koordinator(projekt):
    return user_with_role(Rolle.KOORDINATOR, projekt)


def _token(user) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    return response.json()["token"]


def _families(key: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/families/")


def test_a_token_works_for_its_lifetime_and_is_refused_after(koordinator):
    assert settings.API_TOKEN_HOURS == 12
    key = _token(koordinator)
    assert _families(key).status_code == 200

    Token.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(hours=12, minutes=1)
    )
    refused = _families(key)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "API-nøglen er udløbet. Hent en ny."}
    assert not Token.objects.filter(key=key).exists()


def test_signing_in_again_after_expiry_gives_a_new_token(koordinator):
    old = _token(koordinator)
    Token.objects.filter(key=old).update(created=timezone.now() - datetime.timedelta(days=2))
    new = _token(koordinator)
    assert new != old
    assert _families(new).status_code == 200


def test_the_user_revokes_their_token_and_it_stops_working_at_once(koordinator):
    key = _token(koordinator)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert _families(key).status_code == 401
    assert Adgangslog.objects.filter(
        bruger_id=koordinator.pk, handling=Adgangslog.Handling.DELETE
    ).exists()


def test_revoking_needs_the_token(koordinator):
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
