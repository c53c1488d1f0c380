"""The one audit log: every read of personal data, change, export, PDF, reveal and refusal."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

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
