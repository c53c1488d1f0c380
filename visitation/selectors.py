"""Reads of the visitation across the permission boundary: filtered through kerne.adgang."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle
from visitation import regler
from visitation.models import (
    Dagsordenspunkt,
    Forloeb,
    Indstilling,
    Statusskift,
    Tildeling,
    Visitationsmoede,
)

User = get_user_model()
S = Familie.Status

# The board overview's columns, in the lifecycle's order.
BOARD_COLUMNS = [S.INDSTILLET, S.PAA_DAGSORDEN, S.VENTELISTE, S.AKTIV, S.AFSLUTTET]
COLUMN_SIZE = 10


def _referrals() -> QuerySet[Indstilling]:
    return Indstilling.objects.select_related(
        "familie__projekt", "forvaltning", "oprettet_af", "samtykke_givet_af"
    )


def referrals_for(
    user: Any, projekt: Projekt | None, *, status: str = "", mine: bool = False
) -> QuerySet[Indstilling]:
    """The referrals of the project on families the user may see, newest first."""
    if projekt is None:
        return Indstilling.objects.none()
    rows = adgang.visible(user, adgang.VIEW, _referrals()).filter(familie__projekt=projekt)
    if status == "kladde":
        rows = rows.filter(indsendt__isnull=True)
    elif status:
        rows = rows.filter(familie__status=status, indsendt__isnull=False)
    if mine:
        rows = rows.filter(oprettet_af=user)
    return rows.order_by("-oprettet", "-pk")


def referral_detail(user: Any, pk: int) -> Indstilling:
    """One referral with its agenda history; 404 when hidden; the read is logged."""
    indstilling = adgang.get_visible_or_404(
        user,
        _referrals().prefetch_related(
            Prefetch(
                "punkter",
                queryset=Dagsordenspunkt.objects.select_related("moede", "besluttet_af").order_by(
                    "moede__dato", "pk"
                ),
            ),
            Prefetch(
                "familie__medlemskaber",
                queryset=Familiemedlemskab.objects.filter(til__isnull=True)
                .select_related("person")
                .order_by("-rolle", "person__foedselsdato", "pk"),
            ),
        ),
        formaal=audit.Formaal.VISITATION,
        pk=pk,
    )
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.VISITATION,
        familie=indstilling.familie,
        objekt=indstilling,
    )
    return indstilling


def referable_families(user: Any, projekt: Projekt | None) -> QuerySet[Familie]:
    """Families the user may see that can be referred now (drafts, rejected, discharged)."""
    if projekt is None:
        return Familie.objects.none()
    return (
        adgang.families_for(user)
        .filter(projekt=projekt, status__in=[S.KLADDE, S.AFVIST, S.AFSLUTTET])
        .exclude(pk__in=Indstilling.objects.filter(lukket__isnull=True).values("familie_id"))
        .order_by("betegnelse", "pk")
    )


def adult_members(familie: Familie) -> QuerySet:
    """The family's current adults: who can give consent to the visitation."""
    return Person.objects.filter(
        medlemskaber__familie=familie,
        medlemskaber__til__isnull=True,
        medlemskaber__rolle=Familiemedlemskab.Rolle.VOKSEN,
    ).order_by("fornavn", "efternavn")


# --- Meetings ----------------------------------------------------------------------------------


def meetings_for(user: Any, projekt: Projekt | None) -> QuerySet[Visitationsmoede]:
    """The project leader sees every meeting of the project; a board member their own."""
    if projekt is None:
        return Visitationsmoede.objects.none()
    roller = adgang.roles_in(user, projekt)
    meetings = Visitationsmoede.objects.filter(projekt=projekt)
    if Rolle.PROJEKTLEDER not in roller:
        if Rolle.AFDELINGSLEDER not in roller:
            return Visitationsmoede.objects.none()
        meetings = meetings.filter(medlemmer=user)
    return meetings.annotate(
        antal_punkter=Count("punkter", distinct=True),
        antal_uafgjorte=Count("punkter", filter=Q(punkter__beslutning=""), distinct=True),
    ).order_by("-dato", "-pk")


@dataclass
class Punkt:
    """An agenda item as a page shows it: the family only where the user may see it."""

    punkt: Dagsordenspunkt
    synlig: bool
    ikke_opfyldte: list[str]


