"""The PDF family plan: content, the family's copy, sectors, caching, the fetcher, download."""

import io
import os

import pytest
from django.urls import reverse
from pypdf import PdfReader

from familieplan import services
from familieplan.models import Indsats
from kerne import pdf as kerne_pdf
from kerne import services as kerne_services
from kerne.models import Adgangslog, Delingsregel, Dokument, Medarbejder, Rolle, Sektor
from tests.conftest import wait_for
from tests.factories import ForvaltningFactory, family_of
from tests.familieplan.factories import agree, draft_with, integrated

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def read(dokument: Dokument) -> bytes:
    dokument.refresh_from_db()
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    with dokument.fil.open("rb") as handle:
        return handle.read()


@pytest.fixture
def koordinator(make_user, projekt):
    user = make_user(Rolle.KOORDINATOR, first_name="Karin", last_name="Koordinator")
    integrated(projekt)
    return user


@pytest.fixture
def familie(koordinator, projekt):
    return family_of(koordinator, projekt, betegnelse="Familien Østergaard")


@pytest.fixture
def plan(koordinator, familie):
    version = draft_with(
        koordinator,
        familie,
        {"titel": "Praktik i Netto"},
        {"titel": "Familiebehandling", "sektor": Sektor.BOERN_FAMILIE, "art": "familiebehandling"},
        {"titel": "Intern screening", "synlig_for_familien": False, "art": "kursus"},
    )
    services.aftale_opret(
        acting_user=koordinator,
        familie=familie,
        hvad="Ringe til lægen",
        hvem="Mor",
        frist=version.indsatser.first().slutdato,
    )
    return agree(koordinator, version)


@pytest.fixture
def order(django_capture_on_commit_callbacks):
    def place(user, version, *, familiens_kopi=False):
        with django_capture_on_commit_callbacks(execute=True):
            dokument = services.plan_pdf_bestil(
                acting_user=user, version=version, familiens_kopi=familiens_kopi
            )
        dokument.refresh_from_db()
        return dokument

    return place


def test_the_staff_pdf_holds_the_plan(koordinator, familie, plan, order):
    text = pdf_text(read(order(koordinator, plan)))

    assert "Familien Østergaard" in text
    assert "version 1" in text
    for titel in ("Praktik i Netto", "Familiebehandling", "Intern screening"):
        assert titel in text
    indsats = plan.indsatser.get(titel="Praktik i Netto")
    assert indsats.startdato.strftime("%d.%m.%Y") in text
    assert "Ringe til lægen" in text
    assert "Karin Koordinator" in text  # the agreement line
    assert "Side 1 af" in text


def test_the_familys_copy_leaves_out_what_is_not_visible_to_the_family(koordinator, plan, order):
    text = pdf_text(read(order(koordinator, plan, familiens_kopi=True)))

    assert "Praktik i Netto" in text
    assert "Intern screening" not in text


def test_the_pdf_is_cached_by_version(koordinator, familie, plan, order):
    first = order(koordinator, plan)
    again = order(koordinator, plan)
    assert again.pk == first.pk
    assert Dokument.objects.filter(kind="familieplan").count() == 1

    v2 = agree(koordinator, services.kladde_opret(acting_user=koordinator, familie=familie))
    assert order(koordinator, v2).pk != first.pk


def test_the_job_centre_worker_gets_a_copy_without_the_family_departments_activities(
    koordinator, familie, plan, order, make_user, projekt, client
):
    leader = make_user(Rolle.PROJEKTLEDER)
    jobcenter = ForvaltningFactory(kommune=projekt.kommune, sektor=Sektor.BESKAEFTIGELSE)
    worker = make_user(Rolle.SAGSBEHANDLER)
    Medarbejder.objects.filter(bruger=worker).update(forvaltning=jobcenter)
    kerne_services.delingsregel_saet(
        acting_user=leader,
        projekt=projekt,
        rolle=Rolle.SAGSBEHANDLER,
        sektor=Sektor.BOERN_FAMILIE,
        regel=Delingsregel.Regel.WITH_CONSENT,
    )
    kerne_services.afdelingssag_aabn(
        acting_user=leader, familie=familie, forvaltning=jobcenter, sagsbehandler=worker
    )
    full = order(koordinator, plan)

    mine = order(worker, plan)

    assert mine.pk != full.pk
    text = pdf_text(read(mine))
    assert "Praktik i Netto" in text
    assert "Familiebehandling" not in text
    client.force_login(worker)
    assert client.get(reverse("kerne:dokument_hent", args=[full.pk])).status_code == 404
    assert client.get(reverse("kerne:dokument_hent", args=[mine.pk])).status_code == 200


