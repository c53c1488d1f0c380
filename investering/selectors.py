"""Reads of the investment model, filtered for the user through kerne.adgang.

Cost lines and every figure computed from them pass through `adgang.visible`: a user without
a sector sees neither its lines nor their amounts in any total. The figures are computed in
the database (investering.beregning) and the business-case arithmetic in
investering.businesscase.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from investering import beregning, businesscase
from investering.beregning import (
    ADMITTED,
    AKTUEL,
    BASELINE,
    PERIODE,
    SIDEN_OPTAGELSE,
    Hypotese,
)
from investering.businesscase import ZERO
from investering.models import (
    Investeringslinje,
    Omkostningslinje,
    Omkostningstype,
    Pris,
    Projektoekonomi,
)
from investering.services import settings_for
from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Forvaltning, Projekt, Sektor


def last_complete_month_end(today: date | None = None) -> date:
    """The reference date of the figures: the last day of the last complete month.

    A month still running would set a full month's baseline against part of its costs.
    """
    today = today or timezone.localdate()
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        return today
    return today.replace(day=1) - timedelta(days=1)


# --- Catalogue ---------------------------------------------------------------------------------


def cost_types(projekt: Projekt | None) -> QuerySet[Omkostningstype]:
    """The price catalogue of the project's municipality, each type with its prices."""
    if projekt is None:
        return Omkostningstype.objects.none()
    return (
        Omkostningstype.objects.filter(kommune_id=projekt.kommune_id)
        .select_related("forvaltning")
        .prefetch_related(Prefetch("priser", queryset=Pris.objects.order_by("gyldig_fra")))
        .order_by("sektor", "navn", "pk")
    )


def departments(projekt: Projekt | None) -> QuerySet[Forvaltning]:
    if projekt is None:
        return Forvaltning.objects.none()
    return Forvaltning.objects.filter(kommune_id=projekt.kommune_id).order_by("navn")


def current_price(omkostningstype: Omkostningstype, day: date) -> Pris | None:
    """The price valid on a day, from the prefetched prices (no query)."""
    valid = [p for p in omkostningstype.priser.all() if p.gyldig_fra <= day]
    return valid[-1] if valid else None


def investment_lines(projekt: Projekt | None) -> QuerySet[Investeringslinje]:
    if projekt is None:
        return Investeringslinje.objects.none()
    return Investeringslinje.objects.filter(projekt=projekt).select_related("forvaltning")


# --- Cost lines --------------------------------------------------------------------------------


def lines_for(
    user: Any, *, familie: Familie | None = None, projekt: Projekt | None = None
) -> QuerySet[Omkostningslinje]:
    """The cost lines the user may see (of one family or project, if given)."""
    linjer = Omkostningslinje.objects.all()
    if familie is not None:
        linjer = linjer.filter(sagsdel__familie=familie)
    if projekt is not None:
        linjer = linjer.filter(sagsdel__familie__projekt=projekt)
    return adgang.visible(user, adgang.VIEW, linjer).select_related(
        "omkostningstype__forvaltning", "person", "sagsdel"
    )


def line_for(user: Any, pk: int, *, action: str = adgang.VIEW) -> Omkostningslinje:
    """One cost line the user may see (or change); 404 (and logged) otherwise."""
    return adgang.get_visible_or_404(
        user,
        Omkostningslinje.objects.select_related(
            "sagsdel__familie__projekt", "omkostningstype__forvaltning", "person"
        ),
        action=action,
        pk=pk,
    )


def economy_family(user: Any, pk: int) -> Familie:
    """A family whose economy tab the user may open: they see it; else 404 (logged)."""
    return adgang.get_visible_or_404(
        user, Familie.objects.select_related("projekt__kommune", "koordinator"), pk=pk
    )


def admission_date(familie: Familie) -> date | None:
    """The first day of the family's current stay; the earliest membership if never admitted
    through visitation."""
    if familie.optaget is not None:
        return familie.optaget
    return familie.medlemskaber.aggregate(earliest=Min("fra"))["earliest"]


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class Split:
    """Amounts by (department id, sector), with the names to show them."""

    amounts: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass
