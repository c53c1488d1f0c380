"""The Django admin: superusers only, and only after a TOTP code (ASVS V4.3.1)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from kerne.models import Adgangslog
from tests.factories import TEST_PASSWORD, UserFactory
from tests.kerne.totp_helpers import code, enrolled

pytestmark = pytest.mark.django_db
ADMIN = "/admin/"


def _verified(client, user) -> None:
    """Signed in with a confirmed TOTP device, as the code step leaves the session."""
    device = enrolled(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_staff_who_are_not_superusers_are_refused_even_with_a_code(client):
    _verified(client, UserFactory(is_staff=True))
    assert client.get(ADMIN, follow=True).status_code == 403


def test_a_superuser_without_a_code_this_session_is_refused(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(ADMIN, follow=True).status_code == 403


def test_anonymous_users_are_sent_to_the_one_sign_in_page(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert response.status_code == 200


def test_a_superuser_signing_in_with_password_and_code_reaches_the_admin(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(root)
    client.post(
        reverse("login"), {"username": root.username, "password": TEST_PASSWORD, "next": ADMIN}
    )
    assert SESSION_KEY not in client.session
    response = client.post(reverse("login_kode"), {"kode": code(device)})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_deactivating_a_user_in_the_admin_is_audited(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    _verified(client, root)
    target = UserFactory()
    response = client.post(
        reverse("admin:auth_user_change", args=[target.pk]),
        {
            "username": target.username,
            "first_name": target.first_name,
            "last_name": target.last_name,
            "email": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.is_active is False
    row = Adgangslog.objects.get(handling=Adgangslog.Handling.PERMISSION_CHANGE)
    assert row.bruger_id == root.pk
    assert row.detaljer == {"bruger_id": target.pk, "is_active": False}
