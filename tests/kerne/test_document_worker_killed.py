"""A Celery worker killed with SIGKILL in the middle of a PDF build (issue 10, §7).

The build is held mid-way deterministically: the test locks the projects table, which the test
kind's build reads after the worker has claimed the document, and waits until the worker's
database session is queued behind that lock. Then the worker is killed, the lock released and a
new worker started: the broker delivers the unacknowledged message again (acks_late; the new
worker's short visibility timeout stands in for the hour a production broker waits), and the
document must be built exactly once, complete, instead of staying "being built" for ever.
"""

import io

import pytest
from pypdf import PdfReader

from kerne import services
from kerne.models import Dokument, Notifikation, Projekt, Rolle
from tests.conftest import finish_with_new_worker, kill_worker_mid_job
from tests.factories import family_of

pytestmark = [
    pytest.mark.celery,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_killed_mid_build_leaves_one_finished_document_after_restart(
    private_queue, make_user, projekt
):
    koordinator = make_user(Rolle.KOORDINATOR)
    familie = family_of(koordinator, projekt)
    # Ordered but not yet queued, so the projects table can be locked before a worker looks.
    dokument = Dokument.objects.create(
        kind="test-familie",
        noegle="killed",
        titel="Familieplan",
        projekt=projekt,
        familie=familie,
        bestilt_af=koordinator,
    )

    def is_claimed() -> bool:
        dokument.refresh_from_db()
        return dokument.tilstand == Dokument.Tilstand.KOERER

    queued = kill_worker_mid_job(
        private_queue,
        Projekt._meta.db_table,
        lambda: services.dokument_koe(dokument_id=dokument.pk),
        is_claimed,
    )
    assert queued

    # The killed attempt committed its claim and nothing else.
    dokument.refresh_from_db()
    assert (dokument.tilstand, dokument.fremdrift, dokument.fil.name) == (
        Dokument.Tilstand.KOERER,
        10,
        "",
    )
    assert dokument.opgave, "the claim names the delivery that holds it"

    finish_with_new_worker(
        private_queue,
        lambda: Dokument.objects.filter(
            pk=dokument.pk, tilstand=Dokument.Tilstand.FAERDIG
        ).exists(),
        "the redelivered build to finish the document",
    )

    dokument.refresh_from_db()
    assert (dokument.fremdrift, dokument.fejl) == (100, "")
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(dokument.fil.read())).pages
    )
    assert projekt.navn in text
    # Built once: the orderer is told once that it is ready.
    ready = Notifikation.objects.filter(noegle=f"dokument:{dokument.pk}")
    assert list(ready.values_list("modtager_id", flat=True)) == [koordinator.pk]