class EconomyFigures:
    """Everything the economy tab and the business case show, already aggregated."""

    as_of: date
    optaget: date | None
    rate_pct: Decimal
    baseline: dict[tuple[int, str], Decimal]
    aktuel: dict[tuple[int, str], Decimal]
    kvartaler: dict[str, dict[tuple[int, str], Decimal]]
    resultat: businesscase.Result
    afdelinger: dict[int, str]
    familier: int = 0
    sektorer: list[str] = field(default_factory=list)
    # False when the user may not see every sector of every family counted: the savings are
    # then only part of the picture, while the investment is the whole project's.
    fuldstaendig: bool = True

    @property
    def groups(self) -> list[tuple[int, str]]:
        keys = set(self.baseline) | set(self.aktuel)
        for quarter in self.kvartaler.values():
            keys |= set(quarter)
        return sorted(keys, key=lambda k: (self.afdelinger.get(k[0], ""), k[1]))

    def label(self, key: tuple[int, str]) -> str:
        return f"{self.afdelinger.get(key[0], '?')} · {Sektor(key[1]).label}"

    @property
    def baseline_total(self) -> Decimal:
        return sum(self.baseline.values(), ZERO)

    @property
    def aktuel_total(self) -> Decimal:
        return sum(self.aktuel.values(), ZERO)


def _department_names(keys) -> dict[int, str]:
    ids = {key[0] for key in keys}
    return dict(Forvaltning.objects.filter(pk__in=ids).values_list("pk", "navn"))


def _by_art(amounts: dict[tuple, Decimal], art: str) -> dict:
    """One window's amounts, keyed without the window: (month, department, sector)."""
    return {key[1:]: amount for key, amount in amounts.items() if key[0] == art}


def _sum_groups(monthly: dict[tuple[date, int, str], Decimal]) -> dict[tuple[int, str], Decimal]:
    result: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for (_month, forvaltning_id, sektor), amount in monthly.items():
        result[(forvaltning_id, sektor)] += amount
    return dict(result)


def _families_by_start_month(familier: QuerySet[Familie]) -> dict[date, int]:
    """How many families enter the business case each month (first whole month after
    admission), counted in the database."""
    counts: dict[date, int] = defaultdict(int)
    for optaget in (
        familier.annotate(admitted=Coalesce("optaget", Min("medlemskaber__fra")))
        .exclude(admitted__isnull=True)
        .values_list("admitted", flat=True)
    ):
        counts[beregning.first_whole_month(optaget)] += 1
    return dict(counts)


def _compute(
    *,
    linjer: QuerySet[Omkostningslinje],
    familier: QuerySet[Familie],
    projekt: Projekt,
    as_of: date,
    rate_pct: Decimal,
    hypotese: Hypotese | None,
    optagelse: dict[int, date] | None,
    family_share: bool,
) -> tuple[dict, dict, dict, businesscase.Result, dict[int, str]]:
    figures = beregning.Figures(
        linjer=linjer,
        familier=familier,
        as_of=as_of,
        windows=(BASELINE, AKTUEL, SIDEN_OPTAGELSE, PERIODE),
        optagelse=optagelse,
        hypotese=hypotese,
    )
    monthly, rate = figures.monthly_and_rate()
    baseline = _sum_groups(_by_art(monthly, BASELINE))
    aktuel = _sum_groups(_by_art(monthly, AKTUEL))
    quarters = businesscase.by_quarter(
        {
            (month, (forvaltning_id, sektor)): amount
            for (month, forvaltning_id, sektor), amount in _by_art(monthly, PERIODE).items()
        }
    )
    baseline_by_month = beregning.collect(rate, 0)
    cost_by_month = beregning.collect(_by_art(monthly, SIDEN_OPTAGELSE), 0)
    all_admitted = Familie.objects.filter(projekt=projekt, status__in=ADMITTED)
    if family_share:
        optaget = next(iter(optagelse.values()), None) if optagelse else None
        starts = [beregning.first_whole_month(optaget)] if optaget else []
    else:
        # The project's case runs from its first investment or first family, which came first.
        first_day = beregning.first_investment_day(projekt.pk)
        starts = list(_families_by_start_month(familier))
        starts += [businesscase.month_start(first_day)] if first_day else []
    start = min(starts) if starts else None
    months: list[businesscase.Month] = []
    if start is not None and start <= as_of:
        investment = beregning.collect(
            beregning.investment_by_month(projekt.pk, fra=start, as_of=as_of), 0
        )
        if family_share:
            # The family's equal share of each month's investment among the families in the case.
            entering = _families_by_start_month(all_admitted)
            running = sum(n for month, n in entering.items() if month < start)
            for month in businesscase.months_between(start, as_of):
                running += entering.get(month, 0)
                if month in investment:
                    investment[month] = businesscase.share(investment[month], max(running, 1))
        months = businesscase.series(
            start,
            as_of,
            baseline=baseline_by_month,
            aktuel=cost_by_month,
            investering=investment,
        )
    result = businesscase.compute(months, rate_pct)
    names = _department_names(list(baseline) + list(aktuel) + [k[2:] for k in monthly])
    return baseline, aktuel, quarters, result, names


