"""Permission-filtered reads of the secure messages, the inbox and the response-time figure.

Who reads a family's thread: its members in the portal; the contact person and the substitute
(change on the family); the project's leader; and other departments only where the sharing
policy lets them see the family's sector "børn og familie" (the messages' sector).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from familieplan import selectors as plan_selectors
from familieplan.models import Indsats
from kerne import adgang, audit
from kerne.models import (
    Familie,
    Fravaer,
    Medarbejder,
    Notifikation,
    Notifikationsvalg,
    Projektrolle,
    Rolle,
    Sektor,
)
from kontakt import svartid
from kontakt.models import Besked, Traad, Vedhaeftning

SEKTOR = Sektor.BOERN_FAMILIE
SVARTID_DAGE = 30


def readable_families(user: Any) -> QuerySet[Familie]:
    """The families whose thread the staff user may read (one query with three subqueries)."""
    if not getattr(user, "is_authenticated", False):
        return Familie.objects.none()
    led = Projektrolle.objects.filter(bruger=user, rolle=Rolle.PROJEKTLEDER).values("projekt_id")
    return Familie.objects.filter(
        Q(pk__in=adgang.families_for(user, adgang.CHANGE).values("pk"))
        | Q(pk__in=adgang.families_for(user).filter(projekt__in=led).values("pk"))
        | Q(pk__in=adgang.sagsdele_for(user).filter(sektor=SEKTOR).values("familie_id"))
    )


def may_read(user: Any, familie: Familie) -> bool:
    return readable_families(user).filter(pk=familie.pk).exists()


def _denied(user: Any, familie: Familie | None) -> Http404:
    if familie is not None:
        audit.log(
            user=user,
            handling=audit.Handling.DENIED,
            formaal=audit.Formaal.SAGSBEHANDLING,
            familie=familie,
            objekt=familie,
            detaljer={"kontakt": True},
        )
    return Http404()


def staff_family(user: Any, pk: int) -> Familie:
    """A family whose thread the staff user may read, else 404 (the refusal is logged)."""
    familie = readable_families(user).select_related("projekt", "koordinator").filter(pk=pk).first()
    if familie is None:
        raise _denied(user, Familie.objects.filter(pk=pk).first())
    return familie


def portal_family(user: Any, pk: int) -> Familie:
    """The citizen's own family (the portal's rule), else 404."""
    return plan_selectors.portal_family(user, pk)


def messages_of(familie: Familie) -> QuerySet[Besked]:
    return (
        Besked.objects.filter(familie=familie)
        .select_related("afsender", "besvaret_af")
        .prefetch_related(Prefetch("vedhaeftninger", queryset=Vedhaeftning.objects.order_by("pk")))
        .order_by("sendt", "pk")
    )


def log_thread_read(user: Any, familie: Familie, *, portal: bool) -> None:
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
        detaljer={"kontakt": True, "portal": portal},
    )


def threads_for(user: Any) -> QuerySet[Traad]:
    """Threads the user may read: staff by the rule above, a citizen their own families'."""
    portal_ids = [f.pk for f in plan_selectors.portal_families(user)]
    return (
        Traad.objects.filter(
            Q(familie__in=readable_families(user).values("pk")) | Q(familie_id__in=portal_ids)
        )
        .select_related("familie")
        .order_by("-seneste_besked", "-pk")
    )


def thread_for(user: Any, pk: int) -> Traad:
    traad = threads_for(user).filter(pk=pk).first()
    if traad is None:
        target = Traad.objects.filter(pk=pk).select_related("familie").first()
        raise _denied(user, target.familie if target else None)
    return traad


def inbox(user: Any) -> QuerySet[Traad]:
    """Threads waiting for an answer in the families the user answers for, oldest wait first."""
    return (
        Traad.objects.filter(
            ubesvaret_siden__isnull=False,
            familie__in=adgang.families_for(user, adgang.CHANGE).values("pk"),
        )
        .select_related("familie")
        .order_by("ubesvaret_siden", "pk")
    )


def message_for(user: Any, pk: int) -> Besked:
    """A message the user may answer for (to turn into a follow-up or agreement): 404 where the
    thread is hidden, 403 where it is only readable."""
    besked = Besked.objects.select_related("familie__projekt").filter(pk=pk).first()
    if besked is None or not may_read(user, besked.familie):
        raise _denied(user, besked.familie if besked else None)
    if not adgang.can(user, adgang.CHANGE, besked.familie):
        raise PermissionDenied
    # The page shows the message's text: a read of the family's personal data.
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.SAGSBEHANDLING,
        familie=besked.familie,
        objekt=besked,
    )
    return besked


def attachment_for(user: Any, pk: int) -> Vedhaeftning:
    """An attachment of a thread the user may read (as family or staff), else 404."""
    vedhaeftning = Vedhaeftning.objects.select_related("familie").filter(pk=pk).first()
    if vedhaeftning is None:
        raise Http404
    familie = vedhaeftning.familie
    own = any(f.pk == familie.pk for f in plan_selectors.portal_families(user))
    if not own and not may_read(user, familie):
        raise _denied(user, familie)
    return vedhaeftning


def activities_for_followup(user: Any, familie: Familie) -> QuerySet[Indsats]:
    """The activities of the family's latest agreed version the user may follow up on."""
    from familieplan.services import latest_agreed

    version = latest_agreed(familie)
    if version is None:
        return Indsats.objects.none()
    return plan_selectors.activities_of(user, version, adgang.CHANGE)


def absences(projekt: Any, *, today: datetime.date | None = None) -> QuerySet[Fravaer]:
    """The project's current and coming absences, soonest first."""
    today = today or timezone.localdate()
    return (
        Fravaer.objects.filter(projekt=projekt, til__gte=today)
        .select_related("bruger", "stedfortraeder")
        .order_by("fra", "pk")
    )


def absence_for(projekt: Any, pk: int) -> Fravaer:
    """One absence of the project, else 404."""
    fravaer = (
        Fravaer.objects.select_related("bruger", "stedfortraeder")
        .filter(pk=pk, projekt=projekt)
        .first()
    )
    if fravaer is None:
        raise Http404
    return fravaer


def notifications_of(user: Any) -> QuerySet[Notifikation]:
    """The user's own in-app notifications, newest first."""
    return Notifikation.objects.filter(modtager=user).order_by("-oprettet", "-pk")


def staff_profile_of(user: Any) -> Medarbejder | None:
    """The user's staff profile (phone, hours); None for a family member."""
    return Medarbejder.objects.filter(bruger=user).first()


def notification_choice_of(user: Any) -> Notifikationsvalg | None:
    """The user's own choice of copies; None until they have saved one."""
    return Notifikationsvalg.objects.filter(bruger=user).first()


def response_times(
    projekt: Any, *, now: datetime.datetime | None = None, days: int = SVARTID_DAGE
) -> list[svartid.Svartid]:
    """Median hours to first answer per case manager, for family messages that began a wait
    in the last `days` days (one query; the rows are bounded by the window)."""
    now = now or timezone.now()
    rows = Besked.objects.filter(
        familie__projekt=projekt,
        venter_paa_svar=True,
        modtager__isnull=False,
        sendt__gte=now - datetime.timedelta(days=days),
        sendt__lte=now,
    ).values_list("modtager_id", "sendt", "besvaret")
    return svartid.per_case_manager(
        (bruger_id, sendt, besvaret if besvaret and besvaret <= now else None)
        for bruger_id, sendt, besvaret in rows
    )
