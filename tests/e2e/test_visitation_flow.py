"""The visitation in a browser: a case worker refers a new family, the board admits it, the
project leader assigns a case manager, and the case manager finds the family."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD
from tests.visitation.factories import make_org, meeting
from visitation.models import Dagsordenspunkt

CRITERIA = ("kendt_begge", "ydelse", "genovervejes", "tvaerfaglig", "motivation")


def sign_out(page) -> None:
    page.get_by_role("button", name="Log af").click()


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=name, exact=True
    ).click()


def test_a_family_is_referred_admitted_and_assigned(page, projekt):
    org = make_org(projekt)
    moede = meeting(org)  # today: the board meets, so the referral goes on its agenda

    # The job centre's case worker refers a new family.
    sign_in(page, "jobcenter", TEST_PASSWORD)
    nav(page, "Indstillinger")
    expect(page.get_by_test_id("empty")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny indstilling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny indstilling")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Skriv den nye families betegnelse")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Familiens betegnelse").fill("Familien Østergaard")
    mother = page.get_by_test_id("person-1")
    mother.get_by_label("CPR-nummer").fill("120385-4000")
    mother.get_by_label("Fornavn").fill("Mette")
    mother.get_by_label("Efternavn").fill("Østergaard")
    mother.get_by_label("Rolle").select_option(label="Voksen")
    mother.get_by_label("Relation").select_option(label="Mor")
    mother.get_by_label("Forældremyndighed").check()
    child = page.get_by_test_id("person-2")
    child.get_by_label("CPR-nummer").fill("120415-4002")
    child.get_by_label("Fornavn").fill("Oscar")
    child.get_by_label("Efternavn").fill("Østergaard")
    child.get_by_label("Rolle").select_option(label="Barn")
    child.get_by_label("Relation").select_option(label="Barn")
    page.get_by_label("Begrundelse for indstillingen").fill("Sager i fire afdelinger.")
    for felt in CRITERIA:
        page.get_by_test_id(f"kriterie-{felt}").get_by_label("Ja").check()
    page.get_by_role("button", name="Gem kladde").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rediger indstilling")
    expect(page.get_by_role("status")).to_contain_text("Kladden er gemt.")
    assert_accessible(page)
    page.get_by_label("Samtykke til visitation givet af").select_option(label="Mette Østergaard")
    page.get_by_label("Samtykke givet den").fill("2026-01-05")
    page.get_by_label("Samtykkets form").select_option(label="Skriftligt")
    page.get_by_role("button", name="Gem og indsend").click()

    expect(page.get_by_role("status")).to_contain_text("Indstillingen er indsendt")
    expect(page.get_by_test_id("status")).to_have_text("På dagsorden")
    expect(page.get_by_test_id("members")).to_contain_text("120385-XXXX")
    assert_accessible(page)
    sign_out(page)

    # The family department's leader sees it on the agenda; the board admits it.
    sign_in(page, "leder.familie", TEST_PASSWORD)
    nav(page, "Visitationsmøder")
    assert_accessible(page)
    page.get_by_test_id("meetings").get_by_role("link").first.click()
    punkt = Dagsordenspunkt.objects.get(moede=moede)
    item = page.get_by_test_id(f"item-{punkt.pk}")
    expect(item).to_contain_text("Familien Østergaard")
    assert_accessible(page)
    item.get_by_label("Optages").check()
    item.get_by_role("button", name=re.compile("^Registrér beslutning")).click()

    item = page.get_by_test_id(f"item-{punkt.pk}")
    expect(item.get_by_test_id("decision")).to_contain_text("Optages")
    expect(item).to_contain_text("besluttet af Lone Leder")
    # The decision ends the board member's view of the family: its name is gone.
    expect(item).not_to_contain_text("Familien Østergaard")
    assert_accessible(page)
    sign_out(page)

    # The project leader assigns koordinator2.
    sign_in(page, "projektleder", TEST_PASSWORD)
    nav(page, "Kapacitet")
    expect(page.get_by_test_id("awaiting")).to_contain_text("Familien Østergaard")
    assert_accessible(page)
    page.get_by_test_id("awaiting").get_by_role("link", name=re.compile("^Tildel")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tildel koordinerende sagsbehandler")
    assert_accessible(page)
    page.get_by_label("Koordinerende sagsbehandler").select_option(
        label="Kasper Koordinator (0 af 8 aktive familier)"
    )
    page.get_by_role("button", name="Tildel", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Kasper Koordinator er tildelt familien.")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Optaget → Aktiv")
    expect(timeline).to_contain_text("Indstillet → På dagsorden")
    assert_accessible(page)
    sign_out(page)

    # koordinator2 finds the family from the start page.
    sign_in(page, "koordinator2", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine familier")
    expect(page.get_by_test_id("my-families")).to_contain_text("Familien Østergaard")
    assert_accessible(page)
    nav(page, "Udredningsfrister")
    expect(page.get_by_test_id("deadlines")).to_contain_text("Familien Østergaard")
    assert_accessible(page)
    nav(page, "Familier")
    expect(page.get_by_test_id("families")).to_contain_text("Familien Østergaard")
    assert page.console_errors == []
