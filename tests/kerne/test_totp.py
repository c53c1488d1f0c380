"""TOTP for local staff accounts (ASVS V2.7/V2.8): the code step, enrolment, lockout, reset."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from kerne.models import Adgangslog, Kommune, Projekt, Rolle
from tests.factories import TEST_PASSWORD, ProjektFactory, user_with_role
from tests.kerne.totp_helpers import code, enrolled, wrong_code

pytestmark = pytest.mark.django_db
Handling = Adgangslog.Handling


@pytest.fixture
def totp_projekt():
    return ProjektFactory(kraev_totp=True)


@pytest.fixture
def koordinator(totp_projekt):
    return user_with_role(Rolle.KOORDINATOR, totp_projekt)


def _password(client, user, **extra):
    return client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD, **extra}
    )


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_a_new_project_requires_totp_unless_told_otherwise():
    projekt = Projekt.objects.create(
        kommune=Kommune.objects.create(navn="Ny Kommune", kode="555"), navn="Ny", kode="ny"
    )
    assert Projekt.objects.get(pk=projekt.pk).kraev_totp is True


def test_the_right_password_alone_does_not_sign_in_an_account_needing_totp(client, koordinator):
    enrolled(koordinator)
    response = _password(client, koordinator)
    assert response.status_code == 302
    assert response["Location"] == reverse("login_kode")
    assert not _signed_in(client)
    assert client.get(reverse("kerne:familie_liste")).status_code == 302


def test_the_right_code_signs_in_and_marks_the_session_verified(client, koordinator):
    device = enrolled(koordinator)
    _password(client, koordinator, next=reverse("kerne:familie_liste"))
    page = client.get(reverse("login_kode"))
    assert page.status_code == 200
    assert "Kode fra godkendelses-app" in page.content.decode()

    response = client.post(reverse("login_kode"), {"kode": code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("kerne:familie_liste")
    assert _signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("kerne:familie_liste")).status_code == 200


def test_a_code_is_not_accepted_twice(client, koordinator):
    device = enrolled(koordinator)
    used = code(device)
    _password(client, koordinator)
    client.post(reverse("login_kode"), {"kode": used})
    client.post(reverse("logout"))
    _password(client, koordinator)
    replay = client.post(reverse("login_kode"), {"kode": used})
    assert replay.status_code == 200
    assert not _signed_in(client)


def test_a_wrong_code_is_refused_counted_and_audited_without_the_code(client, koordinator):
    device = enrolled(koordinator)
    bad = wrong_code(device)
    _password(client, koordinator)
    response = client.post(reverse("login_kode"), {"kode": bad})
    assert response.status_code == 200
    assert "Koden er forkert eller udløbet" in response.content.decode()
    assert not _signed_in(client)
    assert AccessAttempt.objects.get(username=koordinator.username).failures_since_start == 1
    row = Adgangslog.objects.get(handling=Handling.SIGN_IN_FAILED)
    assert row.detaljer == {"trin": "kode", "brugernavn": koordinator.username}
    assert bad not in str(row.detaljer)


def test_a_code_that_is_not_six_digits_names_the_rule(client, koordinator):
    enrolled(koordinator)
    _password(client, koordinator)
    response = client.post(reverse("login_kode"), {"kode": "12ab56"})
    assert response.status_code == 200
    assert "Koden skal være 6 cifre." in response.content.decode()


def test_wrong_codes_and_wrong_passwords_share_one_lockout(client, koordinator):
    device = enrolled(koordinator)
    client.post(reverse("login"), {"username": koordinator.username, "password": "forkert"})
    _password(client, koordinator)
    client.post(reverse("login_kode"), {"kode": wrong_code(device)})
    locked = client.post(reverse("login_kode"), {"kode": wrong_code(device)})
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert 'data-testid="locked-out"' in locked.content.decode()
    assert Adgangslog.objects.filter(
        handling=Handling.LOCKED_OUT, detaljer__brugernavn=koordinator.username
    ).exists()
    # Locked: neither the password nor a right code opens the account now.
    again = _password(client, koordinator)
    assert again.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert not _signed_in(client)


def test_first_sign_in_enrols_the_app_with_an_inline_svg_qr_code(client, koordinator):
    response = _password(client, koordinator)
    assert response["Location"] == reverse("totp_opsaet")
    page = client.get(reverse("totp_opsaet"))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<div class="totp-qr" data-testid="totp-qr"><svg[^>]*>', html)
    # The CSP allows no inline style or script: the QR code must not need any.
    assert "style=" not in html
    assert "<script>" not in html
    device = TOTPDevice.objects.get(user=koordinator)
    assert device.confirmed is False
    assert not _signed_in(client)

    wrong = client.post(reverse("totp_opsaet"), {"kode": wrong_code(device)})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    # Past django-otp's throttle after a wrong code (1 s, doubling with each failure).
    with time_machine.travel(datetime.timedelta(seconds=31)):
        done = client.post(reverse("totp_opsaet"), {"kode": code(device)})
    assert done.status_code == 302
    assert _signed_in(client)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert Adgangslog.objects.filter(
        handling=Handling.PERMISSION_CHANGE, detaljer__totp="tilmeldt", bruger_id=koordinator.pk
    ).exists()


def test_an_enrolled_user_cannot_enrol_a_second_app_on_the_password_alone(client, koordinator):
    enrolled(koordinator)
    _password(client, koordinator)
    assert client.get(reverse("totp_opsaet"))["Location"] == reverse("login_kode")
    assert TOTPDevice.objects.filter(user=koordinator).count() == 1


def test_without_a_password_step_the_code_pages_send_to_sign_in(client):
    assert client.get(reverse("login_kode"))["Location"] == reverse("login")
    assert client.get(reverse("totp_opsaet"))["Location"] == reverse("login")


def test_a_waiting_sign_in_is_forgotten_after_five_minutes(client, koordinator):
    device = enrolled(koordinator)
    _password(client, koordinator)
    with time_machine.travel(datetime.timedelta(minutes=6)):
        response = client.post(reverse("login_kode"), {"kode": code(device)})
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)


@pytest.mark.parametrize(
    ("rolle", "kraev_totp"),
    [(Rolle.EVALUATOR, True), (Rolle.KOORDINATOR, False), (Rolle.BORGER, True)],
)
def test_accounts_seeing_no_personal_data_or_in_projects_without_totp_use_a_password(
    client, rolle, kraev_totp
):
    user = user_with_role(rolle, ProjektFactory(kraev_totp=kraev_totp))
    response = _password(client, user)
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_superuser_always_needs_totp(client, django_user_model):
    django_user_model.objects.create_superuser("root", password=TEST_PASSWORD)
    response = client.post(reverse("login"), {"username": "root", "password": TEST_PASSWORD})
    assert response["Location"] == reverse("totp_opsaet")
    assert not _signed_in(client)


# --- The token endpoint ---------------------------------------------------------------------------

TOKEN = "/api/v1/auth/token/"


def test_the_token_endpoint_requires_the_code_too(koordinator):
    device = enrolled(koordinator)
    api = APIClient()
    missing = api.post(TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD})
    assert missing.status_code == 400
    assert list(missing.json()) == ["kode"]
    assert "token" not in missing.json()

    bad = api.post(
        TOKEN,
        {"username": koordinator.username, "password": TEST_PASSWORD, "kode": wrong_code(device)},
    )
    assert bad.status_code == 400
    assert bad.json() == {"kode": ["Koden er forkert eller udløbet."]}
    assert AccessAttempt.objects.get(username=koordinator.username).failures_since_start == 1


def test_the_token_endpoint_gives_a_token_for_the_right_code(koordinator):
    device = enrolled(koordinator)
    answer = APIClient().post(
        TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD, "kode": code(device)}
    )
    assert answer.status_code == 200
    assert answer.json()["token"]


def test_wrong_codes_at_the_token_endpoint_lock_the_account(koordinator):
    device = enrolled(koordinator)
    api = APIClient()
    body = {"username": koordinator.username, "password": TEST_PASSWORD}
    statuses = [api.post(TOKEN, {**body, "kode": wrong_code(device)}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert api.post(TOKEN, {**body, "kode": code(device)}).status_code == 429


def test_an_account_without_an_app_is_told_to_enrol_on_the_web(koordinator):
    answer = APIClient().post(
        TOKEN, {"username": koordinator.username, "password": TEST_PASSWORD, "kode": "123456"}
    )
    assert answer.status_code == 400
    assert "Log ind på hjemmesiden først" in answer.json()["kode"][0]


# --- Reset by the project leader ----------------------------------------------------------------


def test_the_project_leader_resets_an_app_and_the_user_enrols_again(client, koordinator):
    enrolled(koordinator)
    leader = user_with_role(Rolle.PROJEKTLEDER, koordinator.projektroller.first().projekt)
    client.force_login(leader)
    page = client.get(reverse("kerne:konti"))
    assert f'data-testid="konto-{koordinator.username}"' in page.content.decode()
    response = client.post(reverse("kerne:totp_nulstil", args=[koordinator.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=koordinator).exists()
    row = Adgangslog.objects.get(handling=Handling.PERMISSION_CHANGE, bruger_id=leader.pk)
    assert row.detaljer == {"bruger_id": koordinator.pk, "totp": "nulstillet", "enheder": 1}

    client.post(reverse("logout"))
    assert _password(client, koordinator)["Location"] == reverse("totp_opsaet")


def test_a_project_leader_of_another_project_cannot_reset(client, koordinator):
    enrolled(koordinator)
    client.force_login(user_with_role(Rolle.PROJEKTLEDER, ProjektFactory()))
    response = client.post(reverse("kerne:totp_nulstil", args=[koordinator.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=koordinator).exists()
