"""The PDF pipeline: rendering, the fetcher's limits, ordering, caching, progress and download."""

import io
import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from kerne import pdf, services
from kerne.models import Adgangslog, Dokument, Rolle
from tests.conftest import wait_for
from tests.factories import family_of

pytestmark = pytest.mark.django_db

from tests.kerne.pdf_kinds import BUILDS  # noqa: E402 - registers the test kinds


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def scene(make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    return koordinator, family_of(koordinator, projekt)


def test_a_template_renders_to_a_tagged_pdf_with_our_stylesheet(projekt):
    content = pdf.render_pdf("kerne/pdf_base.html", {"projekt": projekt})

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert projekt.navn in text
    assert "Side 1 af 1" in text  # from static/css/pdf.css: the stylesheet was fetched
    # Tagged for screen readers.
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(content)).trailer["/Root"]


def test_warming_the_renderer_for_its_children_leaves_the_process_safe_to_fork():
    # Every document renders in a child forked from this process after the warm-up. A thread
    # left running by the warm-up would not exist in the child, and any lock it held would
    # stay locked there for ever.
    pdf._warm_for_children.cache_clear()
    threads_before = len(os.listdir("/proc/self/task"))
    pdf._warm_for_children()
    assert len(os.listdir("/proc/self/task")) == threads_before
    assert pdf._warm_for_children.cache_info().currsize == 1  # once per process


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/pdf.css",
        "file:///etc/passwd",
        f"{pdf.BASE_URL}media/private/secret.pdf",
        f"{pdf.BASE_URL}static/../config/settings.py",
        f"{pdf.BASE_URL}static/findes-ikke.css",
    ],
)
def test_the_fetcher_serves_nothing_but_our_static_files(url):
    with pytest.raises(pdf.ForbiddenResourceError):
        pdf.static_resource(url)


def test_the_fetcher_serves_a_static_file():
    content, mime_type = pdf.static_resource(f"{pdf.BASE_URL}static/css/pdf.css")

    assert b"@page" in content
    assert mime_type == "text/css"


@pytest.fixture
def order(django_capture_on_commit_callbacks, projekt):
    """Order a document and run what the commit queues (the build), as a request would."""

    def place(user, familie, *, kind="test-familie", key="v1"):
        with django_capture_on_commit_callbacks(execute=True):
            dokument = services.dokument_bestil(
                acting_user=user,
                kind=kind,
                key=key,
                projekt=projekt,
                familie=familie,
                titel="Familieplan",
            )
        dokument.refresh_from_db()
        return dokument

    return place


def test_ordering_twice_builds_once_and_the_document_is_ready(scene, projekt, order):
    koordinator, familie = scene
    BUILDS.clear()

    first = order(koordinator, familie)
    again = order(koordinator, familie)

    assert again.pk == first.pk
    assert [first.pk] == BUILDS
    assert first.tilstand == Dokument.Tilstand.FAERDIG
    assert first.fremdrift == 100
    assert projekt.navn in pdf_text(first.fil.read())
    ordered = Adgangslog.objects.filter(handling=Adgangslog.Handling.PDF, familie_id=familie.pk)
    assert ordered.count() == 1


def test_a_failed_build_is_marked_with_its_reason_and_can_be_ordered_again(scene, order):
    koordinator, familie = scene

    dokument = order(koordinator, familie, kind="test-broken", key="x")

    assert dokument.tilstand == Dokument.Tilstand.FEJLET
    assert "RuntimeError" in dokument.fejl
    again = order(koordinator, familie, kind="test-broken", key="x")
    assert again.pk == dokument.pk
    assert Adgangslog.objects.filter(handling=Adgangslog.Handling.PDF).count() == 2


def test_an_unregistered_kind_is_refused_before_anything_is_written(scene, projekt):
    koordinator, _familie = scene

    with pytest.raises(LookupError):
        services.dokument_bestil(
            acting_user=koordinator, kind="ukendt", key="1", projekt=projekt, titel="?"
        )
    assert not Dokument.objects.exists()


def _ready_document(koordinator, familie, projekt) -> Dokument:
    dokument = Dokument.objects.create(
        kind="test-familie",
        noegle="klar",
        titel="Familieplan",
        projekt=projekt,
        familie=familie,
        bestilt_af=koordinator,
        tilstand=Dokument.Tilstand.FAERDIG,
        fremdrift=100,
    )
    dokument.fil.save("t.pdf", ContentFile(pdf.render_pdf("kerne/pdf_base.html", {})))
    return dokument


def test_the_reader_downloads_the_pdf_and_the_download_is_logged(client, scene, projekt):
    koordinator, familie = scene
    dokument = _ready_document(koordinator, familie, projekt)
    client.force_login(koordinator)

    response = client.get(reverse("kerne:dokument_hent", kwargs={"pk": dokument.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    row = Adgangslog.objects.get(handling=Adgangslog.Handling.PDF)
    assert row.detaljer == {"kind": "test-familie", "downloaded": True}
    assert row.familie_id == familie.pk


def test_a_user_who_may_not_read_the_family_gets_404(client, scene, projekt, make_user):
    koordinator, familie = scene
    dokument = _ready_document(koordinator, familie, projekt)
    client.force_login(make_user(Rolle.KOORDINATOR))

    for name in ("kerne:dokument_hent", "kerne:dokument_status"):
        assert client.get(reverse(name, kwargs={"pk": dokument.pk})).status_code == 404


def test_the_status_is_polled_while_the_document_is_being_built(client, scene, projekt):
    koordinator, familie = scene
    dokument = Dokument.objects.create(
        kind="test-familie",
        noegle="k",
        titel="Familieplan",
        projekt=projekt,
        familie=familie,
        bestilt_af=koordinator,
        tilstand=Dokument.Tilstand.KOERER,
        fremdrift=40,
    )
    client.force_login(koordinator)

    page = client.get(reverse("kerne:dokument_status", kwargs={"pk": dokument.pk})).content.decode()

    assert 'hx-trigger="every 2s"' in page
    assert 'value="40"' in page
    assert "Dannes" in page


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_document(celery_worker, make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    familie = family_of(koordinator, projekt)

    dokument = services.dokument_bestil(
        acting_user=koordinator,
        kind="test-familie",
        key="worker",
        projekt=projekt,
        familie=familie,
        titel="Familieplan",
    )

    def built_or_failed() -> bool:
        dokument.refresh_from_db()
        return dokument.tilstand in (Dokument.Tilstand.FAERDIG, Dokument.Tilstand.FEJLET)

    wait_for(built_or_failed, "the worker to build the document")
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    assert pdf_text(dokument.fil.read()).count(projekt.navn) == 1
