"""The minutes as a PDF through the kernel's pipeline: content, caching per version, access."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kerne.models import Dokument
from tests.visitation.factories import meeting, submitted
from visitation import pdf, services

pytestmark = pytest.mark.django_db


def text_of(dokument: Dokument) -> str:
    dokument.refresh_from_db()
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    with dokument.fil.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_minutes_pdf_contains_the_decisions(org, django_capture_on_commit_callbacks):
    submitted(org, betegnelse="Familien Holm", start=0)
    submitted(org, betegnelse="Familien Berg", start=1)
    moede = meeting(org)
    holm, berg = moede.punkter.order_by("raekkefoelge")
    services.beslutning_registrer(acting_user=org.leder_job, punkt=holm, beslutning="optag")
    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=berg, beslutning="afvis", begrundelse="Ikke motiveret"
    )
    services.moede_afslut(acting_user=org.projektleder, moede=moede, referat="Gode drøftelser.")

    with django_capture_on_commit_callbacks(execute=True):
        dokument = services.referat_pdf_bestil(acting_user=org.projektleder, moede=moede)

    text = text_of(dokument)
    assert "Referat af visitationsmøde" in text
    assert "Familien Holm" in text
    assert "Optages" in text
    assert "Familien Berg" in text
    assert "Afvises" in text
    assert "Ikke motiveret" in text
    assert "Lars Leder" in text
    assert "Gode drøftelser." in text


def test_the_same_version_gives_the_same_pdf_and_a_change_a_new_one(org):
    submitted(org)
    moede = meeting(org)
    first = services.referat_pdf_bestil(acting_user=org.projektleder, moede=moede)
    again = services.referat_pdf_bestil(acting_user=org.projektleder, moede=moede)
    assert first.pk == again.pk

    services.beslutning_registrer(
        acting_user=org.projektleder, punkt=moede.punkter.get(), beslutning="venteliste"
    )
    moede.refresh_from_db()
    changed = services.referat_pdf_bestil(acting_user=org.projektleder, moede=moede)

    assert changed.pk != first.pk
    assert changed.noegle == pdf.key_for(moede)


def test_only_the_project_leader_orders_and_reads_the_minutes(client, org):
    moede = meeting(org)
    dokument = services.referat_pdf_bestil(acting_user=org.projektleder, moede=moede)

    assert pdf.may_read(org.projektleder, dokument)
    assert not pdf.may_read(org.leder_familie, dokument)
    client.force_login(org.leder_familie)
    assert client.post(reverse("visitation:referat_pdf", args=[moede.pk])).status_code == 403
    page = client.get(reverse("visitation:referat", args=[moede.pk]))
    assert page.context["dokument"] is None

    client.force_login(org.projektleder)
    response = client.post(reverse("visitation:referat_pdf", args=[moede.pk]))
    assert response.status_code == 302
    page = client.get(reverse("visitation:referat", args=[moede.pk]))
    assert page.context["dokument"] == dokument
    assert 'data-testid="dokument-status"' in page.content.decode()
