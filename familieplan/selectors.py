"""Reads of the family plan across the permission boundary: filtered for the user already.

Staff read through kerne.adgang (family-level parts by the family grant, activities and
sector-plan links by their sector). Two readers have no kernel grant, on purpose:
- a family member reads their own family in the portal (a check on Person.bruger here);
- a professional named in the stafetlog, whom the parents let read it, reads the stafetlog
  and nothing else. A kernel grant source would give them the family level (the overview with
  members, consents, department cases, goals): more than the law and the parents allow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieplan import collisions, diff, frister
from familieplan.models import (
    Aftale,
    Aktoer,
    Beslutning,
    Frist,
    Indsats,
    Maal,
    Maalopfoelgning,
    Moededeltager,
    Opfoelgning,
    Paamindelse,
    PlanIndstilling,
    Planversion,
    Sektorplan,
    Stafetmoede,
)
from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Medarbejder, Person, Projekt, Rolle, Sektor

Formaal = audit.Formaal
DUE_HORIZON_DAYS = 7


# --- Plan and versions (staff) ----------------------------------------------------------------


def family_for_plan(user: Any, pk: int) -> Familie:
    """A family the user may see, for the plan pages; 404 (logged) otherwise."""
    return adgang.get_visible_or_404(
        user, Familie.objects.select_related("projekt", "koordinator"), pk=pk
    )


def versions_of(user: Any, familie: Familie) -> list[Planversion]:
    return list(
        adgang.visible(
            user,
            adgang.VIEW,
            Planversion.objects.filter(familie=familie).select_related("aftalt_registreret_af"),
        ).order_by("-nummer")
    )


def version_for(user: Any, pk: int, action: str = adgang.VIEW) -> Planversion:
    return adgang.get_visible_or_404(
        user,
        Planversion.objects.select_related("familie__projekt", "familie__koordinator"),
        action=action,
        pk=pk,
    )


def activities_of(user: Any, version: Planversion, action: str = adgang.VIEW) -> QuerySet[Indsats]:
    """The version's activities in the sectors the user may see (or change)."""
    return adgang.visible(
        user,
        action,
        Indsats.objects.filter(version=version)
        .select_related("sagsdel", "faelles_maal")
        .prefetch_related(Prefetch("personer", queryset=Person.objects.order_by("fornavn", "pk"))),
    ).order_by("raekkefoelge", "startdato", "pk")


def sector_plans_of(user: Any, version: Planversion) -> QuerySet[Sektorplan]:
    return adgang.visible(
        user, adgang.VIEW, Sektorplan.objects.filter(version=version).select_related("sagsdel")
    ).order_by("dato", "pk")


def goals_of(version: Planversion) -> QuerySet[Maal]:
    """Family-level: whoever may see the version may see its goals."""
    return Maal.objects.filter(version=version).order_by("raekkefoelge", "pk")


def budgets_for(familie: Familie) -> dict[int, Decimal]:
    """Each current member's weekly hours budget (adult or child) from the project's settings."""
    indstilling = PlanIndstilling.objects.filter(projekt_id=familie.projekt_id).first()
    voksen = indstilling.ugebudget_voksen if indstilling else PlanIndstilling.DEFAULT_VOKSEN
    barn = indstilling.ugebudget_barn if indstilling else PlanIndstilling.DEFAULT_BARN
    return {
        person_id: Decimal(voksen if rolle == Familiemedlemskab.Rolle.VOKSEN else barn)
        for person_id, rolle in Familiemedlemskab.objects.filter(
            familie=familie, til__isnull=True
        ).values_list("person_id", "rolle")
    }


def as_aktivitet(indsats: Indsats) -> collisions.Aktivitet:
    return collisions.Aktivitet(
        key=indsats.pk,
        titel=indsats.titel,
        person_ids=tuple(p.pk for p in indsats.personer.all()),
        sektor=indsats.sagsdel.sektor,
        art=indsats.art,
        start=indsats.startdato,
        slut=indsats.slutdato,
        timer=Decimal(indsats.timer_pr_uge),
    )


@dataclass
class Advarsel:
    """A collision described for the page: the kind, the person, the activities' titles."""

    kollision: collisions.Kollision
    person: str
    titler: list[str]


