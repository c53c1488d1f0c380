"""Secure messages in a browser: borger1 writes from a phone, koordinator1 answers from the
inbox and turns the message into a follow-up, and borger1 reads the answer."""

import re

from playwright.sync_api import expect

from familieplan.models import Opfoelgning
from kerne.models import Medarbejder, Rolle
from kontakt import services
from kontakt.models import Besked
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, add_member, family_of
from tests.familieplan.factories import agree, draft_with, integrated

PHONE = {"width": 375, "height": 812}


def test_a_family_member_writes_and_the_contact_person_answers_and_follows_up(
    page, browser, live_server, make_user, projekt
):
    koordinator = make_user(
        Rolle.KOORDINATOR,
        username="koordinator1",
        first_name="Karen",
        last_name="Koordinator",
        email="karen@example.invalid",
    )
    Medarbejder.objects.filter(bruger=koordinator).update(
        telefon="70 11 22 33", traeffetid="Mandag–torsdag kl. 9–12"
    )
    borger = make_user(Rolle.BORGER, username="borger1", first_name="Bente")
    integrated(projekt)
    familie = family_of(koordinator, projekt, members=0, betegnelse="Familien Borg")
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Bente", efternavn="Borg", bruger=borger)
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True)
    agree(koordinator, draft_with(koordinator, familie, {"titel": "Praktik", "personer": [mor]}))

    # borger1 on a phone: from the portal to the thread, and writes.
    page.set_viewport_size(PHONE)
    sign_in(page, "borger1", TEST_PASSWORD)
    expect(page.get_by_test_id("availability")).to_contain_text("Mandag–torsdag kl. 9–12")
    assert_accessible(page)
    page.get_by_test_id("portal-messages-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder til din kontaktperson")
    expect(page.get_by_test_id("no-messages")).to_be_visible()
    assert_accessible(page)
    besked = page.get_by_role("textbox", name="Besked")
    besked.fill("Praktikken går godt, men jeg mangler en cykel.")
    page.get_by_role("button", name="Send besked").click()
    expect(page.get_by_test_id("message-text")).to_have_text(
        "Praktikken går godt, men jeg mangler en cykel."
    )
    expect(page.get_by_test_id("read-receipt")).to_have_text("Ikke læst endnu")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page)

    # koordinator1 at a desk: the inbox, the thread, an answer, a follow-up.
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(10_000)
    staff = context.new_page()
    sign_in(staff, "koordinator1", TEST_PASSWORD)
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Indbakke").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Indbakke")
    expect(staff.get_by_test_id("inbox-row")).to_have_count(1)
    assert_accessible(staff)
    staff.get_by_role("link", name="Familien Borg").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Beskeder med Familien Borg")
    assert_accessible(staff)
    svar = staff.get_by_role("textbox", name="Besked")
    svar.fill("Godt at høre. Jeg spørger cykelprojektet i dag.")
    staff.get_by_role("button", name="Send besked").click()
    expect(staff.get_by_text("Beskeden er sendt.")).to_be_visible()
    staff.get_by_role("link", name="Gør til opfølgning").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Gør beskeden til en opfølgning")
    assert_accessible(staff)
    staff.get_by_role("combobox", name="Indsats").select_option(label="Praktik")
    staff.get_by_role("combobox", name="Vurdering").select_option(label="På sporet")
    staff.get_by_role("button", name="Gem").click()
    expect(staff.get_by_text("Registreret som opfølgning")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Indbakke").click()
    expect(staff.get_by_test_id("inbox-empty")).to_be_visible()
    context.close()

    # borger1 sees the answer, and that their own message was read.
    page.reload()
    texts = page.get_by_test_id("message-text")
    expect(texts).to_have_count(2)
    expect(texts.nth(1)).to_have_text("Godt at høre. Jeg spørger cykelprojektet i dag.")
    expect(page.get_by_test_id("read-receipt")).to_have_text(re.compile(r"^\s*Læst \d"))
    assert_accessible(page)
    assert page.console_errors == []

    opfoelgning = Opfoelgning.objects.get()
    assert opfoelgning.notat == "Praktikken går godt, men jeg mangler en cykel."
    assert Besked.objects.get(fra_familien=True).opfoelgning == opfoelgning


def test_the_remaining_kontakt_pages_are_accessible(page, make_user, projekt):
    koordinator = make_user(
        Rolle.KOORDINATOR, username="koordinator1", first_name="Karen", last_name="Koordinator"
    )
    make_user(Rolle.KOORDINATOR, username="koordinator3", first_name="Kamilla", last_name="Vikar")
    make_user(Rolle.PROJEKTLEDER, username="projektleder", first_name="Pia")
    borger = make_user(Rolle.BORGER, username="borger1", first_name="Bente")
    integrated(projekt)
    familie = family_of(koordinator, projekt, members=0, betegnelse="Familien Borg")
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Bente", efternavn="Borg", bruger=borger)
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True)

    sign_in(page, "projektleder", TEST_PASSWORD)
    # The project leader's menu overflows into "Mere" on this width: go by address.
    page.goto("/kontakt/fravaer/")
    expect(page.get_by_test_id("no-absences")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name="Fraværende").select_option(label="Karen Koordinator")
    page.get_by_role("combobox", name="Stedfortræder").select_option(label="Kamilla Vikar")
    page.get_by_label("Til og med").fill("2099-01-31")
    page.get_by_role("button", name="Registrér fravær").click()
    expect(page.get_by_test_id("absence-row")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Afslut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afslut fravær")
    assert_accessible(page)
    page.goto("/kontakt/notifikationer/")
    expect(page.get_by_test_id("no-notifications")).to_be_visible()
    assert_accessible(page)
    page.goto("/kontakt/kontaktinfo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine kontaktoplysninger")
    assert_accessible(page)
    page.context.clear_cookies()
    # During the absence the family's message goes to the substitute.
    besked = services.besked_send(acting_user=borger, familie=familie, tekst="Ring til skolen")

    sign_in(page, "koordinator3", TEST_PASSWORD)
    page.goto(f"/kontakt/besked/{besked.pk}/aftale/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gør beskeden til en aftale i stafetloggen"
    )
    assert_accessible(page)
    page.get_by_role("textbox", name="Hvem").fill("Karen")
    page.get_by_label("Senest").fill("2099-01-10")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Gjort til aftale")).to_be_visible()
    page.goto("/kontakt/notifikationer/")
    expect(page.get_by_test_id("notification")).to_have_count(1)
    assert_accessible(page)
