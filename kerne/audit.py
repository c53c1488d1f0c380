"""The one audit log: every read of personal data, change, export, PDF, reveal and refusal."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from kerne.models import Adgangslog

Handling = Adgangslog.Handling
Formaal = Adgangslog.Formaal


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    request_id: str


# Set by RequestIdMiddleware for the duration of a request, so services need no request.
current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def log(
    *,
    user: Any,
    handling: str,
    formaal: str,
    familie: Model | int | None = None,
    person: Model | int | None = None,
    sektor: str = "",
    objekt: Model | None = None,
    projekt_id: int | None = None,
    detaljer: dict | None = None,
) -> Adgangslog:
    """Write one audit row. Call it inside the transaction of the action it records."""
    context = current_request.get()
    familie_id = familie if isinstance(familie, int) or familie is None else familie.pk
    if projekt_id is None and isinstance(familie, Model):
        projekt_id = familie.projekt_id
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return Adgangslog.objects.create(
        bruger_id=user.pk if authenticated else None,
        brugernavn=user.get_username() if authenticated else "",
        handling=handling,
        formaal=formaal,
        projekt_id=projekt_id,
        familie_id=familie_id,
        person_id=person if isinstance(person, int) or person is None else person.pk,
        sektor=sektor,
        objekt_type=objekt._meta.label_lower if objekt is not None else "",
        objekt_id=str(objekt.pk) if objekt is not None else "",
        ip=context.ip if context else None,
        request_id=context.request_id if context else "",
        detaljer=detaljer or {},
    )


def log_reads(
    *,
    user: Any,
    formaal: str,
    familie_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
) -> None:
    """One READ row per family or person shown on a list page, in one insert."""
    context = current_request.get()
    targets = [("kerne.familie", pk, None) for pk in familie_ids]
    targets += [("kerne.person", None, pk) for pk in person_ids]
    if not targets:
        return
    Adgangslog.objects.bulk_create(
        Adgangslog(
            bruger_id=user.pk,
            brugernavn=user.get_username(),
            handling=Handling.READ,
            formaal=formaal,
            familie_id=familie_id,
            person_id=person_id,
            objekt_type=objekt_type,
            objekt_id=str(familie_id or person_id),
            ip=context.ip if context else None,
            request_id=context.request_id if context else "",
        )
        for objekt_type, familie_id, person_id in targets
    )


# Rows deleted per transaction by purge_expired: short transactions, bounded memory.
PURGE_BATCH = 10_000
MIN_RETENTION_MONTHS = 6


def expiry(months: int):
    """The moment `months` calendar months ago (PostgreSQL's `now() - interval` in Python)."""
    from kerne.opbevaring import months_before

    now = timezone.now()
    day = months_before(now.date(), months)
    return now.replace(year=day.year, month=day.month, day=day.day)


def purge_expired(*, months: int) -> int:
    """Delete audit rows older than `months` months (AUDIT_RETENTION_MONTHS); the retention
    task's one path through the append-only log, and the deletion is itself logged.

    On PostgreSQL the trigger lets a DELETE through only in a transaction that set
    `kerne.adgangslog_opbevaring_maaneder` (>= 6), and only for rows older than that by the
    database's clock, so the age is measured by the same clock that checks it.
    """
    if months < MIN_RETENTION_MONTHS:
        raise ValueError("The audit log is kept at least 6 months.")
    total = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('kerne.adgangslog_opbevaring_maaneder', %s, true)",
                        [str(months)],
                    )
                    cursor.execute(
                        "DELETE FROM kerne_adgangslog WHERE id IN ("
                        " SELECT id FROM kerne_adgangslog"
                        " WHERE tidspunkt < now() - make_interval(months => %s)"
                        " ORDER BY tidspunkt LIMIT %s)",
                        [months, PURGE_BATCH],
                    )
                    deleted = cursor.rowcount
                    # Closed again at once, even when a caller wraps this in a longer
                    # transaction (set_config(..., true) would otherwise last until its end).
                    cursor.execute(
                        "SELECT set_config('kerne.adgangslog_opbevaring_maaneder', '', true)"
                    )
            else:
                before = expiry(months)
                batch = Adgangslog.objects.filter(tidspunkt__lt=before).order_by("tidspunkt")
                ids = list(batch.values_list("pk", flat=True)[:PURGE_BATCH])
                deleted, _detail = Adgangslog.objects.filter(pk__in=ids).delete()
        total += deleted
        if deleted < PURGE_BATCH:
            break
    if total:
        log(
            user=None,
            handling=Handling.DELETE,
            formaal=Formaal.TILSYN,
            detaljer={"adgangslog_slettet": total, "aeldre_end_maaneder": months},
        )
    return total