def warnings_for(
    familie: Familie, indsatser: list[Indsats], extra: collisions.Aktivitet | None = None
) -> list[Advarsel]:
    """Collisions among the activities shown (never hidden sectors' activities: they would leak
    that such an activity exists). `extra` is an activity being edited, not yet saved."""
    aktiviteter = [as_aktivitet(i) for i in indsatser if extra is None or i.pk != extra.key]
    if extra is not None:
        aktiviteter.append(extra)
    found = collisions.find_collisions(aktiviteter, budgets_for(familie))
    titles = {a.key: a.titel for a in aktiviteter}
    names = dict(
        Familiemedlemskab.objects.filter(familie=familie)
        .values_list("person_id", "person__fornavn")
        .order_by("pk")
    )
    return [Advarsel(k, names.get(k.person_id, ""), [titles[key] for key in k.keys]) for k in found]


@dataclass
class Planvisning:
    """Everything a version's page shows, already filtered for the user."""

    familie: Familie
    version: Planversion
    maal: list[Maal]
    indsatser: list[Indsats]
    sektorplaner: list[Sektorplan]
    advarsler: list[Advarsel]
    synlige_sektorer: list[str]
    kan_aendre_familie: bool = False
    aendrbare_sektorer: list[str] = field(default_factory=list)
    skemaer: dict[int, list[datetime.date]] = field(default_factory=dict)
    frister: dict[int, datetime.date] = field(default_factory=dict)


def version_view(
    user: Any, version: Planversion, *, formaal: str = Formaal.SAGSBEHANDLING
) -> Planvisning:
    """One version as the user may see it; the read is logged with the sectors shown."""
    familie = version.familie
    indsatser = list(activities_of(user, version))
    synlige = adgang.sectors_for(user, familie)
    visning = Planvisning(
        familie=familie,
        version=version,
        maal=list(goals_of(version)),
        indsatser=indsatser,
        sektorplaner=list(sector_plans_of(user, version)),
        advarsler=warnings_for(familie, indsatser),
        synlige_sektorer=synlige,
        kan_aendre_familie=adgang.may_change_family(user, familie),
        aendrbare_sektorer=adgang.sectors_for(user, familie, adgang.CHANGE),
        skemaer={
            i.pk: frister.schedule(start=i.startdato, slut=i.slutdato, kadence=i.kadence)
            for i in indsatser
        },
        frister=dict(
            Frist.objects.filter(indsats__in=[i.pk for i in indsatser]).values_list(
                "indsats_id", "forfald"
            )
        ),
    )
    for indsats in indsatser:
        indsats.skema = visning.skemaer[indsats.pk]
        indsats.naeste_frist = visning.frister.get(indsats.pk)
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=formaal,
        familie=familie,
        objekt=version,
        detaljer={"sektorer": sorted({i.sagsdel.sektor for i in indsatser})},
    )
    return visning


def activity_for(user: Any, pk: int, action: str = adgang.VIEW) -> Indsats:
    return adgang.get_visible_or_404(
        user,
        Indsats.objects.select_related("version__familie__projekt", "sagsdel", "faelles_maal"),
        action=action,
        pk=pk,
    )


def goal_for(user: Any, pk: int, action: str = adgang.VIEW) -> Maal:
    return adgang.get_visible_or_404(
        user, Maal.objects.select_related("version__familie__projekt"), action=action, pk=pk
    )


def sector_plan_for(user: Any, pk: int, action: str = adgang.VIEW) -> Sektorplan:
    return adgang.get_visible_or_404(
        user,
        Sektorplan.objects.select_related("version__familie__projekt", "sagsdel"),
        action=action,
        pk=pk,
    )


def followups_of_activity(user: Any, indsats: Indsats) -> QuerySet[Opfoelgning]:
    """Every follow-up of the activity's lineage (across versions), newest first."""
    return adgang.visible(
        user,
        adgang.VIEW,
        Opfoelgning.objects.filter(noegle=indsats.noegle).select_related("registreret_af"),
    )


def followups_of_goal(user: Any, maal: Maal) -> QuerySet[Maalopfoelgning]:
    return adgang.visible(
        user,
        adgang.VIEW,
        Maalopfoelgning.objects.filter(noegle=maal.noegle).select_related("registreret_af"),
    )


