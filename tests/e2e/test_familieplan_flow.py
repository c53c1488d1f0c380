"""The family plan in a browser: the case manager writes and agrees a plan and makes its PDF;
the family member reads it in the portal, on a desktop and on a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from familieplan import services
from kerne.models import Medarbejder, Rolle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, PersonFactory, add_member, family_of
from tests.familieplan.factories import TODAY, activity_data, agree, draft_with, integrated


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def scene(make_user, projekt):
    koordinator = make_user(
        Rolle.KOORDINATOR,
        username="karin",
        first_name="Karin",
        last_name="Koordinator",
        email="karin@example.invalid",
    )
    Medarbejder.objects.filter(bruger=koordinator).update(telefon="70 11 22 33")
    integrated(projekt)
    familie = family_of(koordinator, projekt, members=0, betegnelse="Familien Østergaard")
    mor = PersonFactory(kommune=projekt.kommune, fornavn="Mette", efternavn="Østergaard")
    add_member(familie, mor, rolle="voksen", relation="mor", foraeldremyndighed=True)
    add_member(familie, rolle="barn", relation="barn")
    return {"koordinator": koordinator, "familie": familie, "mor": mor, "projekt": projekt}


def test_a_case_manager_writes_agrees_and_prints_a_plan(page, scene):
    koordinator, familie, mor = scene["koordinator"], scene["familie"], scene["mor"]
    draft_with(
        koordinator,
        familie,
        {"titel": "Virksomhedspraktik", "personer": [mor], "timer_pr_uge": Decimal(30)},
    )

    sign_in(page, "karin", TEST_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Familieplaner"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familieplaner")
    assert_accessible(page)
    page.get_by_role("link", name="Familien Østergaard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familieplan for Familien Østergaard")
    expect(page.get_by_test_id("version-status")).to_contain_text("Kladde")
    assert_accessible(page)

    page.get_by_role("link", name="Tilføj indsats").click()
    form = page.get_by_test_id("indsats-form")
    expect(form).to_be_visible()
    form.get_by_label(re.compile(r"^Indsats \(")).fill("Jobsøgningskursus")
    form.get_by_label(re.compile(r"^Sektor \(")).select_option(label="Beskæftigelse")
    form.get_by_label(re.compile(r"^Art \(")).select_option(label="Kursus eller opkvalificering")
    form.get_by_label("Mette Østergaard").check()
    form.get_by_label(re.compile(r"^Mål \(")).fill("Mette søger job selv")
    form.get_by_label("Sådan ser vi, at målet er nået").fill("Tre ansøgninger om ugen")
    form.get_by_label("Tilbud").fill("Kursus i ansøgninger")
    form.get_by_label("Leverandør").fill("Jobcenter Demoby")
    form.get_by_label("Startdato").fill(TODAY.isoformat())
    form.get_by_label("Slutdato").fill((TODAY + datetime.timedelta(days=60)).isoformat())
    form.get_by_label("Timer pr. uge").fill("10")
    form.get_by_label("Timer pr. uge").blur()
    expect(page.get_by_test_id("live-collisions")).to_contain_text("mere end budgettet på 37 timer")
    form.get_by_label("Opfølgning, hvor ofte").select_option(label="Hver måned")
    form.get_by_label("Opfølgning, hvordan").fill("Samtale med Mette")
    form.get_by_label("Konsekvens ved udeblivelse").fill("Sanktion i ydelsen")
    form.get_by_label("Ansvarlig fagperson").fill("Jonas Jobcenter")
    assert_accessible(page)
    form.get_by_role("button", name="Gem indsats").click()

    expect(page.get_by_role("status")).to_contain_text("Indsatsen er tilføjet.")
    expect(page.get_by_test_id("activities").get_by_test_id("activity")).to_have_count(2)
    expect(page.get_by_test_id("collisions")).to_contain_text("Jobsøgningskursus")
    assert_accessible(page)

    page.get_by_role("link", name="Aftal planen med familien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftal planen med familien")
    assert_accessible(page)
    page.get_by_label("Mette Østergaard").check()
    page.get_by_label("Hvordan").select_option(label="På et møde")
    page.get_by_role("button", name="Planen er aftalt").click()

    expect(page.get_by_role("status")).to_contain_text("Version 1 er aftalt med familien.")
    expect(page.get_by_test_id("agreement")).to_contain_text("Registreret af Karin Koordinator")
    page.get_by_role("button", name="Dan PDF af planen").click()
    link = page.get_by_role("link", name=re.compile(r"^Hent Familieplan, version 1"))
    expect(link).to_be_visible(timeout=15_000)
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert page.console_errors == []


@pytest.mark.parametrize(
    "viewport", [None, {"width": 375, "height": 812}], ids=["desktop", "phone"]
)
def test_a_family_member_reads_the_agreed_plan_in_the_portal(page, scene, make_user, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    koordinator, familie, mor = scene["koordinator"], scene["familie"], scene["mor"]
    borger = make_user(Rolle.BORGER, username="mette", first_name="Mette", last_name="Østergaard")
    mor.bruger = borger
    mor.save(update_fields=["bruger"])
    version = draft_with(
        koordinator, familie, {"titel": "Virksomhedspraktik i Netto", "personer": [mor]}
    )
    services.indsats_gem(
        acting_user=koordinator,
        version=version,
        data=activity_data(
            familie, titel="Intern vurdering", personer=[mor], synlig_for_familien=False
        ),
    )
    agree(koordinator, version)
    services.aftale_opret(
        acting_user=koordinator,
        familie=familie,
        hvad="Ringe til egen læge",
        hvem="Mette",
        frist=TODAY,
    )
    other = family_of(koordinator, scene["projekt"], betegnelse="Familien Andersen")

    sign_in(page, "mette", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan for Familien Østergaard")
    expect(page.get_by_test_id("portal-activities")).to_contain_text("Virksomhedspraktik i Netto")
    expect(page.get_by_test_id("portal-activities")).not_to_contain_text("Intern vurdering")
    expect(page.get_by_test_id("portal-stafetlog")).to_contain_text("Ringe til egen læge")
    expect(page.get_by_test_id("contact")).to_contain_text("70 11 22 33")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    page.get_by_role("button", name="Hent planen som PDF").click()
    link = page.get_by_role("link", name=re.compile(r"^Hent Familiens plan, version 1"))
    expect(link).to_be_visible(timeout=15_000)
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")

    answer = page.goto(f"/familieplan/portal/{other.pk}/")
    assert answer.status == 404
    assert no_sideways_scroll(page)
    assert_accessible(page)
