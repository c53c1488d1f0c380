"""Celery tasks of the shared kernel: thin, idempotent, ids in."""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from kerne import adgang
from kerne.models import EksplicitAdgang, Familie, Hjemmel, Samtykke


@shared_task
def ping(value: int) -> int:
    """Round-trip probe for tests and operations: returns its argument plus one."""
    return value + 1


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def dokument_byg(dokument_id: int) -> None:
    """Build one PDF. Ids in; the service claims the document so a redelivery is harmless."""
    from kerne import services

    services.dokument_byg(dokument_id=dokument_id)


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
    for familie in Familie.objects.filter(pk__in=family_ids):
        adgang.sync_family_grants(familie, reason="daily validity sweep")
    return len(family_ids)