# Fields compared between versions, in the order the diff page lists them.
DIFF_FIELDS = [
    "titel",
    "sektor",
    "art",
    "personer",
    "faelles_maal",
    "maal",
    "maalopfyldelse",
    "tilbud",
    "leverandoer",
    "startdato",
    "slutdato",
    "timer_pr_uge",
    "lovgrundlag",
    "kadence",
    "opfoelgningsform",
    "konsekvens_ved_udeblivelse",
    "ansvarlig",
    "synlig_for_familien",
]
GOAL_DIFF_FIELDS = ["titel", "maalopfyldelse"]


def _activity_row(indsats: Indsats) -> dict:
    return {
        "titel": indsats.titel,
        "sektor": Sektor(indsats.sagsdel.sektor).label,
        "art": indsats.get_art_display(),
        "personer": ", ".join(p.fornavn for p in indsats.personer.all()),
        "faelles_maal": indsats.faelles_maal.titel if indsats.faelles_maal else "",
        "maal": indsats.maal,
        "maalopfyldelse": indsats.maalopfyldelse,
        "tilbud": indsats.tilbud,
        "leverandoer": indsats.leverandoer,
        "startdato": indsats.startdato,
        "slutdato": indsats.slutdato,
        "timer_pr_uge": indsats.timer_pr_uge,
        "lovgrundlag": indsats.lovgrundlag,
        "kadence": indsats.get_kadence_display(),
        "opfoelgningsform": indsats.opfoelgningsform,
        "konsekvens_ved_udeblivelse": indsats.konsekvens_ved_udeblivelse,
        "ansvarlig": indsats.ansvarlig,
        "synlig_for_familien": indsats.synlig_for_familien,
    }


def versions_diff(
    user: Any, foer: Planversion, efter: Planversion
) -> tuple[diff.Forskel, diff.Forskel]:
    """(activities, goals) changed from one version to another, within the user's sectors."""
    if foer.familie_id != efter.familie_id:
        raise Http404
    activities = diff.compare(
        {i.noegle: _activity_row(i) for i in activities_of(user, foer)},
        {i.noegle: _activity_row(i) for i in activities_of(user, efter)},
        DIFF_FIELDS,
    )
    goals = diff.compare(
        {m.noegle: {"titel": m.titel, "maalopfyldelse": m.maalopfyldelse} for m in goals_of(foer)},
        {m.noegle: {"titel": m.titel, "maalopfyldelse": m.maalopfyldelse} for m in goals_of(efter)},
        GOAL_DIFF_FIELDS,
    )
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=Formaal.SAGSBEHANDLING,
        familie=foer.familie_id,
        projekt_id=foer.familie.projekt_id,
        objekt=efter,
        detaljer={"sammenlignet_med": foer.pk},
    )
    return activities, goals


# --- To-do: follow-ups due ------------------------------------------------------------------------


def followups_due(
    user: Any, *, today: datetime.date | None = None, horizon_days: int = DUE_HORIZON_DAYS
) -> QuerySet[Frist]:
    """Follow-ups due within the horizon or overdue, of activities the user may change.

    For other apps too (the case manager's start page): rows carry `indsats` (with its
    `sagsdel.familie`) and `forfald`; `forfald < today` means overdue.
    """
    today = today or timezone.localdate()
    return adgang.visible(
        user,
        adgang.CHANGE,
        Frist.objects.filter(
            forfald__lte=today + datetime.timedelta(days=horizon_days),
            sagsdel__familie__status=Familie.Status.AKTIV,
        ).select_related("indsats", "sagsdel__familie"),
    ).order_by("forfald", "sagsdel__familie__betegnelse", "pk")


def reminders_unseen(user: Any) -> QuerySet[Paamindelse]:
    """The user's own reminders not yet seen (their own rows: no family data beyond a count)."""
    return Paamindelse.objects.filter(bruger=user, set__isnull=True)


# --- Stafetlog -------------------------------------------------------------------------------


@dataclass
class Stafetlogvisning:
    familie: Familie
    aktoerer: list[Aktoer]
    aftaler: list[Aftale]
    naeste_moede: Stafetmoede | None
    seneste_moede: Stafetmoede | None
    kan_aendre: bool = False


