"""borger1 sees their own progress and their child's as plain words, never another adult's."""

import datetime

import pytest
from playwright.sync_api import expect

from kerne.models import Rolle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, add_member
from tests.registrering.conftest import make_family
from tests.registrering.factories import (
    adult,
    children,
    months_ago,
    registration,
    restore_national_indicators,
)


@pytest.fixture(autouse=True)
def _indicators(transactional_db):
    restore_national_indicators()


def test_borger1_sees_own_and_childrens_progress_only(page, make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    borger = make_user(Rolle.BORGER, username="borger1", first_name="Bente")
    familie = make_family(koordinator, projekt, children=(9,))
    mor = adult(familie)
    mor.fornavn = "Bente"
    mor.bruger = borger
    mor.save(update_fields=["fornavn", "bruger"])
    barn = children(familie)[0]
    partner = PersonFactory(kommune=projekt.kommune, fornavn="Preben")
    add_member(familie, partner, rolle="voksen", relation="far", fra=datetime.date(2020, 1, 1))
    for n, level in enumerate([3, 3, 2, 1]):
        maaned = months_ago(4 - n)
        registration(familie, mor, maaned, koordinator, {"netvaerk": level})
        registration(familie, barn, maaned, koordinator, {"trivsel": 2})
        registration(familie, partner, maaned, koordinator, {"egenomsorg": 4 - n})

    sign_in(page, "borger1", TEST_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Min udvikling"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Min udvikling")
    own = page.get_by_test_id(f"progress-{mor.pk}")
    expect(own.get_by_role("heading")).to_have_text("Dig")
    expect(own.get_by_role("row", name="Netværk")).to_contain_text("Bedre")
    child = page.get_by_test_id(f"progress-{barn.pk}")
    expect(child.get_by_role("heading")).to_have_text(barn.fornavn)
    expect(child.get_by_role("row", name="Trivsel")).to_contain_text("Uændret")
    expect(page.get_by_test_id(f"progress-{partner.pk}")).to_have_count(0)
    expect(page.get_by_text("Egenomsorg")).to_have_count(0)
    expect(page.get_by_text("Preben")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text("problemer")
    assert_accessible(page)
    assert page.console_errors == []