def family_figures(
    user: Any,
    familie: Familie,
    *,
    as_of: date | None = None,
    optaget: date | None = None,
    rate_pct: Decimal | None = None,
    hypotese: Hypotese | None = None,
) -> EconomyFigures:
    """One family's baseline, current costs, quarters and business case, as the user may see.

    `optaget`: the admission date when the caller knows it; else the earliest membership.
    """
    as_of = as_of or last_complete_month_end()
    optaget = optaget or admission_date(familie)
    rate = settings_for(familie.projekt).diskonteringsrente if rate_pct is None else rate_pct
    familier = Familie.objects.filter(pk=familie.pk)
    baseline, aktuel, quarters, result, names = _compute(
        linjer=lines_for(user, familie=familie),
        familier=familier,
        projekt=familie.projekt,
        as_of=as_of,
        rate_pct=rate,
        hypotese=hypotese,
        optagelse={familie.pk: optaget} if optaget else {},
        family_share=True,
    )
    return EconomyFigures(
        as_of=as_of,
        optaget=optaget,
        rate_pct=rate,
        baseline=baseline,
        aktuel=aktuel,
        kvartaler=quarters,
        resultat=result,
        afdelinger=names,
        familier=1,
        sektorer=adgang.sectors_for(user, familie),
    )


def project_families(user: Any, projekt: Projekt) -> QuerySet[Familie]:
    """The project's admitted families the user may see: the business case's population."""
    return adgang.families_for(user).filter(projekt=projekt, status__in=ADMITTED)


def _project_scope(
    user: Any, projekt: Projekt
) -> tuple[QuerySet[Omkostningslinje], QuerySet[Familie], bool]:
    """The lines and families a project figure sums over, and whether that is all of them.

    The investment model's owners (`adgang.sees_project_totals`) sum over every family and
    sector of the project; anyone else over what the sharing policy shows them.
    """
    if adgang.sees_project_totals(user, projekt):
        return (
            Omkostningslinje.objects.filter(sagsdel__familie__projekt=projekt),
            Familie.objects.filter(projekt=projekt, status__in=ADMITTED),
            True,
        )
    return lines_for(user, projekt=projekt), project_families(user, projekt), False


def project_figures(
    user: Any,
    projekt: Projekt,
    *,
    as_of: date | None = None,
    rate_pct: Decimal | None = None,
    hypotese: Hypotese | None = None,
) -> EconomyFigures:
    """The project's business case: over the whole project for the investment model's owners,
    else over the families and sectors the user may see."""
    as_of = as_of or last_complete_month_end()
    rate = settings_for(projekt).diskonteringsrente if rate_pct is None else rate_pct
    linjer, familier, whole_project = _project_scope(user, projekt)
    baseline, aktuel, quarters, result, names = _compute(
        linjer=linjer,
        familier=familier,
        projekt=projekt,
        as_of=as_of,
        rate_pct=rate,
        hypotese=hypotese,
        optagelse=None,
        family_share=False,
    )
    antal = familier.count()
    seen = (
        antal * len(Sektor.values)
        if whole_project
        else adgang.sagsdele_for(user).filter(familie__in=familier.values("pk")).count()
    )
    return EconomyFigures(
        as_of=as_of,
        optaget=None,
        rate_pct=rate,
        baseline=baseline,
        aktuel=aktuel,
        kvartaler=quarters,
        resultat=result,
        afdelinger=names,
        familier=antal,
        fuldstaendig=seen >= antal * len(Sektor.values),
    )


