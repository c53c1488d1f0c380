"""Celery tasks of the shared kernel: thin, idempotent, ids in."""

import datetime
import logging

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from kerne import adgang
from kerne.models import EksplicitAdgang, Familie, Fravaer, Hjemmel, Samtykke

logger = logging.getLogger(__name__)


@shared_task
def ping(value: int) -> int:
    """Round-trip probe for tests and operations: returns its argument plus one."""
    return value + 1


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def dokument_byg(self, dokument_id: int) -> None:
    """Build one PDF. Ids in; the service's claim makes a duplicate a no-op and lets the same
    delivery, redelivered after its worker died, finish the build."""
    from kerne import services

    services.dokument_byg(dokument_id=dokument_id, opgave=self.request.id or "")


@shared_task(ignore_result=True)
def resync_grants_at_validity_boundaries() -> int:
    """Daily: re-derive families whose consent, legal basis or explicit grant began or ended.

    Grants are stored, so a consent that expires overnight must be swept; the window of a few
    days makes a missed run harmless (re-deriving is idempotent).
    """
    today = timezone.localdate()
    window_start = today - datetime.timedelta(days=3)
    boundary = Q(gyldig_fra__range=(window_start, today)) | Q(
        gyldig_til__range=(window_start, today)
    )
    family_ids = (
        set(Samtykke.objects.filter(boundary).values_list("familie_id", flat=True))
        | set(Hjemmel.objects.filter(boundary).values_list("familie_id", flat=True))
        | set(
            EksplicitAdgang.objects.filter(gyldig_til__range=(window_start, today)).values_list(
                "familie_id", flat=True
            )
        )
    )
    # A substitute holds an absent case manager's families only while the absence lasts.
    absent = Fravaer.objects.filter(
        Q(fra__range=(window_start, today)) | Q(til__range=(window_start, today))
    ).values_list("projekt_id", "bruger_id")
    for projekt_id, bruger_id in absent:
        family_ids |= set(
            Familie.objects.filter(projekt_id=projekt_id, koordinator_id=bruger_id).values_list(
                "pk", flat=True
            )
        )
    for familie in Familie.objects.filter(pk__in=family_ids):
        adgang.sync_family_grants(familie, reason="daily validity sweep")
    return len(family_ids)


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notifikation_lever(notifikation_id: int) -> None:
    """Send a notification's e-mail and SMS copies; each channel is sent at most once."""
    from kerne import notifikationer

    notifikationer.lever(notifikation_id=notifikation_id)


@shared_task(ignore_result=True)
def dokumenter_genkoe() -> int:
    """Every few minutes: queue again the documents ordered while the broker was down, and
    any still waiting after ten minutes (a message lost with a broker that lost its data).
    A document queued twice is built once (the build claims it)."""
    from kerne import services
    from kerne.models import Dokument

    stale = timezone.now() - datetime.timedelta(minutes=10)
    waiting = (
        Dokument.objects.filter(tilstand=Dokument.Tilstand.VENTENDE)
        .filter(Q(fejl__gt="") | Q(bestilt__lt=stale))
        .order_by("bestilt")
        .values_list("pk", flat=True)[:500]
    )
    return sum(services.dokument_koe(dokument_id=pk) for pk in list(waiting))


# Families per run: a backlog (the first night after deployment) is worked off by the task
# queueing itself again, each run well inside the task time limit.
OPBEVARING_PR_KOERSEL = 500


@shared_task(ignore_result=True)
def opbevaring_anonymiser() -> int:
    """Daily: anonymise the families discharged longer ago than their project keeps data.

    One transaction per family, so a crash loses at most the family in hand and the next run
    (or the redelivered task) picks up the rest; a family already done is skipped. A family
    that fails is logged (by id) and left for the next night; it does not stop the others.
    """
    from kerne import opbevaring, services

    today = timezone.localdate()
    due = list(
        opbevaring.due_families(today).values_list("pk", flat=True)[: OPBEVARING_PR_KOERSEL + 1]
    )
    done = 0
    for pk in due[:OPBEVARING_PR_KOERSEL]:
        try:
            done += services.familie_anonymiser(familie_id=pk, today=today)
        except OperationalError:
            raise  # the database is gone: nothing else would succeed either
        except Exception:
            logger.exception("Anonymising family %s failed; retried next night", pk)
    if len(due) > OPBEVARING_PR_KOERSEL and done:
        opbevaring_anonymiser.delay()
    return done


@shared_task(ignore_result=True)
def adgangslog_udloeb() -> int:
    """Daily: delete audit rows older than AUDIT_RETENTION_MONTHS (never fewer than 6)."""
    from django.conf import settings

    from kerne import audit

    return audit.purge_expired(months=settings.AUDIT_RETENTION_MONTHS)
