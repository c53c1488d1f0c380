"""Reports in a browser: the project leader filters the dashboard by a case manager, opens the
latest monthly report and downloads its PDF; the evaluator orders and downloads an export."""

import zipfile

import pytest
from playwright.sync_api import expect

from kerne.models import Rolle
from rapporter import services
from rapporter.models import Maanedsrapport
from registrering.models import Indikator
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, user_with_role
from tests.rapporter.factories import JUN, build
from tests.registrering.factories import restore_national_indicators


@pytest.fixture
def data(projekt, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.EVALUATOR_PSEUDONYM_KEY = "e2e-key"
    if not Indikator.objects.exists():
        restore_national_indicators()
    dataset = build(projekt)
    for user, name in ((dataset.projektleder, "pia"), (dataset.koordinator, "karl")):
        user.username, user.first_name, user.last_name = name, name.title(), "Test"
        user.save(update_fields=["username", "first_name", "last_name"])
    services.rapport_bestil(
        projekt=projekt,
        maaned=JUN,
        udloeser=Maanedsrapport.Udloeser.BESTILT,
        acting_user=dataset.projektleder,
    )
    return dataset


def test_the_project_leader_filters_the_dashboard_and_downloads_the_report_pdf(page, data):
    sign_in(page, "pia", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Projektets overblik")
    expect(page.get_by_test_id("active-families")).to_have_text("3 / 30")
    assert_accessible(page)

    page.get_by_label("Koordinerende sagsbehandler", exact=True).select_option(label="Karl Test")
    page.get_by_label("Fra måned").fill("2025-01")
    page.get_by_label("Til måned").fill("2025-06")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_test_id("active-families")).to_have_text("2 / 30")
    expect(page.get_by_test_id("metric-kontanthjaelp-nu")).to_have_text("50,0 %")
    expect(page.get_by_test_id("economy-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_test_id("latest-report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statusrapport juni 2025")
    expect(page.get_by_test_id("metric-kontanthjaelp-nu")).to_have_text("66,7 %")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent Statusrapport juni 2025 (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_evaluator_orders_and_downloads_an_export(page, data):
    user_with_role(Rolle.EVALUATOR, data.projekt, username="eva")
    sign_in(page, "eva", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluering")
    assert_accessible(page)
    page.get_by_label("Måned").fill("2025-06")
    page.get_by_role("button", name="Dan udtræk").click()
    link = page.get_by_test_id("export-download")
    expect(link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "personer.csv" in archive.namelist()
        assert "statusrapport-" + data.projekt.kode + "-2025-06.pdf" in archive.namelist()

    page.get_by_role("link", name="Landsoverblik: projekterne side om side").click()
    expect(page.get_by_test_id("national-overview")).to_contain_text(data.projekt.navn)
    assert_accessible(page)
