"""Partners, offers and what they achieve, in a browser, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from kerne.models import Rolle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, family_of
from tests.familieplan.factories import integrated
from tests.netvaerk.factories import offer, partner


@pytest.fixture
def scene(make_user, projekt):
    leder = make_user(Rolle.PROJEKTLEDER, username="projektleder")
    koordinator = make_user(Rolle.KOORDINATOR, username="koordinator1")
    integrated(projekt, "koordinator", "projektleder")
    familie = family_of(koordinator, projekt, betegnelse="Familien Hansen")
    offer(partner(projekt, "Demoby Boldklub"), alder_fra=8, alder_til=12)
    return {"leder": leder, "familie": familie}


def test_the_project_leader_keeps_the_catalogue_and_sees_what_partners_achieve(page, scene):
    sign_in(page, "projektleder", TEST_PASSWORD)
    # The project leader's menu folds items under "Mere"; its links are checked in the matrix.
    page.goto("/netvaerk/")
    expect(page.get_by_test_id("partners")).to_contain_text("Demoby Boldklub")
    assert_accessible(page)
    page.get_by_role("link", name="Ny partner").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Navn")).fill("Røde Kors Demoby")
    page.get_by_label(re.compile(r"^Art")).select_option(label="Frivillig organisation")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Røde Kors Demoby")
    assert_accessible(page)
    page.get_by_role("link", name="Nyt tilbud").click()
    page.get_by_label(re.compile(r"^Tilbud")).fill("Lektiecafé")
    page.get_by_label(re.compile(r"^Art")).select_option(label="Netværk og fællesskab")
    page.get_by_label("Fra alder").fill("6")
    page.get_by_label("Til og med alder").fill("16")
    assert_accessible(page)
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_test_id("offers")).to_contain_text("6–16 år")
    page.goto("/netvaerk/statistik/")
    expect(page.get_by_test_id("partner-statistics")).to_contain_text("Røde Kors Demoby")
    expect(page.get_by_test_id("leisure-chart").locator("svg")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/netvaerk/familie/{scene['familie'].pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Knyt fritid til en partner").click()
    assert_accessible(page)
    page.goto(f"/netvaerk/familie/{scene['familie'].pk}/moede/ny/")
    assert_accessible(page)
