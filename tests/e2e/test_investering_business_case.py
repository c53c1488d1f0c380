"""The project leader opens the business case, tries another discount rate, sees break-even
move, and follows a figure to the lines and prices behind it."""

import datetime as dt

from django.utils import formats, translation
from playwright.sync_api import expect

from investering.businesscase import add_months
from investering.selectors import last_complete_month_end
from kerne import adgang
from kerne.models import Delingsregel, Rolle, Sektor
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, add_member, family_of
from tests.investering.factories import cost_line, cost_type, investment


def month_name(day: dt.date) -> str:
    with translation.override("da"):
        return formats.date_format(day, "F Y")


def test_the_project_leader_sees_break_even_move_with_the_discount_rate(page, make_user, projekt):
    make_user(Rolle.PROJEKTLEDER, username="pia", first_name="Pia")
    for sektor in Sektor.values:
        Delingsregel.objects.create(
            projekt=projekt, rolle=Rolle.PROJEKTLEDER, sektor=sektor, regel="always"
        )
    koordinator = make_user(Rolle.KOORDINATOR)
    # The case runs the last twelve complete months: admitted on the first of them.
    start = add_months(last_complete_month_end(), -11)
    familie = family_of(koordinator, projekt, members=0, sync=False, betegnelse="Familien Holm")
    add_member(familie, fra=start)
    adgang.sync_family_grants(familie, reason="test")
    kontanthjaelp = cost_type(
        projekt.kommune, "Kontanthjælp", prices=((add_months(start, -24), "10000"),)
    )
    # 10.000 a month in the baseline year; after admission two more months, then none: savings
    # of 10.000 a month from the third month against an investment of 60.000 in the first.
    cost_line(
        familie, kontanthjaelp, add_months(start, -12), add_months(start, 2) - dt.timedelta(1)
    )
    investment(projekt, "60000", start, add_months(start, 1) - dt.timedelta(1), enhed="i_alt")

    sign_in(page, "pia", TEST_PASSWORD)
    # The menu holds the page (it may sit under "Mere" on a narrow screen); go straight there.
    expect(page.locator('nav a[href="/investering/business-case/"]').first).to_be_attached()
    page.goto("/investering/business-case/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business case")
    expect(page.get_by_test_id("baseline-total")).to_have_text("120.000,00 kr.")
    expect(page.get_by_test_id("break-even")).to_have_text(month_name(add_months(start, 7)))
    expect(page.get_by_test_id("break-even-discounted")).to_have_text(
        month_name(add_months(start, 8))
    )
    assert_accessible(page)

    page.get_by_label("Diskonteringsrente (% pr. år)").fill("60")
    page.get_by_role("button", name="Beregn").click()
    expect(page.get_by_test_id("whatif-note")).to_be_visible()
    expect(page.get_by_test_id("break-even-discounted")).to_have_text(
        month_name(add_months(start, 9))
    )
    expect(page.get_by_test_id("break-even")).to_have_text(month_name(add_months(start, 7)))
    assert_accessible(page)

    page.get_by_test_id("baseline-total").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grundlag for tallet")
    expect(page.get_by_test_id("drilldown-total")).to_have_text("120.000,00 kr.")
    expect(page.get_by_test_id("drilldown").get_by_role("row")).to_have_count(13)
    assert_accessible(page)
    assert not page.console_errors
