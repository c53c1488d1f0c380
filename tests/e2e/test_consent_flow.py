"""A case manager finds a family by CPR number, records a consent and withdraws it again."""

import re

from playwright.sync_api import expect

from kerne.models import Rolle, Sektor
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, ForvaltningFactory, PersonFactory, add_member, family_of


def test_a_case_manager_records_and_withdraws_a_consent(page, make_user, projekt):
    koordinator = make_user(
        Rolle.KOORDINATOR, username="karin", first_name="Karin", last_name="Koordinator"
    )
    familie = family_of(koordinator, projekt, members=0, betegnelse="Familien Østergaard")
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Mette", efternavn="Østergaard")
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True)
    add_member(familie, rolle="barn", relation="barn")
    family_of(koordinator, projekt, betegnelse="Familien Andersen")
    ForvaltningFactory(kommune=projekt.kommune, navn="Jobcenter", sektor=Sektor.BESKAEFTIGELSE)
    cpr = f"{mor.cpr[:6]}-{mor.cpr[6:]}"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, "karin", TEST_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Familier", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familier")
    expect(page.get_by_test_id("families").get_by_role("link")).to_have_count(2)
    assert_accessible(page)

    page.get_by_label("Søg på navn eller CPR-nummer").fill(cpr)
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kerne/familier/\?soeg="))
    families = page.get_by_test_id("families")
    expect(families.get_by_role("link")).to_have_count(1)
    assert not [url for url in requested if mor.cpr[:6] in url], "a CPR number reached a URL"
    families.get_by_role("link", name="Familien Østergaard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Familien Østergaard")
    expect(page.get_by_test_id("members")).to_contain_text(f"{mor.cpr[:6]}-XXXX")
    expect(page.get_by_test_id("no-consents")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Registrér samtykke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér samtykke")
    page.get_by_role("button", name="Registrér samtykke").click()
    expect(page.get_by_test_id("field-sektorer")).to_contain_text("Vælg")
    assert_accessible(page)

    page.get_by_label("Givet af").select_option(label="Mette Østergaard")
    page.get_by_label("Børn og familie").check()
    page.get_by_label("Jobcenter").check()
    page.get_by_label("Formål").fill("Koordinering af familiens plan")
    page.get_by_role("button", name="Registrér samtykke").click()

    expect(page.get_by_role("status")).to_contain_text("Samtykket er registreret.")
    consents = page.get_by_test_id("consents")
    expect(consents).to_contain_text("Mette Østergaard")
    expect(consents).to_contain_text("Børn og familie")
    expect(consents).to_contain_text("Jobcenter")
    expect(consents.get_by_test_id("consent-status")).to_have_text("Gyldig")

    consents.get_by_role("link", name=re.compile(r"^Tilbagekald")).click()
    expect(page.get_by_test_id("withdraw-question")).to_contain_text(
        "Vil du tilbagekalde samtykket?"
    )
    assert_accessible(page)
    page.get_by_label("Bemærkning").fill("Borgeren ringede og tilbagekaldte")
    page.get_by_role("button", name="Tilbagekald samtykket").click()

    expect(page.get_by_role("status")).to_contain_text("Samtykket er tilbagekaldt.")
    expect(page.get_by_test_id("consent-status")).to_contain_text(
        re.compile(r"Tilbagekaldt \d\d\.\d\d\.\d{4} af Karin Koordinator")
    )
    expect(page.get_by_role("link", name=re.compile(r"^Tilbagekald"))).to_have_count(0)
    assert page.console_errors == []
