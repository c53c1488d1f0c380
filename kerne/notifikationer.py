"""Notifications: an in-app row per recipient, with e-mail and SMS copies through backends.

Any app may call notify() (kerne imports none of them). A notification carries no words of its
own: its text comes from its kind and says only that something is waiting in the app, so a
copy outside the app never holds personal data. E-mail goes through Django's mail backend;
SMS through the backend named by settings.SMS_BACKEND (an SmsBackend).
"""

from __future__ import annotations

import datetime
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kerne.models import Familie, Familiemedlemskab, Notifikation, Notifikationsvalg

logger = logging.getLogger(__name__)

Art = Notifikation.Art

# Citizens reach the portal as adults or as young people of this age or more (as familieplan).
PORTAL_MIN_AGE = 15


@dataclass(frozen=True)
class Tekst:
    titel: str  # in-app heading and e-mail subject
    besked: str  # in-app text, e-mail body (with the link) and SMS


def tekst(art: str) -> Tekst:
    """The words of a kind of notification: fixed, so they can hold nothing personal."""
    texts = {
        Art.NY_BESKED: Tekst(
            _("Du har en ny besked fra Helhedsindsats"),
            _("Du har en ny besked fra Helhedsindsats. Log ind for at læse den."),
        ),
        Art.PLAN_AFTALT: Tekst(
            _("Der er en ny plan i Helhedsindsats"),
            _("En plan er aftalt og ligger klar i Helhedsindsats. Log ind for at se den."),
        ),
        Art.MOEDE_PAAMINDELSE: Tekst(
            _("Påmindelse om møde fra Helhedsindsats"),
            _("Du har et møde snart. Log ind på Helhedsindsats for at se tid og sted."),
        ),
        Art.DOKUMENT_KLAR: Tekst(
            _("Et dokument er klar i Helhedsindsats"),
            _("Et dokument, du har bestilt, er klar. Log ind på Helhedsindsats for at hente det."),
        ),
    }
    return texts[Art(art)]


def email_body(art: str) -> str:
    return f"{tekst(art).besked}\n\n{settings.NOTIFIKATION_LINK}\n"


# --- SMS backends -------------------------------------------------------------------------------


class SmsBackend(Protocol):
    """Sends one text message; raises OSError when the provider cannot be reached."""

    def send(self, *, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


# What LocmemSmsBackend sent, for tests (like django.core.mail.outbox).
outbox: list[Sms] = []


class ConsoleSmsBackend:
    """Development: writes the message to standard output instead of sending it."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to[:-4]}XXXX: {text}\n")


class LocmemSmsBackend:
    """Tests: keeps the messages in kerne.notifikationer.outbox."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append(Sms(to=to, text=text))


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


# --- Creating ----------------------------------------------------------------------------------


def notify(
    *,
    modtagere: Iterable[Any],
    art: str,
    noegle: str,
    familie: Familie | int | None = None,
    url: str = "",
) -> list[Notifikation]:
    """One notification per recipient (users or user ids) for one event, once.

    Call it inside the transaction of the event; the e-mail and SMS copies are queued after
    commit. `noegle` names the event ("besked:17"): the same recipient, kind and key never
    give a second notification, so a redelivered task or a repeated sweep is harmless.
    """
    ids = sorted({getattr(m, "pk", m) for m in modtagere if m is not None})
    if not ids:
        return []
    Art(art)  # an unknown kind is a programming error: refuse it before anything is written
    existing = set(
        Notifikation.objects.filter(modtager_id__in=ids, art=art, noegle=noegle).values_list(
            "modtager_id", flat=True
        )
    )
    familie_id = familie if isinstance(familie, int) or familie is None else familie.pk
    created = [
        Notifikation.objects.create(
            modtager_id=user_id, art=art, noegle=noegle, familie_id=familie_id, url=url
        )
        for user_id in ids
        if user_id not in existing
    ]
    if created:
        from kerne import tasks

        pks = [n.pk for n in created]
        transaction.on_commit(lambda: [tasks.notifikation_lever.delay(pk) for pk in pks])
    return created


def family_user_ids(familie: Familie | int, *, today: datetime.date | None = None) -> list[int]:
    """The sign-ins of the family's current members who may use the portal (adults, 15+)."""
    today = today or timezone.localdate()
    familie_id = familie if isinstance(familie, int) else familie.pk
    try:
        born_before = today.replace(year=today.year - PORTAL_MIN_AGE)
    except ValueError:  # 29 February
        born_before = today.replace(year=today.year - PORTAL_MIN_AGE, day=28)
    return list(
        Familiemedlemskab.objects.filter(
            familie_id=familie_id, fra__lte=today, person__bruger__isnull=False
        )
        .filter(Q(til__isnull=True) | Q(til__gte=today))
        .exclude(familie__status=Familie.Status.AFSLUTTET)
        .filter(Q(rolle=Familiemedlemskab.Rolle.VOKSEN) | Q(person__foedselsdato__lte=born_before))
        .values_list("person__bruger_id", flat=True)
        .distinct()
    )


def notify_family(*, familie: Familie | int, art: str, noegle: str, url: str = "") -> list:
    """notify() to every member of the family who uses the portal."""
    return notify(
        modtagere=family_user_ids(familie), art=art, noegle=noegle, familie=familie, url=url
    )


def moede_paamind(*, familie: Familie | int, noegle: str, url: str = "") -> list:
    """A reminder of the family's next meeting, for any app that keeps meetings (the stafetlog,
    network meetings). `noegle` names the meeting and its time, so a moved meeting reminds again.
    """
    return notify_family(familie=familie, art=Art.MOEDE_PAAMINDELSE, noegle=noegle, url=url)


# --- Delivering -------------------------------------------------------------------------------


def lever(*, notifikation_id: int) -> dict[str, bool]:
    """Send the e-mail and SMS copies the recipient wants; each channel at most once.

    Each channel is claimed and marked in its own transaction, so a failed SMS never resends
    the e-mail when the task is retried.
    """
    sent = {"email": False, "sms": False}
    notifikation = (
        Notifikation.objects.select_related("modtager").filter(pk=notifikation_id).first()
    )
    if notifikation is None:
        return sent
    user = notifikation.modtager
    valg = Notifikationsvalg.objects.filter(bruger=user).first()
    with translation.override(settings.LANGUAGE_CODE):
        words = tekst(notifikation.art)
        body = email_body(notifikation.art)
    if user.email and (valg is None or valg.email):
        with transaction.atomic():
            claimed = Notifikation.objects.filter(
                pk=notifikation_id, email_sendt__isnull=True
            ).update(email_sendt=timezone.now())
            if claimed:
                send_mail(
                    subject=words.titel, message=body, from_email=None, recipient_list=[user.email]
                )
                sent["email"] = True
    if valg is not None and valg.sms and valg.mobil:
        with transaction.atomic():
            claimed = Notifikation.objects.filter(
                pk=notifikation_id, sms_sendt__isnull=True
            ).update(sms_sendt=timezone.now())
            if claimed:
                sms_backend().send(to=valg.mobil, text=words.besked)
                sent["sms"] = True
    return sent


# --- Reading ----------------------------------------------------------------------------------


def unseen_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notifikation.objects.filter(modtager=user, set__isnull=True).count()


@transaction.atomic
def mark_seen(*, acting_user: Any) -> int:
    """The user has seen their notifications (they are their own: no audit row is needed)."""
    return Notifikation.objects.filter(modtager=acting_user, set__isnull=True).update(
        set=timezone.now()
    )