def _stafetlog(familie: Familie) -> Stafetlogvisning:
    now = timezone.now()
    moeder = Stafetmoede.objects.filter(familie=familie)
    return Stafetlogvisning(
        familie=familie,
        aktoerer=list(
            Aktoer.objects.filter(familie=familie, ophoert__isnull=True).select_related("bruger")
        ),
        aftaler=list(
            Aftale.objects.filter(familie=familie)
            .select_related("moede")
            .order_by("status", "frist", "pk")
        ),
        naeste_moede=moeder.filter(tidspunkt__gte=now).order_by("tidspunkt").first(),
        seneste_moede=moeder.filter(tidspunkt__lt=now).order_by("-tidspunkt").first(),
    )


def stafetlog_families_for(user: Any) -> QuerySet[Familie]:
    """Families whose stafetlog a named professional may read, by the parents' decision."""
    if not getattr(user, "is_authenticated", False):
        return Familie.objects.none()
    return Familie.objects.filter(
        pk__in=Aktoer.objects.filter(bruger=user, maa_laese=True, ophoert__isnull=True).values(
            "familie_id"
        )
    ).exclude(status=Familie.Status.AFSLUTTET)


def stafetlog_for(user: Any, pk: int) -> Stafetlogvisning:
    """The stafetlog of a family: for staff who see the family, and for named professionals
    the parents let read it. 404 (logged) for anyone else; the read is logged."""
    familie = (
        Familie.objects.filter(pk=pk)
        .filter(
            Q(pk__in=adgang.families_for(user).values("pk"))
            | Q(pk__in=stafetlog_families_for(user).values("pk"))
        )
        .select_related("projekt", "koordinator")
        .first()
    )
    if familie is None:
        adgang.get_visible_or_404(user, Familie.objects.all(), pk=pk)  # logs and raises
        raise Http404
    visning = _stafetlog(familie)
    visning.kan_aendre = adgang.may_change_family(user, familie)
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        objekt=familie,
        detaljer={"stafetlog": True},
    )
    return visning


def actor_for(user: Any, pk: int) -> Aktoer:
    return adgang.get_visible_or_404(user, Aktoer.objects.select_related("familie__projekt"), pk=pk)


def agreement_for(user: Any, pk: int) -> Aftale:
    return adgang.get_visible_or_404(user, Aftale.objects.select_related("familie__projekt"), pk=pk)


def meetings_of(familie: Familie) -> QuerySet[Stafetmoede]:
    return Stafetmoede.objects.filter(familie=familie).order_by("-tidspunkt")


def professionals_of(projekt: Projekt) -> QuerySet:
    """The project's users who may be named as a professional with an account."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(projektroller__projekt=projekt)
        .exclude(projektroller__rolle__in=[Rolle.BORGER, Rolle.EVALUATOR])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def adults_of(familie: Familie) -> QuerySet[Person]:
    return Person.objects.filter(
        medlemskaber__familie=familie,
        medlemskaber__til__isnull=True,
        medlemskaber__rolle=Familiemedlemskab.Rolle.VOKSEN,
    ).order_by("fornavn", "pk")


def members_of(familie: Familie) -> QuerySet[Person]:
    return (
        Person.objects.filter(medlemskaber__familie=familie, medlemskaber__til__isnull=True)
        .order_by("medlemskaber__rolle", "fornavn", "pk")
        .distinct()
    )


# --- The family portal ------------------------------------------------------------------------


def _age(born: datetime.date | None, today: datetime.date) -> int:
    if born is None:
        return 0
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def portal_families(user: Any) -> list[Familie]:
    """The families whose portal the signed-in citizen may open: their own current membership,
    as an adult or a young person of 15 or more, of a family not discharged."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    medlemskaber = (
        Familiemedlemskab.objects.filter(person__bruger=user, fra__lte=today)
        .filter(Q(til__isnull=True) | Q(til__gte=today))
        .exclude(familie__status=Familie.Status.AFSLUTTET)
        .select_related("familie", "person")
        .order_by("familie__betegnelse", "familie_id")
    )
    return [
        m.familie
        for m in medlemskaber
        if m.rolle == Familiemedlemskab.Rolle.VOKSEN or _age(m.person.foedselsdato, today) >= 15
    ]