def meeting_detail(user: Any, projekt: Projekt | None, pk: int) -> tuple[Visitationsmoede, list]:
    """A meeting the user may see, with its items; a hidden family's name is not shown."""
    moede = (
        meetings_for(user, projekt)
        .select_related("projekt", "oprettet_af", "afsluttet_af")
        .prefetch_related("medlemmer")
        .filter(pk=pk)
        .first()
    )
    if moede is None:
        raise Http404
    items = list(
        moede.punkter.select_related(
            "familie", "indstilling__forvaltning", "indstilling__oprettet_af", "besluttet_af"
        ).order_by("raekkefoelge", "pk")
    )
    visible_ids = set(
        adgang.visible(user, adgang.VIEW, Dagsordenspunkt.objects.filter(moede=moede)).values_list(
            "pk", flat=True
        )
    )
    rows = [
        Punkt(
            punkt=item,
            synlig=item.pk in visible_ids,
            ikke_opfyldte=regler.unmet_criteria(
                {felt: getattr(item.indstilling, felt) for felt in regler.KRITERIE_FELTER}
            ),
        )
        for item in items
    ]
    audit.log_reads(
        user=user,
        formaal=audit.Formaal.VISITATION,
        familie_ids=[row.punkt.familie_id for row in rows if row.synlig],
    )
    return moede, rows


def agenda_candidates(user: Any, projekt: Projekt) -> QuerySet[Indstilling]:
    """Referrals that can go on an agenda: submitted, open, family referred or waiting."""
    return (
        referrals_for(user, projekt)
        .filter(
            indsendt__isnull=False,
            lukket__isnull=True,
            familie__status__in=[S.INDSTILLET, S.VENTELISTE],
        )
        .order_by("indsendt", "pk")
    )


def item_for(user: Any, pk: int, *, projekt: Projekt | None) -> Dagsordenspunkt:
    """An agenda item of a meeting the user may see; 404 otherwise."""
    item = (
        Dagsordenspunkt.objects.select_related("moede__projekt", "familie__projekt", "indstilling")
        .filter(pk=pk, moede__in=meetings_for(user, projekt).values("pk"))
        .first()
    )
    if item is None:
        raise Http404
    return item


# --- The board overview ------------------------------------------------------------------------


