"""Sign-in failures, lockouts and permission changes in the audit log (ASVS V7.1.3/V8.3.5),
never with a password, code or token in it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kerne import services
from kerne.models import Adgangslog, Rolle
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
Handling = Adgangslog.Handling


def test_a_wrong_password_is_audited_without_the_password(client, make_user):
    user = make_user(Rolle.KOORDINATOR)
    client.post(reverse("login"), {"username": user.username, "password": "Gaet-1234-hemmelig"})
    row = Adgangslog.objects.get(handling=Handling.SIGN_IN_FAILED)
    assert row.detaljer == {"trin": "adgangskode", "brugernavn": user.username}
    assert row.ip == "127.0.0.1"
    assert "Gaet-1234-hemmelig" not in str(row.detaljer)


def test_a_wrong_password_at_the_token_endpoint_is_audited(make_user):
    user = make_user(Rolle.KOORDINATOR)
    APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": "forkert"})
    assert Adgangslog.objects.filter(
        handling=Handling.SIGN_IN_FAILED, detaljer__brugernavn=user.username
    ).exists()


def test_the_lockout_is_audited_once_it_happens(client, make_user):
    user = make_user(Rolle.KOORDINATOR)
    for _attempt in range(3):
        client.post(reverse("login"), {"username": user.username, "password": "forkert"})
    locked = Adgangslog.objects.filter(handling=Handling.LOCKED_OUT)
    assert locked.count() == 1
    assert locked.get().detaljer["brugernavn"] == user.username
    assert Adgangslog.objects.filter(handling=Handling.SIGN_IN_FAILED).count() == 3


def test_a_successful_sign_in_writes_no_failure(client, make_user):
    user = make_user(Rolle.KOORDINATOR)
    client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert not Adgangslog.objects.filter(handling=Handling.SIGN_IN_FAILED).exists()


def test_granting_and_removing_a_project_role_are_permission_changes(projekt, make_user):
    leader = make_user(Rolle.PROJEKTLEDER)
    user = make_user(Rolle.KOORDINATOR)
    services.projektrolle_tildel(
        acting_user=leader, projekt=projekt, bruger=user, rolle=Rolle.ADMINISTRATIV
    )
    services.projektrolle_fjern(
        acting_user=leader, projekt=projekt, bruger=user, rolle=Rolle.ADMINISTRATIV
    )
    rows = Adgangslog.objects.filter(handling=Handling.PERMISSION_CHANGE).order_by("pk")
    assert [r.detaljer["tildelt"] for r in rows] == [True, False]
    assert {r.bruger_id for r in rows} == {leader.pk}