@dataclass
class Portalvisning:
    familie: Familie
    version: Planversion | None
    maal: list[Maal]
    indsatser: list[Indsats]
    stafetlog: Stafetlogvisning
    kontakt: Any
    kontakt_telefon: str
    skemaer: dict[int, list[datetime.date]] = field(default_factory=dict)
    moeder: list[Stafetmoede] = field(default_factory=list)


def portal_family(user: Any, pk: int) -> Familie:
    """The citizen's own family, else 404: a refused attempt is logged like any other."""
    familie = next((f for f in portal_families(user) if f.pk == pk), None)
    if familie is None:
        target = Familie.objects.filter(pk=pk).first()
        if target is not None:
            audit.log(
                user=user,
                handling=audit.Handling.DENIED,
                formaal=Formaal.SAGSBEHANDLING,
                familie=target,
                objekt=target,
                detaljer={"portal": True},
            )
        raise Http404
    return familie


def family_copy_activities(version: Planversion) -> QuerySet[Indsats]:
    """The activities of a version the family may see: those marked visible to the family."""
    return (
        Indsats.objects.filter(version=version, synlig_for_familien=True)
        .select_related("sagsdel", "faelles_maal")
        .prefetch_related(Prefetch("personer", queryset=Person.objects.order_by("fornavn", "pk")))
        .order_by("raekkefoelge", "startdato", "pk")
    )


def portal_view(user: Any, pk: int) -> Portalvisning:
    """The portal of the citizen's family: the latest agreed plan (the family's copy), the
    stafetlog, the next meeting, the contact person. Every read is logged."""
    familie = portal_family(user, pk)
    familie = Familie.objects.select_related("koordinator", "projekt").get(pk=familie.pk)
    version = (
        Planversion.objects.filter(familie=familie, status=Planversion.Status.AFTALT)
        .order_by("-nummer")
        .first()
    )
    indsatser = list(family_copy_activities(version)) if version else []
    telefon = ""
    if familie.koordinator_id:
        telefon = (
            Medarbejder.objects.filter(bruger_id=familie.koordinator_id)
            .values_list("telefon", flat=True)
            .first()
            or ""
        )
    person_id = Person.objects.filter(bruger=user).values_list("pk", flat=True).first()
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=Formaal.SAGSBEHANDLING,
        familie=familie,
        person=person_id,
        objekt=version or familie,
        detaljer={"portal": True},
    )
    return Portalvisning(
        familie=familie,
        version=version,
        maal=list(goals_of(version)) if version else [],
        indsatser=indsatser,
        stafetlog=_stafetlog(familie),
        kontakt=familie.koordinator,
        kontakt_telefon=telefon,
        skemaer={
            i.pk: frister.schedule(start=i.startdato, slut=i.slutdato, kadence=i.kadence)
            for i in indsatser
        },
        moeder=portal_meetings(familie),
    )


# --- Lists for the API ---------------------------------------------------------------------


def plans_for(user: Any) -> QuerySet[Familie]:
    """Families the user may see that have a plan, with their latest agreed and draft numbers."""
    agreed = Planversion.objects.filter(familie=OuterRef("pk"), status=Planversion.Status.AFTALT)
    draft = Planversion.objects.filter(familie=OuterRef("pk"), status=Planversion.Status.KLADDE)
    return (
        adgang.families_for(user)
        .annotate(antal_versioner=Count("planversioner"))
        .filter(antal_versioner__gt=0)
        .annotate(
            seneste_aftalte=Subquery(agreed.order_by("-nummer").values("pk")[:1]),
            kladde=Subquery(draft.values("pk")[:1]),
            seneste_nummer=Max("planversioner__nummer"),
        )
        .order_by("betegnelse", "pk")
    )


def plan_list(user: Any, *, projekt: Projekt | None = None) -> QuerySet[Familie]:
    """Every family the user may see (of the active project), with its plan's state."""
    familier = plans_for_all(user)
    if projekt is not None:
        familier = familier.filter(projekt=projekt)
    return familier


