"""Signing in and out in a real browser, as each kind of user meets it."""

import pytest
from playwright.sync_api import expect

from kerne.models import Rolle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize(
    ("rolle", "heading", "path"),
    [
        (Rolle.PROJEKTLEDER, "Projektets overblik", "/rapporter/start/projektleder/"),
        (Rolle.KOORDINATOR, "Mine familier", "/rapporter/start/koordinator/"),
        (Rolle.BORGER, "Min families plan", "/familieplan/portal/"),
    ],
)
def test_each_role_lands_on_its_start_page_and_can_sign_out(
    page, make_user, projekt, rolle, heading, path
):
    make_user(rolle, username="anna", first_name="Anna", last_name="Andersen")

    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    assert_accessible(page)

    sign_in(page, "anna", TEST_PASSWORD)
    expect(page).to_have_url(f"{page.context._impl_obj._options['baseURL']}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_test_id("signed-in-user")).to_have_text("Anna Andersen")
    expect(page.get_by_test_id("project-heading")).to_contain_text(projekt.navn)
    assert_accessible(page)
    assert page.console_errors == []

    page.get_by_role("button", name="Log af").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")


def test_wrong_password_shows_a_danish_error(page, make_user):
    make_user(Rolle.KOORDINATOR, username="bo")

    sign_in(page, "bo", "forkert-adgangskode")

    error = page.get_by_test_id("form-errors")
    expect(error).to_contain_text("Forkert brugernavn eller adgangskode")
    assert_accessible(page)


def test_three_failed_sign_ins_lock_the_account_even_with_the_right_password(page, make_user):
    make_user(Rolle.KOORDINATOR, username="carl")

    for _attempt in range(3):
        sign_in(page, "carl", "forkert-adgangskode")
    sign_in(page, "carl", TEST_PASSWORD)

    expect(page.get_by_test_id("locked-out")).to_contain_text("kontoen spærret")
    assert_accessible(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")


def test_totp_is_set_up_at_the_first_sign_in_and_asked_for_at_the_next(page, make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import ProjektFactory
    from tests.kerne.totp_helpers import code

    make_user(Rolle.KOORDINATOR, ProjektFactory(kraev_totp=True), username="dorte")

    sign_in(page, "dorte", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsæt godkendelses-app")
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="dorte")
    page.get_by_label("Kode fra godkendelses-app").fill(code(device))
    page.get_by_role("button", name="Bekræft og log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine familier")

    page.get_by_role("button", name="Log af").click()
    sign_in(page, "dorte", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Indtast kode")
    assert_accessible(page)
    page.get_by_label("Kode fra godkendelses-app").fill(code(device, seconds_ahead=30))
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine familier")
    # The strict CSP reports any inline style or script as a console error.
    assert page.console_errors == []
