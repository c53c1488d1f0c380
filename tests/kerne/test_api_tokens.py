"""API tokens expire and can be revoked by their user and their project leader (ASVS V3.5)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kerne.models import Adgangslog, Rolle
from tests.factories import TEST_PASSWORD, ProjektFactory, user_with_role

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


# --- Revoked by the project leader ---------------------------------------------------------------


@pytest.fixture
def leader(projekt):
    return user_with_role(Rolle.PROJEKTLEDER, projekt)


def test_the_project_leader_sees_who_has_a_token_and_revokes_one(client, koordinator, leader):
    key = _token(koordinator)
    client.force_login(leader)
    page = client.get(reverse("kerne:konti")).content.decode()
    row = page.split(f'data-testid="konto-{koordinator.username}"')[1].split("</tr>")[0]
    assert "Tilbagekald API-nøgle" in row
    assert "data-confirm=" in row

    response = client.post(reverse("kerne:api_noegle_tilbagekald", args=[koordinator.pk]))
    assert response.status_code == 302
    assert _families(key).status_code == 401
    audit_row = Adgangslog.objects.get(
        handling=Adgangslog.Handling.PERMISSION_CHANGE, bruger_id=leader.pk
    )
    assert audit_row.detaljer == {
        "bruger_id": koordinator.pk,
        "api_token": "tilbagekaldt",
        "antal": 1,
    }
    assert key not in str(audit_row.detaljer)


def test_the_project_leader_revokes_a_token_through_the_api(koordinator, leader):
    key = _token(koordinator)
    api = APIClient()
    api.force_authenticate(leader)
    assert api.delete(f"/api/v1/auth/tokens/{koordinator.pk}/").status_code == 204
    assert _families(key).status_code == 401


def test_a_leader_of_another_project_cannot_revoke(client, koordinator):
    key = _token(koordinator)
    stranger = user_with_role(Rolle.PROJEKTLEDER, ProjektFactory())
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.delete(f"/api/v1/auth/tokens/{koordinator.pk}/").status_code == 404
    client.force_login(stranger)
    response = client.post(reverse("kerne:api_noegle_tilbagekald", args=[koordinator.pk]))
    assert response.status_code == 404
    assert _families(key).status_code == 200


def test_a_case_manager_cannot_revoke_a_colleagues_token(projekt, koordinator):
    key = _token(koordinator)
    api = APIClient()
    api.force_authenticate(user_with_role(Rolle.KOORDINATOR, projekt))
    assert api.delete(f"/api/v1/auth/tokens/{koordinator.pk}/").status_code == 404
    assert _families(key).status_code == 200