def log_project_read(user: Any, projekt: Projekt, what: str) -> None:
    """The business case shows figures computed from the families' data: one audit row."""
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.RAPPORT,
        projekt_id=projekt.pk,
        detaljer={"side": what},
    )


def drilldown(
    user: Any,
    projekt: Projekt,
    *,
    art: str,
    familie: Familie | None = None,
    forvaltning_id: int | None = None,
    sektor: str = "",
    maaned_fra: date | None = None,
    maaned_til: date | None = None,
    as_of: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, Decimal, list[dict]]:
    """The line segments (line, price, days) behind a figure: (count, total, one page)."""
    as_of = as_of or last_complete_month_end()
    if familie is not None:
        linjer = lines_for(user, familie=familie)
        familier = Familie.objects.filter(pk=familie.pk)
        optaget = admission_date(familie)
        optagelse = {familie.pk: optaget} if optaget else {}
    else:
        linjer, familier, _whole = _project_scope(user, projekt)
        optagelse = None
    figures = beregning.Figures(
        linjer=linjer, familier=familier, as_of=as_of, windows=(art,), optagelse=optagelse
    )
    count, rows = figures.segments(
        art=art,
        familie_id=familie.pk if familie is not None else None,
        forvaltning_id=forvaltning_id,
        sektor=sektor,
        maaned_fra=maaned_fra,
        maaned_til=maaned_til,
        limit=limit,
        offset=offset,
    )
    total = rows[0]["total"] if rows else ZERO
    # The names of what the page shows, in three queries whatever the page size.
    lines = Omkostningslinje.objects.select_related(
        "omkostningstype", "person", "sagsdel__familie"
    ).in_bulk({row["linje_id"] for row in rows})
    names = dict(
        Forvaltning.objects.filter(pk__in={row["forvaltning_id"] for row in rows}).values_list(
            "pk", "navn"
        )
    )
    # Behind a whole-project figure lie lines of sectors the user has no grant on: their cost
    # type, price and amount show (so the sum adds up), their family and person do not.
    named = set(
        lines_for(user, familie=familie, projekt=projekt)
        .filter(pk__in=[row["linje_id"] for row in rows])
        .values_list("pk", flat=True)
    )
    for row in rows:
        row["linje"] = lines.get(row["linje_id"])
        row["skjult"] = row["linje_id"] not in named
        row["forvaltning"] = names.get(row["forvaltning_id"], "")
    audit.log_reads(
        user=user,
        formaal=audit.Formaal.RAPPORT,
        familie_ids=sorted({row["familie_id"] for row in rows}),
    )
    return count, total, rows


def family_totals(
    user: Any, projekt: Projekt, familie_ids: list[int], *, as_of: date
) -> dict[int, dict[str, Decimal]]:
    """Baseline and current costs of a page of the project's families, in one statement."""
    if not familie_ids:
        return {}
    figures = beregning.Figures(
        linjer=lines_for(user, projekt=projekt),
        familier=project_families(user, projekt).filter(pk__in=familie_ids),
        as_of=as_of,
        windows=(BASELINE, AKTUEL),
    )
    result: dict[int, dict[str, Decimal]] = {
        pk: {"baseline": ZERO, "aktuel": ZERO} for pk in familie_ids
    }
    for (art, familie_id), amount in figures.totals("familie_id").items():
        result[familie_id][art] = amount
    for amounts in result.values():
        amounts["forskel"] = amounts["baseline"] - amounts["aktuel"]
    return result


def yearly_investment(projekt: Projekt, as_of: date | None = None) -> Decimal:
    """The project's investment in the rolling 12 months (the status notes' yearly figure)."""
    as_of = as_of or last_complete_month_end()
    fra, _til = beregning.rolling_year(as_of)
    amounts = beregning.investment_by_month(projekt.pk, fra=fra, as_of=as_of)
    return sum(amounts.values(), ZERO)


# --- The national aggregate -------------------------------------------------------------------


@dataclass
class ProjectRow:
    """One project's business case in the national overview: sums only, no personal data."""

    projekt: Projekt
    familier: int
    baseline: Decimal  # the families' 12 months before admission, summed
    aktuel: Decimal  # the rolling 12 months up to the reference date
    investering_aar: Decimal  # the project's investment in the same 12 months
    rate_pct: Decimal
    resultat: businesscase.Result

    @property
    def nettoeffekt_aar(self) -> Decimal:
        """Net effect over the rolling year: baseline − current − investment (DOMAIN.md §7)."""
        return self.baseline - self.aktuel - self.investering_aar


