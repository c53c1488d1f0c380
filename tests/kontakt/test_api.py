"""The secure messages' API: isolation, sending from both sides, attachments, the schema."""

import pytest
from rest_framework.test import APIClient

from kerne.models import Adgangslog, Rolle
from kontakt import services
from kontakt.models import Besked
from tests.factories import user_with_role
from tests.kontakt.factories import PDF_BYTES, family_with_citizen, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(projekt):
    return family_with_citizen(projekt)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_threads_and_messages_are_isolated_between_families(s, projekt):
    other = family_with_citizen(projekt)
    services.besked_send(acting_user=s.borger, familie=s.familie, tekst="Vores")
    services.besked_send(acting_user=other.borger, familie=other.familie, tekst="Deres")
    threads = _api(s.borger).get("/api/v1/threads/").json()
    assert [t["familie"] for t in threads["results"]] == [s.familie.pk]
    other_thread = other.familie.kontakttraad.pk
    assert _api(s.borger).get(f"/api/v1/threads/{other_thread}/").status_code == 404
    assert _api(s.koordinator).get(f"/api/v1/threads/{other_thread}/").status_code == 404
    refused = _api(s.koordinator).get("/api/v1/messages/", {"familie": other.familie.pk})
    assert refused.status_code == 404
    mine = _api(s.koordinator).get("/api/v1/messages/", {"familie": s.familie.pk}).json()
    assert [m["tekst"] for m in mine["results"]] == ["Vores"]
    assert Adgangslog.objects.filter(handling="denied", familie_id=other.familie.pk).exists()


def test_both_sides_send_and_the_leader_only_reads(s, projekt):
    sent = _api(s.borger).post(
        "/api/v1/messages/", {"familie": s.familie.pk, "tekst": "Hej"}, format="json"
    )
    assert sent.status_code == 201
    assert sent.json()["fra_familien"] is True
    answer = _api(s.koordinator).post(
        "/api/v1/messages/", {"familie": s.familie.pk, "tekst": "Svar"}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["fra_familien"] is False
    projektleder = user_with_role(Rolle.PROJEKTLEDER, projekt)
    from kerne import adgang

    adgang.sync_family_grants(s.familie, reason="test")
    leader = _api(projektleder)
    assert leader.get("/api/v1/messages/", {"familie": s.familie.pk}).status_code == 200
    refused = leader.post(
        "/api/v1/messages/", {"familie": s.familie.pk, "tekst": "Nej"}, format="json"
    )
    assert refused.status_code == 403
    assert Besked.objects.count() == 2


def test_bad_input_names_the_field(s):
    client = _api(s.borger)
    empty = client.post("/api/v1/messages/", {"familie": s.familie.pk, "tekst": ""}, format="json")
    assert empty.status_code == 400
    assert "tekst" in empty.json()
    bad_file = client.post(
        "/api/v1/messages/",
        {
            "familie": s.familie.pk,
            "tekst": "Fil",
            "vedhaeftninger": [upload("x.pdf", b"not a pdf")],
        },
        format="multipart",
    )
    assert bad_file.status_code == 400
    assert "kan ikke sendes" in bad_file.json()["vedhaeftninger"][0]
    assert Besked.objects.count() == 0


def test_a_pdf_sent_through_the_api_is_listed_with_its_download_link(s):
    client = _api(s.borger)
    sent = client.post(
        "/api/v1/messages/",
        {"familie": s.familie.pk, "tekst": "Brev", "vedhaeftninger": [upload("b.pdf", PDF_BYTES)]},
        format="multipart",
    )
    assert sent.status_code == 201
    attachment = sent.json()["vedhaeftninger"][0]
    assert attachment["mimetype"] == "application/pdf"
    assert attachment["url"] == f"/kontakt/vedhaeftning/{attachment['id']}/"


def test_the_endpoints_are_in_the_schema(client):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/threads/", "/api/v1/threads/{id}/", "/api/v1/messages/"} <= set(
        schema["paths"]
    )
    assert "post" in schema["paths"]["/api/v1/messages/"]