def plans_for_all(user: Any) -> QuerySet[Familie]:
    agreed = Planversion.objects.filter(familie=OuterRef("pk"), status=Planversion.Status.AFTALT)
    draft = Planversion.objects.filter(familie=OuterRef("pk"), status=Planversion.Status.KLADDE)
    return (
        adgang.families_for(user)
        .select_related("koordinator")
        .annotate(
            seneste_aftalte_nummer=Subquery(agreed.order_by("-nummer").values("nummer")[:1]),
            seneste_aftalte_dato=Subquery(agreed.order_by("-nummer").values("aftalt_dato")[:1]),
            kladde_nummer=Subquery(draft.values("nummer")[:1]),
        )
        .order_by("betegnelse", "pk")
    )


DIFF_LABELS = {
    "titel": _("Indsats"),
    "sektor": _("Sektor"),
    "art": _("Art"),
    "personer": _("Personer"),
    "faelles_maal": _("Fælles mål"),
    "maal": _("Mål"),
    "maalopfyldelse": _("Sådan ser vi, at målet er nået"),
    "tilbud": _("Tilbud"),
    "leverandoer": _("Leverandør"),
    "startdato": _("Startdato"),
    "slutdato": _("Slutdato"),
    "timer_pr_uge": _("Timer pr. uge"),
    "lovgrundlag": _("Lovgrundlag"),
    "kadence": _("Opfølgning, hvor ofte"),
    "opfoelgningsform": _("Opfølgning, hvordan"),
    "konsekvens_ved_udeblivelse": _("Konsekvens ved udeblivelse"),
    "ansvarlig": _("Ansvarlig fagperson"),
    "synlig_for_familien": _("Synlig for familien"),
}


# --- PDF documents ----------------------------------------------------------------------------

PDF_STAFF = "familieplan"
PDF_FAMILY = "familieplan_familie"


def staff_document_key(user: Any, version: Planversion) -> str:
    """A staff copy holds the sectors its reader may see: one cached PDF per version and set of
    sectors, so two readers with the same sight share it and nobody gets a hidden sector."""
    return f"{version.pk}:{'+'.join(adgang.sectors_for(user, version.familie))}"


def version_document(user: Any, version: Planversion | None, *, kopi: str):
    """The PDF already ordered for this version (the staff copy for the user, or the family's
    copy), or None."""
    from kerne.models import Dokument

    if version is None or version.er_kladde:
        return None
    if kopi == "familie":
        kind, key = PDF_FAMILY, str(version.pk)
    else:
        kind, key = PDF_STAFF, staff_document_key(user, version)
    return Dokument.objects.filter(kind=kind, noegle=key).first()


# --- Meetings with the family -----------------------------------------------------------------
#
# A meeting is part of the stafetlog: staff who see the family and the professionals the
# parents let read the stafetlog may read it; the family reads it in the portal. The internal
# note and decisions hidden from the family are for staff who see the family only.

MEETINGS_IN_PORTAL = 20


def meeting_for(user: Any, pk: int, *, action: str = adgang.VIEW) -> Stafetmoede:
    """A meeting of a family whose stafetlog the user reads; 404 (logged) otherwise. To
    change it, the user must be allowed to change the family (else 403)."""
    moede = (
        Stafetmoede.objects.filter(pk=pk)
        .filter(
            Q(familie__in=adgang.families_for(user).values("pk"))
            | Q(familie__in=stafetlog_families_for(user).values("pk"))
        )
        .select_related("familie__projekt", "familie__koordinator", "naeste_moede", "bekraeftet_af")
        .first()
    )
    if moede is None:
        adgang.get_visible_or_404(user, Stafetmoede.objects.all(), pk=pk)  # logs and raises
        raise Http404
    if action == adgang.CHANGE and not adgang.may_change_family(user, moede.familie):
        raise PermissionDenied
    return moede


def meetings_of_family(user: Any, pk: int) -> tuple[Familie, QuerySet[Stafetmoede]]:
    """A family's meetings, newest first, for a reader of its stafetlog (404 otherwise)."""
    familie = stafetlog_for_family(user, pk)
    return familie, (
        Stafetmoede.objects.filter(familie=familie)
        .select_related("bekraeftet_af")
        .annotate(antal_aftaler=Count("aftaler", distinct=True))
        .order_by("-tidspunkt", "-pk")
    )


