"""Reads of the family's network across the permission boundary.

The partner catalogue is a municipality's list of organisations: staff of a project in that
municipality read it. Links from a family's data lie in the family's Sagsdel and are read
through kerne.adgang.visible. The statistics are aggregates for the project leader: counts,
never names (DOMAIN.md: reports aggregate in the database; here a bounded number of queries
per project, counted in netvaerk.statistik).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from familieplan.models import Aktoer, Indsats, Planversion
from investering.models import Omkostningstype
from kerne import adgang
from kerne.models import Familie, Familiemedlemskab, Person, Projekt, Rolle
from netvaerk import statistik
from netvaerk.models import Fritidstilknytning, Indsatspartner, Mentor, Partner, Tilbud

STAFF_ROLES = tuple(r for r in Rolle.values if r not in (Rolle.BORGER, Rolle.EVALUATOR))
LEISURE_CODES = ("fritidsaktivitet", "fritidsjob")


def _require_staff(user: Any, projekt: Projekt | None) -> Projekt:
    if projekt is None or not set(STAFF_ROLES) & set(adgang.roles_in(user, projekt)):
        raise PermissionDenied
    return projekt


def partners_for(
    user: Any, projekt: Projekt | None, *, q: str = "", art: str = "", tilbudsart: str = ""
) -> QuerySet[Partner]:
    """The municipality's partners, for staff of one of its projects; with their offer count."""
    projekt = _require_staff(user, projekt)
    partnere = Partner.objects.filter(kommune_id=projekt.kommune_id)
    if q:
        partnere = partnere.filter(Q(navn__icontains=q) | Q(tilbud__titel__icontains=q))
    if art:
        partnere = partnere.filter(art=art)
    if tilbudsart:
        partnere = partnere.filter(tilbud__art=tilbudsart, tilbud__aktiv=True)
    return (
        partnere.annotate(antal_tilbud=Count("tilbud", filter=Q(tilbud__aktiv=True), distinct=True))
        .distinct()
        .order_by("-aktiv", "navn", "pk")
    )


def partner_for(user: Any, projekt: Projekt | None, pk: int) -> Partner:
    projekt = _require_staff(user, projekt)
    partner = (
        Partner.objects.filter(pk=pk, kommune_id=projekt.kommune_id)
        .prefetch_related(
            Prefetch("tilbud", queryset=Tilbud.objects.select_related("omkostningstype")),
            "samarbejdsaftaler",
            Prefetch("mentorer", queryset=Mentor.objects.select_related("bruger")),
        )
        .first()
    )
    if partner is None:
        raise Http404
    return partner


def offer_for(user: Any, projekt: Projekt | None, pk: int) -> Tilbud:
    projekt = _require_staff(user, projekt)
    tilbud = (
        Tilbud.objects.filter(pk=pk, partner__kommune_id=projekt.kommune_id)
        .select_related("partner")
        .first()
    )
    if tilbud is None:
        raise Http404
    return tilbud


def offers_for(user: Any, projekt: Projekt | None) -> QuerySet[Tilbud]:
    projekt = _require_staff(user, projekt)
    return Tilbud.objects.filter(partner__kommune_id=projekt.kommune_id).select_related("partner")


def catalogue_of(familie: Familie) -> tuple[QuerySet[Partner], QuerySet[Tilbud]]:
    """Active partners and offers of the family's municipality, for a link form's choices."""
    kommune_id = familie.projekt.kommune_id
    return (
        Partner.objects.filter(kommune_id=kommune_id, aktiv=True).order_by("navn"),
        Tilbud.objects.filter(partner__kommune_id=kommune_id, aktiv=True)
        .select_related("partner")
        .order_by("partner__navn", "titel"),
    )


def cost_type_choices(projekt: Projekt) -> QuerySet[Omkostningstype]:
    """The municipality's cost types by name, for an offer's or a fee's choices."""
    return Omkostningstype.objects.filter(kommune_id=projekt.kommune_id).order_by("navn")


