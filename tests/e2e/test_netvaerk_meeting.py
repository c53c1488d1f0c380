"""The meeting with the family in a browser: the case manager writes agreements on the meeting
screen while a second screen shows them appear without reloading; the parent confirms them
and finds the minutes in the portal. axe on every page, meeting mode included."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familieplan import services as plan_services
from familieplan.models import Stafetmoede
from kerne.models import Rolle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, add_member, family_of
from tests.familieplan.factories import TODAY, activity_data, integrated
from tests.netvaerk.factories import partner


@pytest.fixture
def scene(make_user, projekt):
    koordinator = make_user(
        Rolle.KOORDINATOR, username="koordinator1", first_name="Karin", last_name="Koordinator"
    )
    borger = make_user(Rolle.BORGER, username="borger1", first_name="Bente", last_name="Borger")
    integrated(projekt)
    familie = family_of(koordinator, projekt, members=0, betegnelse="Familien Hansen")
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Bente", efternavn="Hansen", bruger=borger)
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True)
    add_member(familie, rolle="barn", relation="barn")
    moede = plan_services.moede_gem(
        acting_user=koordinator,
        familie=familie,
        tidspunkt=timezone.now() - datetime.timedelta(minutes=30),
        sted="Rådhuset, mødelokale 2",
        art=Stafetmoede.Art.STORMOEDE,
        dagsorden="Velkommen\nSkolen\nFritid",
    )
    plan_services.beslutning_opret(
        acting_user=koordinator,
        moede=moede,
        tekst="Henvisning til misbrugsbehandling",
        indsats=activity_data(familie, titel="Skjult behandling", synlig_for_familien=False),
    )
    moede.refresh_from_db()
    plan_services.moede_ret(
        acting_user=koordinator,
        moede=moede,
        art=moede.art,
        tidspunkt=moede.tidspunkt,
        sted=moede.sted,
        dagsorden=moede.dagsorden,
        referat="Vi talte om skolen og om fritid.",
        intern_note="Bekymring fra skolen",
    )
    partner(projekt, "Demoby Boldklub")
    return {"moede": moede, "familie": familie}


def test_agreements_appear_live_on_a_second_screen_and_the_parent_confirms(
    page, browser, live_server, scene
):
    moede = scene["moede"]
    sign_in(page, "koordinator1", TEST_PASSWORD)
    page.goto(f"/netvaerk/familie/{scene['familie'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Netværk og møder")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"\d{4}")).first.click()
    expect(page.get_by_test_id("internal-note")).to_contain_text("Bekymring fra skolen")
    assert_accessible(page)
    page.get_by_test_id("open-screen").click()
    expect(page.get_by_test_id("screen-heading")).to_contain_text("Stormøde med Familien Hansen")
    expect(page.get_by_test_id("screen-agenda")).to_contain_text("Skolen")
    assert_accessible(page)

    # The second screen: another browser context on the same meeting.
    wall = browser.new_context(base_url=live_server.url, locale="da-DK")
    wall.set_default_timeout(10_000)
    screen = wall.new_page()
    sign_in(screen, "koordinator1", TEST_PASSWORD)
    screen.goto(f"/netvaerk/moede/{moede.pk}/skaerm/")
    expect(screen.get_by_test_id("screen-no-agreements")).to_be_visible()
    screen.evaluate("window.__notReloaded = true")

    for hvad, hvem in (("Bente ringer til skolen", "Bente"), ("Karin søger kontingent", "Karin")):
        form = page.get_by_test_id("screen-agreement-form")
        form.get_by_label(re.compile(r"^Hvad er aftalt")).fill(hvad)
        form.get_by_label(re.compile(r"^Hvem gør det")).fill(hvem)
        form.get_by_label(re.compile(r"^Senest")).fill(
            (TODAY + datetime.timedelta(days=14)).isoformat()
        )
        form.get_by_role("button", name="Skriv aftalen på").click()
        expect(page.get_by_test_id("screen-agreements")).to_contain_text(hvad)

    agreements = screen.get_by_test_id("screen-agreement")
    expect(agreements).to_have_count(2, timeout=8_000)
    expect(screen.get_by_test_id("screen-agreements")).to_contain_text("Karin søger kontingent")
    assert screen.evaluate("window.__notReloaded === true")
    body = screen.locator("body").inner_text()
    assert "misbrugsbehandling" not in body
    assert "Skjult behandling" not in body
    assert "Bekymring fra skolen" not in body
    assert_accessible(screen)
    wall.close()

    # The parent confirms in the portal and finds the minutes there.
    family = browser.new_context(base_url=live_server.url, locale="da-DK")
    family.set_default_timeout(10_000)
    portal = family.new_page()
    sign_in(portal, "borger1", TEST_PASSWORD)
    portal.goto(f"/familieplan/portal/{scene['familie'].pk}/")
    minutes_list = portal.get_by_test_id("portal-minutes-list")
    expect(minutes_list).to_contain_text("Venter på jeres bekræftelse")
    assert_accessible(portal)
    minutes_list.get_by_role("link", name=re.compile("Stormøde")).click()
    expect(portal.get_by_test_id("portal-minutes")).to_contain_text("Bente ringer til skolen")
    expect(portal.get_by_test_id("portal-minutes")).not_to_contain_text("misbrugsbehandling")
    assert_accessible(portal)
    portal.get_by_role("button", name="Jeg bekræfter aftalerne").click()
    expect(portal.get_by_test_id("minutes-confirmed")).to_contain_text(
        "Aftalerne er bekræftet af Bente Hansen"
    )
    assert_accessible(portal)
    portal.goto(f"/familieplan/portal/{scene['familie'].pk}/")
    expect(portal.get_by_test_id("portal-minutes-list")).to_contain_text("Bekræftet")
    family.close()

    moede.refresh_from_db()
    assert moede.bekraeftet_af.fornavn == "Bente"
    assert page.console_errors == []