def board_overview(user: Any, projekt: Projekt | None) -> dict:
    """Counts per state and the first families of each column: a fixed number of queries."""
    if projekt is None:
        return {"kolonner": [], "aktive": 0, "maal": 0}
    familier = adgang.families_for(user).filter(projekt=projekt)
    counts = dict(
        familier.filter(status__in=BOARD_COLUMNS)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    referred = Indstilling.objects.filter(familie=OuterRef("pk"), indsendt__isnull=False).order_by(
        "-indsendt"
    )
    columns = []
    shown: list[int] = []
    for status in BOARD_COLUMNS:
        first = list(
            familier.filter(status=status)
            .select_related("koordinator")
            .annotate(indstillet=Subquery(referred.values("indsendt")[:1]))
            .order_by("indstillet", "betegnelse", "pk")[:COLUMN_SIZE]
        )
        shown += [familie.pk for familie in first]
        columns.append(
            {
                "status": status,
                "label": S(status).label,
                "antal": counts.get(status, 0),
                "familier": first,
            }
        )
    audit.log_reads(user=user, formaal=audit.Formaal.VISITATION, familie_ids=shown)
    return {
        "kolonner": columns,
        "aktive": counts.get(S.AKTIV, 0),
        "maal": projekt.maal_antal_familier,
    }


# --- Capacity, waiting list, deadlines ---------------------------------------------------------


@dataclass
class Kapacitetsraekke:
    koordinator: Any
    belastning: regler.Belastning


def capacity(projekt: Projekt | None) -> list[Kapacitetsraekke]:
    """Each case manager's active families against the project's capacity: two queries."""
    if projekt is None:
        return []
    koordinatorer = (
        User.objects.filter(projektroller__projekt=projekt, projektroller__rolle=Rolle.KOORDINATOR)
        .annotate(
            aktive=Count(
                "koordinerede_familier",
                filter=Q(
                    koordinerede_familier__projekt=projekt,
                    koordinerede_familier__status=S.AKTIV,
                ),
                distinct=True,
            )
        )
        .order_by("first_name", "last_name", "username")
    )
    return [
        Kapacitetsraekke(
            koordinator=user,
            belastning=regler.Belastning(
                aktive=user.aktive, kapacitet=projekt.kapacitet_pr_koordinator
            ),
        )
        for user in koordinatorer
    ]


def active_total(projekt: Projekt) -> int:
    return Familie.objects.filter(projekt=projekt, status=S.AKTIV).count()


def _with_referral_date(familier: QuerySet[Familie]) -> QuerySet[Familie]:
    first_open = Indstilling.objects.filter(
        familie=OuterRef("pk"), indsendt__isnull=False, lukket__isnull=True
    ).order_by("indsendt")
    return familier.annotate(
        indstillet=Subquery(first_open.values("indsendt")[:1]),
        indstilling_id=Subquery(first_open.values("pk")[:1]),
    )


def waiting_list(user: Any, projekt: Projekt | None) -> QuerySet[Familie]:
    """The waiting list in referral order (the longest wait first)."""
    if projekt is None:
        return Familie.objects.none()
    return _with_referral_date(
        adgang.families_for(user).filter(projekt=projekt, status=S.VENTELISTE)
    ).order_by("indstillet", "pk")


def awaiting_assignment(user: Any, projekt: Projekt | None) -> QuerySet[Familie]:
    """Admitted families without a case manager yet."""
    if projekt is None:
        return Familie.objects.none()
    return _with_referral_date(
        adgang.families_for(user).filter(projekt=projekt, status=S.OPTAGET)
    ).order_by("indstillet", "pk")


def deadlines(user: Any, projekt: Projekt | None) -> QuerySet[Forloeb]:
    """Open assessments, earliest deadline first: the case manager's own, or all for the leader."""
    if projekt is None:
        return Forloeb.objects.none()
    rows = adgang.visible(
        user,
        adgang.VIEW,
        Forloeb.objects.select_related("familie__koordinator").filter(
            familie__projekt=projekt,
            familie__status=S.AKTIV,
            afsluttet__isnull=True,
            udredning_afsluttet__isnull=True,
        ),
    )
    if Rolle.PROJEKTLEDER not in adgang.roles_in(user, projekt):
        rows = rows.filter(familie__koordinator=user)
    return rows.order_by("udredningsfrist", "pk")


def with_deadline_state(rows, today: date) -> list[dict]:
    return [
        {"forloeb": row, "tilstand": regler.deadline_state(frist=row.udredningsfrist, today=today)}
        for row in rows
    ]


# --- A family's timeline -----------------------------------------------------------------------


def family_for_visitation(user: Any, pk: int, *, action: str = adgang.VIEW) -> Familie:
    return adgang.get_visible_or_404(
        user,
        Familie.objects.select_related("projekt", "koordinator"),
        action=action,
        formaal=audit.Formaal.VISITATION,
        pk=pk,
    )


def timeline(user: Any, pk: int) -> dict:
    """Everything the visitation knows about one family's way through the project."""
    familie = family_for_visitation(user, pk)
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.VISITATION,
        familie=familie,
        objekt=familie,
    )
    return {
        "familie": familie,
        "skift": list(
            Statusskift.objects.filter(familie=familie)
            .select_related("udfoert_af")
            .order_by("tidspunkt", "pk")
        ),
        "forloeb": list(
            Forloeb.objects.filter(familie=familie)
            .select_related("afsluttet_af")
            .order_by("-optaget", "-pk")
        ),
        "indstillinger": list(
            Indstilling.objects.filter(familie=familie)
            .select_related("oprettet_af", "forvaltning")
            .prefetch_related(
                Prefetch(
                    "punkter",
                    queryset=Dagsordenspunkt.objects.select_related("moede", "besluttet_af"),
                )
            )
            .order_by("-oprettet", "-pk")
        ),
        "tildelinger": list(
            Tildeling.objects.filter(familie=familie)
            .select_related("koordinator", "tildelt_af")
            .order_by("-tidspunkt", "-pk")
        ),
    }
