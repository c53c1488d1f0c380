"""A case manager registers a family's month with the keyboard alone; after the deadline the
month is locked for them and the project leader reopens it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from kerne import adgang
from kerne.models import Rolle
from registrering import rules
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, add_member, family_of
from tests.registrering.factories import (
    THIS_MONTH,
    TODAY,
    months_ago,
    registration,
    restore_national_indicators,
    share_all_sectors,
)
from tests.registrering.helpers import ADULT_SCALE, CHILD_SCALE

MAX_TABS = 400


def born(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=1) - datetime.timedelta(days=40)


def _tab_until(page, script: str, arg: str) -> None:
    for _ in range(MAX_TABS):
        if page.evaluate(script, arg):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {arg}")


def tab_to(page, name: str) -> None:
    """Press Tab until the named field (or one of its radios) has the focus."""
    _tab_until(page, "(name) => document.activeElement?.name === name", name)


def tab_to_button(page, text: str) -> None:
    _tab_until(page, "(text) => document.activeElement?.textContent.trim() === text", text)


def choose_radio(page, name: str, index: int) -> None:
    """In a radio group with nothing chosen, Tab lands on the first option: Space picks it,
    each arrow press moves on and picks the next."""
    tab_to(page, name)
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowRight")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def month_path(familie, maaned) -> str:
    return f"/registrering/familier/{familie.pk}/{maaned.year}/{maaned.month}/"


@pytest.fixture(autouse=True)
def _indicators(transactional_db):
    restore_national_indicators()


def test_a_family_month_by_keyboard_then_locked_and_reopened(page, make_user, projekt):
    koordinator = make_user(
        Rolle.KOORDINATOR, username="koordinator1", first_name="Karen", last_name="Koordinator"
    )
    make_user(Rolle.PROJEKTLEDER, username="projektleder", first_name="Pia", last_name="Leder")
    share_all_sectors(projekt, Rolle.KOORDINATOR)
    familie = family_of(koordinator, projekt, members=0, sync=False, betegnelse="Familien Holm")
    since = datetime.date(2020, 1, 1)
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Mette", efternavn="Holm")
    far = PersonFactory(kommune=projekt.kommune, fornavn="Jesper", efternavn="Holm")
    teen = PersonFactory(
        kommune=projekt.kommune, fornavn="Ida", efternavn="Holm", foedselsdato=born(14)
    )
    child = PersonFactory(
        kommune=projekt.kommune, fornavn="Oscar", efternavn="Holm", foedselsdato=born(8)
    )
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True, fra=since)
    add_member(familie, far, rolle="voksen", relation="far", foraeldremyndighed=True, fra=since)
    add_member(familie, teen, rolle="barn", relation="barn", fra=since)
    add_member(familie, child, rolle="barn", relation="barn", fra=since)
    adgang.sync_family_grants(familie, reason="test")
    registration(familie, mor, months_ago(1), koordinator, {"egenomsorg": 3})

    sign_in(page, "koordinator1", TEST_PASSWORD)
    page.goto(month_path(familie, THIS_MONTH))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Familien Holm")
    expect(page.get_by_test_id(f"last-p{mor.pk}-egenomsorg")).to_have_text("3 – svære problemer")
    assert_accessible(page)

    # The adults: seven areas on the 0–4 scale, then the objective indicators.
    for person in (mor, far):
        for code in ADULT_SCALE:
            choose_radio(page, f"p{person.pk}-{code}", 1)
        tab_to(page, f"p{person.pk}-forsoergelse")
        page.keyboard.type("Kontant")
        type_into(page, f"p{person.pk}-arbejdstimer_uge", "0")
        choose_radio(page, f"p{person.pk}-i_beskaeftigelsesrettet_tilbud", 1)  # nej
        choose_radio(page, f"p{person.pk}-startet_uddannelse", 1)
    # The children: six areas, then school and leisure; the teenager's absence is mistyped.
    for person in (teen, child):
        for code in CHILD_SCALE:
            choose_radio(page, f"p{person.pk}-{code}", 2)
        if person is child:
            choose_radio(page, f"p{person.pk}-dagtilbud_eller_sfo", 0)
        type_into(page, f"p{person.pk}-skolefravaer_pct", "140" if person is teen else "4")
        if person is teen:
            page.keyboard.press("Tab")
            expect(page.get_by_test_id(f"error-p{teen.pk}-skolefravaer_pct")).to_have_text(
                re.compile("Skolefravær \\(%\\) skal være mellem 0 og 100 \\(du skrev 140\\)")
            )
            absence = page.locator(f"#id_p{teen.pk}-skolefravaer_pct")
            expect(absence).to_have_attribute("aria-invalid", "true")
        choose_radio(page, f"p{person.pk}-fritidsaktivitet", 0)
        if person is teen:
            choose_radio(page, f"p{person.pk}-fritidsjob", 1)

    # Saving with the mistake: the form comes back with the message and what was typed.
    tab_to_button(page, "Gem registreringen")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("form-errors")).to_contain_text("Registreringen er ikke gemt")
    expect(page.locator(f"#id_p{mor.pk}-egenomsorg_1")).to_be_checked()
    assert_accessible(page)

    tab_to(page, f"p{teen.pk}-skolefravaer_pct")
    page.keyboard.press("Control+A")
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id(f"error-p{teen.pk}-skolefravaer_pct")).to_have_text("")
    expect(page.locator(f"#id_p{teen.pk}-skolefravaer_pct")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    tab_to_button(page, "Gem registreringen")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("er gemt")
    for person in (mor, far, teen, child):
        expect(page.get_by_test_id(f"member-status-{person.pk}")).to_have_text("Komplet")
    assert_accessible(page)

    page.goto(f"/registrering/?maaned={THIS_MONTH:%Y-%m}")
    expect(
        page.get_by_test_id(f"family-{familie.pk}").get_by_test_id("family-status")
    ).to_have_text("Komplet")
    assert_accessible(page)

    # After the deadline: a month whose deadline has passed is locked for the case manager.
    locked = months_ago(3)
    page.goto(month_path(familie, locked))
    expect(page.get_by_test_id("month-state")).to_contain_text("Låst")
    expect(page.get_by_role("button", name="Gem registreringen")).to_have_count(0)
    expect(page.locator(f"input[name='p{mor.pk}-egenomsorg']").first).to_be_disabled()
    assert_accessible(page)

    page.get_by_role("button", name="Log af").click()
    sign_in(page, "projektleder", TEST_PASSWORD)
    page.goto(month_path(familie, locked))
    page.get_by_role("link", name="Genåbn måneden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(rules.month_label(locked))
    assert_accessible(page)
    page.get_by_label("Begrundelse").fill("Skolefraværet manglede")
    page.get_by_role("button", name="Genåbn måneden").click()
    expect(page.get_by_role("status")).to_contain_text("er genåbnet for Familien Holm")
    expect(page.get_by_test_id("month-state")).to_contain_text("Genåbnet")
    assert_accessible(page)

    page.get_by_role("button", name="Log af").click()
    sign_in(page, "koordinator1", TEST_PASSWORD)
    page.goto(month_path(familie, locked))
    expect(page.get_by_test_id("month-state")).to_contain_text("Genåbnet")
    expect(page.get_by_role("button", name="Gem registreringen")).to_be_visible()
    assert_accessible(page)
    # The one rejected submission answers 400 by design; Chromium logs that status.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
    assert len(page.console_errors) <= 1