def test_the_family_member_downloads_the_familys_copy_and_the_download_is_audited(
    koordinator, familie, plan, order, make_user, client
):
    borger = make_user(Rolle.BORGER)
    person = familie.medlemskaber.get(rolle="voksen").person
    person.bruger = borger
    person.save(update_fields=["bruger"])
    staff_copy = order(koordinator, plan)
    client.force_login(borger)

    ordered = client.post(reverse("familieplan:portal_pdf", args=[familie.pk]))
    assert ordered.status_code == 302
    family_copy = Dokument.objects.get(kind="familieplan_familie")
    kerne_services.dokument_byg(dokument_id=family_copy.pk)

    answer = client.get(reverse("kerne:dokument_hent", args=[family_copy.pk]))
    assert answer.status_code == 200
    assert "Intern screening" not in pdf_text(b"".join(answer.streaming_content))
    assert client.get(reverse("kerne:dokument_hent", args=[staff_copy.pk])).status_code == 404
    assert Adgangslog.objects.filter(
        bruger_id=borger.pk, handling="pdf", objekt_id=str(family_copy.pk)
    ).exists()


def test_an_activity_text_with_an_image_fetches_nothing(
    koordinator, familie, plan, order, monkeypatch, tmp_path
):
    # The renderer runs in a forked child (kerne.pdf.render_html): the spy writes to a file.
    log = tmp_path / "requested.txt"
    log.touch()
    original = kerne_pdf.static_resource

    def spy(url):
        with log.open("a") as handle:
            handle.write(url + "\n")
        return original(url)

    monkeypatch.setattr(kerne_pdf, "static_resource", spy)
    indsats = plan.indsatser.get(titel="Praktik i Netto")
    Indsats.objects.filter(pk=indsats.pk).update(
        tilbud='<img src="file:///etc/hostname"> og <img src="http://example.invalid/x.png">'
    )

    text = pdf_text(read(order(koordinator, plan)))
    requested = log.read_text().split()

    assert "file:///etc/hostname" in text  # shown as text, never loaded as an image
    assert requested
    assert all(url.startswith(kerne_pdf.BASE_URL + "static/") for url in requested)


def test_a_draft_has_no_pdf(koordinator, familie):
    version = draft_with(koordinator, familie, {})
    with pytest.raises(Exception, match="aftalt"):
        services.plan_pdf_bestil(acting_user=koordinator, version=version, familiens_kopi=False)


def test_a_typical_plan_is_a_few_pages_with_the_family_and_version_on_each(
    koordinator, familie, order
):
    version = agree(
        koordinator,
        draft_with(koordinator, familie, *({"titel": f"Indsats {n}"} for n in range(8))),
    )
    reader = PdfReader(io.BytesIO(read(order(koordinator, version))))

    assert 2 <= len(reader.pages) <= 5
    for page in reader.pages:
        assert "Familien Østergaard · version 1" in " ".join(page.extract_text().split())
    assert reader.metadata.title.startswith("Familieplan for Familien Østergaard")
    # Timing is the benchmark's job (tests/perf/test_familieplan_pdf.py), not an assertion here.


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_pdf_is_built_by_a_real_worker(celery_worker, make_user, projekt):
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    familie = family_of(koordinator, projekt, betegnelse="Familien Worker")
    version = agree(koordinator, draft_with(koordinator, familie, {"titel": "Praktik via Redis"}))

    dokument = services.plan_pdf_bestil(
        acting_user=koordinator, version=version, familiens_kopi=False
    )

    def built_or_failed() -> bool:
        dokument.refresh_from_db()
        return dokument.tilstand in (Dokument.Tilstand.FAERDIG, Dokument.Tilstand.FEJLET)

    wait_for(built_or_failed, "the worker to build the document")
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    assert "Praktik via Redis" in pdf_text(read(dokument))
    assert celery_worker["pid"] != os.getpid()
