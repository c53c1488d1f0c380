"""The family's contact person now: the case manager, or their substitute during an absence.

Read by the portal (familieplan), message routing (kontakt) and the access policy (the
substitute holds the absent case manager's grants while the absence lasts).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kerne.adgang import CHANGE, VIEW, Grant
from kerne.models import Delingsregel, Familie, Fravaer, Medarbejder, Rolle, Sektor


@dataclass(frozen=True)
class Kontaktinfo:
    bruger_id: int
    navn: str
    telefon: str
    email: str
    traeffetid: str


@dataclass(frozen=True)
class Kontaktperson:
    """Who the family reaches now; `fravaerende` is the absent case manager, if any."""

    kontakt: Kontaktinfo
    fravaerende: Kontaktinfo | None = None
    fravaer_til: datetime.date | None = None


def absence_of(
    bruger_id: int | None, projekt_id: int, today: datetime.date | None = None
) -> Fravaer | None:
    if bruger_id is None:
        return None
    today = today or timezone.localdate()
    return (
        Fravaer.objects.filter(
            projekt_id=projekt_id, bruger_id=bruger_id, fra__lte=today, til__gte=today
        )
        .order_by("fra", "pk")
        .first()
    )


def recipient_id(familie: Familie, today: datetime.date | None = None) -> int | None:
    """The user a family's message goes to now: the case manager, or the substitute."""
    fravaer = absence_of(familie.koordinator_id, familie.projekt_id, today)
    return fravaer.stedfortraeder_id if fravaer else familie.koordinator_id


def _info(user: Any) -> Kontaktinfo:
    medarbejder = Medarbejder.objects.filter(bruger=user).first()
    return Kontaktinfo(
        bruger_id=user.pk,
        navn=user.get_full_name() or user.get_username(),
        telefon=medarbejder.telefon if medarbejder else "",
        email=user.email,
        traeffetid=medarbejder.traeffetid if medarbejder else "",
    )


def kontaktperson_for(familie: Familie, today: datetime.date | None = None) -> Kontaktperson | None:
    """The contact person to show the family (a few queries, whatever the data size)."""
    if familie.koordinator_id is None:
        return None
    koordinator = familie.koordinator
    fravaer = absence_of(familie.koordinator_id, familie.projekt_id, today)
    if fravaer is None:
        return Kontaktperson(kontakt=_info(koordinator))
    return Kontaktperson(
        kontakt=_info(fravaer.stedfortraeder),
        fravaerende=_info(koordinator),
        fravaer_til=fravaer.til,
    )


def substitute_grants(familie: Familie, today: datetime.date) -> set[Grant]:
    """Grant source: during an absence the substitute works on the absent case manager's
    families as the case manager would, under the project's policy for case managers."""
    fravaer = absence_of(familie.koordinator_id, familie.projekt_id, today)
    if fravaer is None or familie.status == Familie.Status.AFSLUTTET:
        return set()
    user_id = fravaer.stedfortraeder_id
    grants = {Grant(user_id, VIEW), Grant(user_id, CHANGE)}
    regler = dict(
        Delingsregel.objects.filter(
            projekt_id=familie.projekt_id, rolle=Rolle.KOORDINATOR
        ).values_list("sektor", "regel")
    )
    afdeling = (
        Medarbejder.objects.filter(bruger_id=user_id)
        .values_list("forvaltning_id", flat=True)
        .first()
    )
    lawful: set[str] = set()
    if afdeling is not None:
        for samtykke in familie.samtykker.filter(tilbagekaldt__isnull=True, modtagere=afdeling):
            if samtykke.is_valid_on(today):
                lawful.update(samtykke.sektorer)
        for hjemmel in familie.hjemler.filter(modtager_id=afdeling):
            if hjemmel.is_valid_on(today):
                lawful.add(hjemmel.sektor)
    for sektor in Sektor.values:
        regel = regler.get(sektor, Delingsregel.Regel.NEVER)
        if regel == Delingsregel.Regel.ALWAYS or (
            regel == Delingsregel.Regel.WITH_CONSENT and sektor in lawful
        ):
            grants.update({Grant(user_id, VIEW, sektor), Grant(user_id, CHANGE, sektor)})
    return grants