def meetings_for_professional(user: Any) -> QuerySet[Stafetmoede]:
    """The meetings of the families whose stafetlog a named professional reads, newest first."""
    return (
        Stafetmoede.objects.filter(familie__in=stafetlog_families_for(user).values("pk"))
        .select_related("familie")
        .order_by("-tidspunkt", "-pk")
    )


def stafetlog_for_family(user: Any, pk: int) -> Familie:
    familie = (
        Familie.objects.filter(pk=pk)
        .filter(
            Q(pk__in=adgang.families_for(user).values("pk"))
            | Q(pk__in=stafetlog_families_for(user).values("pk"))
        )
        .select_related("projekt", "koordinator")
        .first()
    )
    if familie is None:
        adgang.get_visible_or_404(user, Familie.objects.all(), pk=pk)
        raise Http404
    return familie


@dataclass
class Moedevisning:
    """One meeting as a page shows it. `for_familien`: only what the family may see."""

    moede: Stafetmoede
    familie: Familie
    for_familien: bool
    deltagere: list[Moededeltager]
    aftaler: list[Aftale]
    beslutninger: list[Beslutning]
    naeste_moede: Stafetmoede | None

    @property
    def beslutninger_uden_aftale(self) -> list[Beslutning]:
        """Decisions that did not become an agreement (those show among the agreements)."""
        return [b for b in self.beslutninger if b.aftale_id is None]


def meeting_content(moede: Stafetmoede, *, for_familien: bool) -> Moedevisning:
    """The meeting's minutes in five queries whatever their size. With for_familien the
    internal note is blanked and decisions hidden from the family (or whose activity is) are
    left out."""
    beslutninger = Beslutning.objects.filter(moede=moede).select_related("indsats", "aftale")
    if for_familien:
        beslutninger = beslutninger.filter(synlig_for_familien=True).exclude(
            indsats__synlig_for_familien=False
        )
        moede.intern_note = ""
    return Moedevisning(
        moede=moede,
        familie=moede.familie,
        for_familien=for_familien,
        deltagere=list(
            Moededeltager.objects.filter(moede=moede)
            .select_related("person", "aktoer")
            .order_by("aktoer_id", "person__fornavn", "pk")
        ),
        aftaler=list(Aftale.objects.filter(moede=moede).order_by("pk")),
        beslutninger=list(beslutninger.order_by("oprettet", "pk")),
        naeste_moede=moede.naeste_moede,
    )


def _log_minutes(user: Any, moede: Stafetmoede, **detaljer: Any) -> None:
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=Formaal.SAGSBEHANDLING,
        familie=moede.familie,
        objekt=moede,
        detaljer={"referat": True, **detaljer},
    )


def meeting_view(user: Any, pk: int, *, screen: bool = False) -> Moedevisning:
    """A meeting for staff and named professionals; the read of its minutes is logged. Only
    staff who see the family get the internal note; the meeting screen never does."""
    moede = meeting_for(user, pk)
    staff = adgang.can(user, adgang.VIEW, moede.familie)
    visning = meeting_content(moede, for_familien=screen or not staff)
    _log_minutes(user, moede, skaerm=screen)
    return visning


def portal_meetings(familie: Familie) -> list[Stafetmoede]:
    """The meetings held with the family, newest first, for the portal's list of minutes."""
    return list(
        Stafetmoede.objects.filter(familie=familie, tidspunkt__lte=timezone.now())
        .select_related("bekraeftet_af")
        .order_by("-tidspunkt", "-pk")[:MEETINGS_IN_PORTAL]
    )


def portal_meeting(user: Any, pk: int) -> Moedevisning:
    """A meeting's minutes in the citizen's portal: their own family only (404, logged)."""
    moede = (
        Stafetmoede.objects.filter(pk=pk)
        .select_related("familie__projekt", "naeste_moede", "bekraeftet_af")
        .first()
    )
    if moede is None:
        raise Http404
    portal_family(user, moede.familie_id)
    visning = meeting_content(moede, for_familien=True)
    _log_minutes(user, moede, portal=True)
    return visning


def meeting_document(moede: Stafetmoede):
    """The minutes PDF already ordered for the meeting as it stands now, or None."""
    from familieplan import moede_pdf
    from kerne.models import Dokument

    return Dokument.objects.filter(
        kind=moede_pdf.KIND, noegle=f"{moede.pk}:{moede.revision}"
    ).first()