def mentor_candidates(projekt: Projekt) -> QuerySet:
    """The project's professionals who are not a mentor yet (a user is at most one mentor)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(projektroller__projekt=projekt, projektroller__rolle=Rolle.FAGPERSON)
        .filter(mentor__isnull=True)
        .distinct()
        .order_by("first_name", "username")
    )


def active_mentors_for(familie: Familie) -> QuerySet[Mentor]:
    return Mentor.objects.filter(
        partner__kommune_id=familie.projekt.kommune_id, aktiv=True
    ).select_related("partner")


def children_of(familie: Familie) -> QuerySet[Person]:
    return Person.objects.filter(
        medlemskaber__familie=familie,
        medlemskaber__til__isnull=True,
        medlemskaber__rolle=Familiemedlemskab.Rolle.BARN,
    ).order_by("fornavn", "pk")


def active_actors_of(familie: Familie) -> QuerySet[Aktoer]:
    return Aktoer.objects.filter(familie=familie, ophoert__isnull=True)


def newest_version(familie: Familie) -> Planversion | None:
    """The draft if there is one, else the latest agreed version: drafts always number highest."""
    return Planversion.objects.filter(familie=familie).order_by("-nummer").first()


def draft_of(familie: Familie) -> Planversion | None:
    return Planversion.objects.filter(familie=familie, status=Planversion.Status.KLADDE).first()


def activity_link(user: Any, indsats: Indsats) -> Indsatspartner | None:
    return (
        adgang.visible(user, adgang.VIEW, Indsatspartner.objects.filter(noegle=indsats.noegle))
        .select_related("partner", "tilbud")
        .first()
    )


def activity_links_of(user: Any, familie: Familie) -> dict:
    """The family's activity links the user may see, by the activity's noegle."""
    return {
        link.noegle: link
        for link in adgang.visible(
            user, adgang.VIEW, Indsatspartner.objects.filter(sagsdel__familie=familie)
        ).select_related("partner", "tilbud")
    }


def leisure_of_family(user: Any, familie: Familie) -> QuerySet[Fritidstilknytning]:
    return (
        adgang.visible(
            user, adgang.VIEW, Fritidstilknytning.objects.filter(sagsdel__familie=familie)
        )
        .select_related("person", "partner", "tilbud", "kontingentlinje__omkostningstype")
        .order_by("person__fornavn", "-fra", "pk")
    )


def leisure_link_for(user: Any, pk: int, action: str = adgang.VIEW) -> Fritidstilknytning:
    return adgang.get_visible_or_404(
        user,
        Fritidstilknytning.objects.select_related(
            "sagsdel__familie__projekt", "person", "partner", "tilbud__omkostningstype"
        ),
        action=action,
        pk=pk,
    )


# --- What the partners achieve (project leader) -----------------------------------------------


def served_rows(projekt: Projekt, today: datetime.date) -> list[statistik.Betjent]:
    """Every (partner, person) served in the project, through activities of agreed plan
    versions that name the partner, and through leisure links. Four queries."""
    return [
        statistik.Betjent(p.partner_id, p.person_id, p.er_barn, nu)
        for p, nu, _latest in _served(projekt, today)
    ]


def served_periods(projekt: Projekt, today: datetime.date) -> list[statistik.Periode]:
    """The periods behind the counts over time: leisure links, and each linked activity as it
    stands in the family's latest agreed version."""
    return [p for p, _nu, latest in _served(projekt, today) if latest]


def _served(projekt: Projekt, today: datetime.date) -> list[tuple[statistik.Periode, bool, bool]]:
    links = dict(
        Indsatspartner.objects.filter(sagsdel__familie__projekt=projekt).values_list(
            "noegle", "partner_id"
        )
    )
    latest = (
        Planversion.objects.filter(
            familie=OuterRef("indsats__version__familie"), status=Planversion.Status.AFTALT
        )
        .order_by("-nummer")
        .values("nummer")[:1]
    )
    through = Indsats.personer.through
    activity_rows = (
        through.objects.filter(
            indsats__noegle__in=list(links),
            indsats__version__status=Planversion.Status.AFTALT,
            indsats__version__familie__projekt=projekt,
        )
        .annotate(seneste=Subquery(latest))
        .values_list(
            "indsats__noegle",
            "person_id",
            "indsats__version__familie_id",
            "indsats__version__nummer",
            "seneste",
            "indsats__startdato",
            "indsats__slutdato",
        )
        if links
        else []
    )
    children = set(
        Familiemedlemskab.objects.filter(
            familie__projekt=projekt, rolle=Familiemedlemskab.Rolle.BARN
        ).values_list("familie_id", "person_id")
    )
    rows = [
        (
            statistik.Periode(
                links[noegle], person_id, (familie_id, person_id) in children, start, slut
            ),
            nummer == seneste and statistik.runs_on(start, slut, today),
            nummer == seneste,
        )
        for noegle, person_id, familie_id, nummer, seneste, start, slut in activity_rows
    ]
    rows += [
        (
            statistik.Periode(partner_id, person_id, True, fra, til),
            statistik.runs_on(fra, til, today),
            True,
        )
        for partner_id, person_id, fra, til in Fritidstilknytning.objects.filter(
            sagsdel__familie__projekt=projekt
        ).values_list("partner_id", "person_id", "fra", "til")
    ]
    return rows


@dataclass
class Partnerstatistik:
    partner: Partner
    tal: statistik.Partnertal


def partner_statistics(projekt: Projekt, today: datetime.date) -> list[Partnerstatistik]:
    """Per partner of the municipality: children and adults served now and ever."""
    tal = statistik.per_partner(served_rows(projekt, today))
    partnere = Partner.objects.filter(kommune_id=projekt.kommune_id).order_by("navn", "pk")
    result = [Partnerstatistik(p, tal.get(p.pk, statistik.Partnertal())) for p in partnere]
    return sorted(result, key=lambda r: (-r.tal.i_alt_nu, -r.tal.boern_i_alt, r.partner.navn))


def leisure_counts(
    projekt: Projekt, months: list[datetime.date]
) -> dict[tuple[datetime.date, str], tuple[int, int]]:
    """(month, indicator) → (answered yes, answered) over the project's registrations: one
    aggregate query."""
    from registrering.models import Vaerdi
    from registrering.rules import YES

    counts = (
        Vaerdi.objects.filter(
            registrering__familie__projekt=projekt,
            registrering__maaned__gte=months[0],
            registrering__maaned__lte=months[-1],
            indikator__kode__in=LEISURE_CODES,
        )
        .values("registrering__maaned", "indikator__kode")
        .annotate(ja=Count("pk", filter=Q(tal=YES)), alle=Count("pk"))
    )
    return {
        (row["registrering__maaned"], row["indikator__kode"]): (row["ja"], row["alle"])
        for row in counts
    }