def national_figures(
    *, projekter: QuerySet[Projekt] | None = None, as_of: date | None = None
) -> list[ProjectRow]:
    """Every project's business case side by side, over all its families and sectors.

    Sums per project, never a family's figure or line: for the national overview of the
    evaluator and national roles, whose page checks the role (the caller audits the read).
    A fixed number of statements whatever the number of projects and families: the cost
    lines' segments (one), the investment (one), families and settings (three).
    """
    as_of = as_of or last_complete_month_end()
    projekter = projekter if projekter is not None else Projekt.objects.all()
    projects = list(projekter.select_related("kommune").order_by("kommune__navn", "navn", "pk"))
    ids = [p.pk for p in projects]
    familier = Familie.objects.filter(projekt_id__in=ids, status__in=ADMITTED)
    monthly, rate = beregning.Figures(
        linjer=Omkostningslinje.objects.filter(sagsdel__familie__projekt_id__in=ids),
        familier=familier,
        as_of=as_of,
        windows=(BASELINE, AKTUEL, SIDEN_OPTAGELSE),
    ).by_project()

    earliest_membership = (
        Familiemedlemskab.objects.filter(familie=OuterRef("pk")).order_by("fra").values("fra")[:1]
    )
    entering: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for projekt_id, admitted, count in (
        familier.annotate(admitted=Coalesce("optaget", Subquery(earliest_membership)))
        .exclude(admitted__isnull=True)
        .values("projekt_id", "admitted")
        .annotate(count=Count("pk"))
        .values_list("projekt_id", "admitted", "count")
        .order_by()
    ):
        entering[projekt_id][beregning.first_whole_month(admitted)] += count
    first_investment = dict(
        Investeringslinje.objects.filter(projekt_id__in=ids)
        .values("projekt_id")
        .annotate(first=Min("fra"))
        .values_list("projekt_id", "first")
        .order_by()
    )
    rates = dict(
        Projektoekonomi.objects.filter(projekt_id__in=ids).values_list(
            "projekt_id", "diskonteringsrente"
        )
    )
    starts: dict[int, date] = {}
    for projekt_id in ids:
        candidates = list(entering.get(projekt_id, {}))
        if projekt_id in first_investment:
            candidates.append(businesscase.month_start(first_investment[projekt_id]))
        if candidates and min(candidates) <= as_of:
            starts[projekt_id] = min(candidates)
    investment = (
        beregning.investment_by_project(list(starts), fra=min(starts.values()), as_of=as_of)
        if starts
        else {}
    )
    year_from, _year_to = beregning.rolling_year(as_of)

    by_project: dict[int, dict[str, dict[date, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for (projekt_id, art, month), amount in monthly.items():
        by_project[projekt_id][art][month] = amount
    for (projekt_id, month), amount in rate.items():
        by_project[projekt_id]["rate"][month] = amount
    for (projekt_id, month), amount in investment.items():
        by_project[projekt_id]["investering"][month] = amount

    rows = []
    for projekt in projects:
        figures = by_project.get(projekt.pk, {})
        rate_pct = rates.get(projekt.pk, businesscase.DEFAULT_RATE_PCT)
        months = (
            businesscase.series(
                starts[projekt.pk],
                as_of,
                baseline=figures.get("rate", {}),
                aktuel=figures.get(SIDEN_OPTAGELSE, {}),
                investering=figures.get("investering", {}),
            )
            if projekt.pk in starts
            else []
        )
        rows.append(
            ProjectRow(
                projekt=projekt,
                familier=sum(entering.get(projekt.pk, {}).values()),
                baseline=sum(figures.get(BASELINE, {}).values(), ZERO),
                aktuel=sum(figures.get(AKTUEL, {}).values(), ZERO),
                investering_aar=sum(
                    (a for m, a in figures.get("investering", {}).items() if m >= year_from), ZERO
                ),
                rate_pct=rate_pct,
                resultat=businesscase.compute(months, rate_pct),
            )
        )
    return rows
