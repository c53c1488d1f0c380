"""Reads of the monthly registration across the permission boundary: filtered for the user.

Values and questionnaires are partitioned by sector (their `sagsdel`); registrations,
reopenings and completeness are family-level facts. Every page's reads are a fixed number of
queries whatever the family's or project's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from kerne import adgang, audit
from kerne.models import Familie, Familiemedlemskab, Person, Projekt
from registrering import rules, scoring
from registrering.models import (
    Indikator,
    Indlaesning,
    Maanedsaabning,
    Milepael,
    MilepaelAendring,
    Registrering,
    Risiko,
    RisikoAendring,
    SdqItemtekst,
    Spoergeskema,
    Vaerdi,
)
from registrering.services import field_key, indicators_for, members_in_month

TREND_MONTHS = 6


# --- The family's month -----------------------------------------------------------------------


@dataclass
class Felt:
    """One indicator field of one member on the family's month form."""

    key: str
    indikator: Indikator
    value: str
    sidst: str
    kan_aendre: bool
    error: str = ""

    @property
    def skala(self) -> bool:
        return self.indikator.type == Indikator.Type.SKALA

    @property
    def choices(self) -> list[tuple[str, str]]:
        if self.indikator.type == Indikator.Type.SKALA:
            return [(str(n), f"{n} – {label}") for n, label in rules.SCALE_LABELS.items()]
        if self.indikator.type == Indikator.Type.JA_NEJ:
            return [("ja", "Ja"), ("nej", "Nej")]
        return [(str(code), str(label)) for code, label in self.indikator.valg]


@dataclass
class Medlem:
    medlemskab: Familiemedlemskab
    alder: int | None
    felter: list[Felt] = field(default_factory=list)
    registrering: Registrering | None = None
    trend: str = rules.Trend.TOO_EARLY
    sparkline: str = ""
    serie: list[tuple[datetime.date, Decimal | None]] = field(default_factory=list)

    @property
    def person(self) -> Person:
        return self.medlemskab.person

    @property
    def trend_label(self) -> str:
        return str(rules.TREND_LABELS[self.trend])


@dataclass
class FamilyMonth:
    familie: Familie
    maaned: datetime.date
    state: str
    frist: datetime.date
    aaben_til: datetime.date | None
    medlemmer: list[Medlem]
    kan_aendre: bool
    synlige_sektorer: list[str]
    # The month's state as the form was drawn (rules.month_version); sent back on save.
    version: str = ""

    @property
    def state_label(self) -> str:
        return str(rules.MONTH_STATE_LABELS[self.state])

    @property
    def locked(self) -> bool:
        return self.state in (rules.MonthState.LOCKED, rules.MonthState.FUTURE)


def family_month(
    user: Any,
    pk: int,
    maaned: datetime.date,
    *,
    today: datetime.date,
    log_read: bool = True,
) -> FamilyMonth:
    """A family's month as the registration form shows it; 404 when the family is hidden."""
    familie = adgang.get_visible_or_404(
        user,
        Familie.objects.select_related("projekt", "koordinator"),
        formaal=audit.Formaal.REGISTRERING,
        pk=pk,
    )
    maaned = rules.month_start(maaned)
    previous = rules.add_months(maaned, -1)
    medlemskaber = members_in_month(familie, maaned)
    person_ids = [m.person_id for m in medlemskaber]
    defs = indicators_for(familie.projekt.kommune_id)
    sectors = adgang.sectors_by_family(user, [familie.pk])[familie.pk]
    changeable = set(adgang.sectors_by_family(user, [familie.pk], adgang.CHANGE)[familie.pk])
    aaben_til = max(
        Maanedsaabning.objects.filter(familie=familie, maaned=maaned).values_list(
            "aaben_til", flat=True
        ),
        default=None,
    )
    state = rules.month_state(
        maaned,
        today=today,
        deadline_day=familie.projekt.registreringsfrist_dag,
        reopened_until=aaben_til,
    )
    writable = familie.status == Familie.Status.AKTIV and state in (
        rules.MonthState.OPEN,
        rules.MonthState.REOPENED,
    )
    registreringer = {
        r.person_id: r for r in Registrering.objects.filter(person_id__in=person_ids, maaned=maaned)
    }
    since = rules.add_months(maaned, -(TREND_MONTHS - 1))
    values: dict[tuple[int, datetime.date, int], tuple[Decimal | None, str]] = {}
    for person_id, month, indikator_id, tal, tekst in adgang.visible(
        user,
        adgang.VIEW,
        Vaerdi.objects.filter(
            registrering__person_id__in=person_ids,
            registrering__maaned__gte=since,
            registrering__maaned__lte=maaned,
        ),
    ).values_list(
        "registrering__person_id", "registrering__maaned", "indikator_id", "tal", "tekst"
    ):
        values[(person_id, month, indikator_id)] = (tal, tekst)
    months = [rules.add_months(since, n) for n in range(TREND_MONTHS)]
    medlemmer = []
    for medlemskab in medlemskaber:
        age = rules.age_in_month(medlemskab.person.foedselsdato, maaned)
        medlem = Medlem(
            medlemskab=medlemskab, alder=age, registrering=registreringer.get(medlemskab.person_id)
        )
        scale_ids = []
        for indikator in defs:
            defn = indikator.as_def()
            if indikator.sektor not in sectors or not rules.applies(
                defn, rolle=medlemskab.rolle, age=age
            ):
                continue
            if indikator.type == Indikator.Type.SKALA:
                scale_ids.append(indikator.pk)
            current = values.get((medlemskab.person_id, maaned, indikator.pk))
            last = values.get((medlemskab.person_id, previous, indikator.pk))
            medlem.felter.append(
                Felt(
                    key=field_key(medlemskab.person_id, indikator.kode),
                    indikator=indikator,
                    value=rules.input_value(defn, *current) if current else "",
                    sidst=rules.display_value(defn, *last) if last else "",
                    kan_aendre=writable and indikator.sektor in changeable,
                )
            )
        medlem.serie = [
            (month, _mean([values.get((medlemskab.person_id, month, pk)) for pk in scale_ids]))
            for month in months
        ]
        medlem.trend = rules.trend([v for _m, v in medlem.serie if v is not None])
        medlem.sparkline = _sparkline([v for _m, v in medlem.serie])
        medlemmer.append(medlem)
    if log_read:
        audit.log(
            user=user,
            handling=audit.Handling.READ,
            formaal=audit.Formaal.REGISTRERING,
            familie=familie,
            objekt=familie,
            detaljer={"maaned": f"{maaned:%Y-%m}"},
        )
        audit.log_reads(user=user, formaal=audit.Formaal.REGISTRERING, person_ids=person_ids)
    return FamilyMonth(
        familie=familie,
        maaned=maaned,
        state=state,
        frist=rules.deadline(maaned, familie.projekt.registreringsfrist_dag),
        aaben_til=aaben_til,
        medlemmer=medlemmer,
        kan_aendre=writable and bool(changeable),
        synlige_sektorer=sectors,
        version=rules.month_version((pid, r.aendret) for pid, r in registreringer.items()),
    )


def _mean(pairs: Iterable[tuple[Decimal | None, str] | None]) -> Decimal | None:
    numbers = [pair[0] for pair in pairs if pair is not None and pair[0] is not None]
    if not numbers:
        return None
    return sum(numbers, Decimal(0)) / len(numbers)


SPARK_WIDTH, SPARK_HEIGHT = 96, 24


def _sparkline(series: list[Decimal | None]) -> str:
    """SVG polyline points for a 0–4 series (4 at the top: worse is higher)."""
    points = []
    step = SPARK_WIDTH / max(len(series) - 1, 1)
    for index, value in enumerate(series):
        if value is None:
            continue
        y = SPARK_HEIGHT - 2 - float(value) / 4 * (SPARK_HEIGHT - 4)
        points.append(f"{index * step:.1f},{y:.1f}")
    return " ".join(points) if len(points) > 1 else ""


# --- Completeness ---------------------------------------------------------------------------


class Status:
    COMPLETE = "komplet"
    PARTIAL = "delvis"
    MISSING = "mangler"


STATUS_LABELS = {
    Status.COMPLETE: "Komplet",
    Status.PARTIAL: "Delvist registreret",
    Status.MISSING: "Ikke registreret",
}


@dataclass
class MemberStatus:
    medlemskab: Familiemedlemskab
    status: str
    mangler: list[str]

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class FamilyStatus:
    familie: Familie
    medlemmer: list[MemberStatus]

    @property
    def antal_mangler(self) -> int:
        return sum(1 for m in self.medlemmer if m.status != Status.COMPLETE)

    @property
    def komplet(self) -> bool:
        return self.antal_mangler == 0


def month_status(familier: list[Familie], maaned: datetime.date) -> list[FamilyStatus]:
    """Per family and member: registered and complete, partly, or not at all. Two queries."""
    maaned = rules.month_start(maaned)
    by_family: dict[int, list[Familiemedlemskab]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for medlemskab in (
        Familiemedlemskab.objects.filter(
            familie__in=[f.pk for f in familier], fra__lte=rules.month_end(maaned)
        )
        .filter(Q(til__isnull=True) | Q(til__gte=maaned))
        .select_related("person")
        .order_by("-rolle", "person__foedselsdato", "pk")
    ):
        if (medlemskab.familie_id, medlemskab.person_id) not in seen:
            seen.add((medlemskab.familie_id, medlemskab.person_id))
            by_family[medlemskab.familie_id].append(medlemskab)
    person_ids = {m.person_id for members in by_family.values() for m in members}
    registered = {
        person_id: (komplet, mangler)
        for person_id, komplet, mangler in Registrering.objects.filter(
            person_id__in=person_ids, maaned=maaned
        ).values_list("person_id", "komplet", "mangler")
    }
    result = []
    for familie in familier:
        medlemmer = []
        for medlemskab in by_family.get(familie.pk, []):
            state = registered.get(medlemskab.person_id)
            if state is None:
                medlemmer.append(MemberStatus(medlemskab, Status.MISSING, []))
            elif state[0]:
                medlemmer.append(MemberStatus(medlemskab, Status.COMPLETE, []))
            else:
                medlemmer.append(MemberStatus(medlemskab, Status.PARTIAL, list(state[1])))
        result.append(FamilyStatus(familie=familie, medlemmer=medlemmer))
    return result


def active_families(user: Any, projekt: Projekt | None) -> QuerySet[Familie]:
    if projekt is None:
        return Familie.objects.none()
    return (
        adgang.families_for(user)
        .filter(projekt=projekt, status=Familie.Status.AKTIV)
        .select_related("koordinator")
        .order_by("betegnelse", "pk")
    )


def completeness(
    user: Any, projekt: Projekt | None, maaned: datetime.date, *, koordinator_id: int | None = None
) -> list[FamilyStatus]:
    """The month's completeness for every active family of the project the user may see."""
    familier = active_families(user, projekt)
    if koordinator_id:
        familier = familier.filter(koordinator_id=koordinator_id)
    return month_status(list(familier), maaned)


def summarise_by_case_manager(rows: list[FamilyStatus]) -> list[dict]:
    """Counts per case manager: families, members, complete, missing; case managers by name."""
    summary: dict[int | None, dict] = {}
    for row in rows:
        koordinator = row.familie.koordinator
        key = koordinator.pk if koordinator else None
        entry = summary.setdefault(
            key,
            {
                "koordinator": koordinator,
                "familier": 0,
                "komplette_familier": 0,
                "personer": 0,
                "komplette": 0,
                "mangler": 0,
            },
        )
        entry["familier"] += 1
        entry["komplette_familier"] += row.komplet
        entry["personer"] += len(row.medlemmer)
        entry["komplette"] += len(row.medlemmer) - row.antal_mangler
        entry["mangler"] += row.antal_mangler
    return sorted(
        summary.values(),
        key=lambda e: (
            e["koordinator"] is None,
            (e["koordinator"].get_full_name() or e["koordinator"].username)
            if e["koordinator"]
            else "",
        ),
    )


def gaps_by_case_manager(projekt: Projekt, maaned: datetime.date) -> list[dict]:
    """For the reminder task (no user: it reads counts only, never personal data)."""
    familier = list(
        Familie.objects.filter(projekt=projekt, status=Familie.Status.AKTIV).select_related(
            "koordinator"
        )
    )
    return summarise_by_case_manager(month_status(familier, maaned))


def open_months(projekt: Projekt, today: datetime.date) -> list[datetime.date]:
    """The months a case manager can still register in, newest first, without reopening."""
    current = rules.month_start(today)
    previous = rules.add_months(current, -1)
    months = [current]
    if today <= rules.deadline(previous, projekt.registreringsfrist_dag):
        months.append(previous)
    return months


def todo(user: Any, projekt: Projekt | None, today: datetime.date) -> list[dict]:
    """The case manager's to-do: per open (or reopened) month, their families with gaps."""
    if projekt is None:
        return []
    familier = list(active_families(user, projekt).filter(koordinator=user))
    open_now = open_months(projekt, today)
    reopened: dict[datetime.date, set[int]] = defaultdict(set)
    for familie_id, maaned in Maanedsaabning.objects.filter(
        familie__in=[f.pk for f in familier], aaben_til__gte=today
    ).values_list("familie_id", "maaned"):
        reopened[maaned].add(familie_id)
    months = open_now + sorted((m for m in reopened if m not in open_now), reverse=True)
    result = []
    for maaned in months:
        in_scope = (
            familier if maaned in open_now else [f for f in familier if f.pk in reopened[maaned]]
        )
        result.append(
            {
                "maaned": maaned,
                "frist": rules.deadline(maaned, projekt.registreringsfrist_dag),
                "genaabnet": maaned not in open_now,
                "familier": [row for row in month_status(in_scope, maaned) if not row.komplet],
            }
        )
    return result


# --- The family's registrations over time -----------------------------------------------------


def family_history(user: Any, pk: int, *, today: datetime.date, months: int = 12) -> dict:
    """The family's last months with their state, and its questionnaires the user may see."""
    familie = adgang.get_visible_or_404(
        user,
        Familie.objects.select_related("projekt", "koordinator"),
        formaal=audit.Formaal.REGISTRERING,
        pk=pk,
    )
    current = rules.month_start(today)
    maaneder = [rules.add_months(current, -n) for n in range(months)]
    reopen: dict[datetime.date, datetime.date] = {}
    for maaned, til in Maanedsaabning.objects.filter(
        familie=familie, maaned__gte=maaneder[-1]
    ).values_list("maaned", "aaben_til"):
        reopen[maaned] = max(til, reopen.get(maaned, til))
    statuses = {}
    for maaned in maaneder:
        statuses[maaned] = month_status([familie], maaned)[0]
    rows = []
    for maaned in maaneder:
        state = rules.month_state(
            maaned,
            today=today,
            deadline_day=familie.projekt.registreringsfrist_dag,
            reopened_until=reopen.get(maaned),
        )
        rows.append(
            {
                "maaned": maaned,
                "state": state,
                "state_label": rules.MONTH_STATE_LABELS[state],
                "status": statuses[maaned],
            }
        )
    skemaer = list(
        adgang.visible(user, adgang.VIEW, Spoergeskema.objects.filter(sagsdel__familie=familie))
        .select_related("person")
        .order_by("person__fornavn", "type", "dato", "pk")
    )
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.REGISTRERING,
        familie=familie,
        objekt=familie,
    )
    return {"familie": familie, "maaneder": rows, "spoergeskemaer": _with_scores(skemaer)}


def _with_scores(skemaer: list[Spoergeskema]) -> list[dict]:
    """Each questionnaire with its scores and the change since the person's first of its kind."""
    first: dict[tuple[int, str, str], Spoergeskema] = {}
    rows = []
    for skema in sorted(skemaer, key=lambda s: (s.dato, s.pk)):
        key = (skema.person_id, skema.type, skema.version)
        baseline = first.setdefault(key, skema)
        change = None
        if baseline is not skema and skema.score is not None and baseline.score is not None:
            change = skema.score - baseline.score
        relevant = (
            skema.type == Spoergeskema.Type.WHO5
            and baseline is not skema
            and scoring.who5_relevant_change(baseline.score, skema.score)
        )
        rows.append({"skema": skema, "aendring": change, "relevant": relevant})
    order = {s.pk: i for i, s in enumerate(skemaer)}
    return sorted(rows, key=lambda r: order[r["skema"].pk])


# --- Questionnaires ---------------------------------------------------------------------------


def questionnaire_detail(user: Any, pk: int) -> dict:
    skema = adgang.get_visible_or_404(
        user,
        Spoergeskema.objects.select_related(
            "person", "sagsdel__familie__projekt", "registreret_af"
        ),
        formaal=audit.Formaal.REGISTRERING,
        pk=pk,
    )
    earlier = list(
        adgang.visible(
            user,
            adgang.VIEW,
            Spoergeskema.objects.filter(
                person=skema.person, type=skema.type, version=skema.version, dato__lte=skema.dato
            ),
        ).order_by("dato", "pk")
    )
    baseline = earlier[0] if earlier else skema
    result: dict[str, Any] = {
        "skema": skema,
        "foerste": baseline if baseline.pk != skema.pk else None,
    }
    if skema.type == Spoergeskema.Type.SDQ:
        version = scoring.SDQ_VERSIONS[skema.version]
        scored = scoring.score_sdq(skema.version, _answers(skema))
        base_scored = scoring.score_sdq(skema.version, _answers(baseline))
        texts = dict(
            SdqItemtekst.objects.filter(
                kommune_id=skema.sagsdel.familie.projekt.kommune_id, version=skema.version
            ).values_list("punkt", "tekst")
        )
        result["version"] = version
        result["skalaer"] = [
            {
                "navn": SCALE_NAMES[scale],
                "score": scored.scores[scale],
                "maks": SCALE_MAX[scale],
                "baand": scoring.band_label(scale, scored.bands[scale]),
                "baand_nr": scored.bands[scale],
                "aendring": _diff(base_scored.scores[scale], scored.scores[scale])
                if result["foerste"]
                else None,
            }
            for scale in SCALE_ORDER
        ]
        result["punkter"] = [
            {
                "punkt": item,
                "tekst": texts.get(item) or neutral_label(item),
                "svar": skema.svar.get(item),
                "omvendt": item in scoring.SDQ_REVERSED,
            }
            for item in (*scoring.SDQ_ITEMS, *version.impact_items)
        ]
    else:
        scored = scoring.score_who5(_answers(skema))
        result["who5"] = scored
        result["punkter"] = [
            {"punkt": item, "tekst": WHO5_TEXTS[item], "svar": skema.svar.get(item)}
            for item in scoring.WHO5_ITEMS
        ]
        if result["foerste"]:
            result["aendring"] = _diff(baseline.score, skema.score)
            result["relevant"] = scoring.who5_relevant_change(baseline.score, skema.score)
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.REGISTRERING,
        familie=skema.sagsdel.familie,
        person=skema.person,
        sektor=skema.sagsdel.sektor,
        objekt=skema,
    )
    return result


def _answers(skema: Spoergeskema) -> dict[str, int | None]:
    return {key: (int(value) if value is not None else None) for key, value in skema.svar.items()}


def _diff(first: int | None, latest: int | None) -> int | None:
    return None if first is None or latest is None else latest - first


SCALE_ORDER = (
    scoring.TOTAL,
    scoring.EMOTIONAL,
    scoring.CONDUCT,
    scoring.HYPERACTIVITY,
    scoring.PEER,
    scoring.PROSOCIAL,
    scoring.EXTERNALISING,
    scoring.INTERNALISING,
    scoring.IMPACT,
)
SCALE_NAMES = {
    scoring.TOTAL: "Samlede vanskeligheder",
    scoring.EMOTIONAL: "Emotionelle symptomer",
    scoring.CONDUCT: "Adfærdsproblemer",
    scoring.HYPERACTIVITY: "Hyperaktivitet og opmærksomhed",
    scoring.PEER: "Problemer med jævnaldrende",
    scoring.PROSOCIAL: "Prosocial adfærd",
    scoring.EXTERNALISING: "Udadreagerende (eksternaliserende)",
    scoring.INTERNALISING: "Indadreagerende (internaliserende)",
    scoring.IMPACT: "Konsekvensmål",
}
SCALE_MAX = {
    scoring.TOTAL: 40,
    scoring.EXTERNALISING: 20,
    scoring.INTERNALISING: 20,
    scoring.IMPACT: 10,
}
for _scale in scoring.SDQ_SUBSCALES:
    SCALE_MAX[_scale] = 10

IMPACT_LABELS = {
    "impact_distress": "Konsekvens: belastning for barnet",
    "impact_home": "Konsekvens: hjemmet",
    "impact_friends": "Konsekvens: venskaber",
    "impact_learning": "Konsekvens: læring i skolen",
    "impact_leisure": "Konsekvens: fritid",
}


def neutral_label(item: str) -> str:
    """A neutral label for an SDQ item: its number and subscale, never the licensed text."""
    if item in IMPACT_LABELS:
        return IMPACT_LABELS[item]
    for scale, items in scoring.SDQ_SUBSCALES.items():
        if item in items:
            reverse = " (omvendt scoret)" if item in scoring.SDQ_REVERSED else ""
            return f"Punkt {item} – {SCALE_NAMES[scale].lower()}{reverse}"
    return f"Punkt {item}"


# The WHO-5 is free to use; the Danish wording of its five statements.
WHO5_TEXTS = {
    "1": "I de sidste 2 uger har jeg været glad og i godt humør",
    "2": "I de sidste 2 uger har jeg følt mig rolig og afslappet",
    "3": "I de sidste 2 uger har jeg følt mig aktiv og energisk",
    "4": "I de sidste 2 uger er jeg vågnet frisk og udhvilet",
    "5": "I de sidste 2 uger har min dagligdag været fyldt med ting, der interesserer mig",
}
WHO5_ANSWERS = (
    (5, "Hele tiden"),
    (4, "Det meste af tiden"),
    (3, "Lidt mere end halvdelen af tiden"),
    (2, "Lidt mindre end halvdelen af tiden"),
    (1, "Lidt af tiden"),
    (0, "På intet tidspunkt"),
)
SDQ_ANSWERS = ((0, "Passer ikke"), (1, "Passer delvist"), (2, "Passer godt"))
IMPACT_ANSWERS = ((0, "Slet ikke"), (1, "Kun lidt"), (2, "En hel del"), (3, "Rigtig meget"))


def sdq_item_texts(kommune_id: int, version: str) -> dict[str, str]:
    return dict(
        SdqItemtekst.objects.filter(kommune_id=kommune_id, version=version).values_list(
            "punkt", "tekst"
        )
    )


def questionnaires_for(user: Any) -> QuerySet[Spoergeskema]:
    return adgang.visible(
        user, adgang.VIEW, Spoergeskema.objects.select_related("person", "sagsdel")
    )


def registrations_for(user: Any) -> QuerySet[Registrering]:
    """Registrations of the families the user may see (family level: values filter below)."""
    return adgang.visible(user, adgang.VIEW, Registrering.objects.all())


def visible_values(user: Any, registrering_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The values of these registrations the user may see, by registration, in one query.

    Plain rows, not model instances: an API page holds hundreds of values, and building a
    Vaerdi with its indicator and sector part for each was most of the page's time."""
    result: dict[int, list[dict]] = defaultdict(list)
    rows = (
        adgang.visible(
            user, adgang.VIEW, Vaerdi.objects.filter(registrering_id__in=list(registrering_ids))
        )
        .order_by("indikator__raekkefoelge", "pk")
        .values(
            "registrering_id",
            "tal",
            "tekst",
            indikator_kode=F("indikator__kode"),
            indikator_navn=F("indikator__navn"),
            sektor=F("sagsdel__sektor"),
        )
    )
    for row in rows:
        result[row.pop("registrering_id")].append(row)
    return result


# --- Risks and milestones -------------------------------------------------------------------


def risks(projekt: Projekt | None) -> QuerySet[Risiko]:
    """The project's risks (project data, no personal data: the view checks the role)."""
    if projekt is None:
        return Risiko.objects.none()
    return Risiko.objects.filter(projekt=projekt).order_by("status", "-sandsynlighed", "pk")


def milestones(projekt: Projekt | None) -> QuerySet[Milepael]:
    if projekt is None:
        return Milepael.objects.none()
    return Milepael.objects.filter(projekt=projekt).order_by("frist", "pk")


def risks_as_of(projekt: Projekt, maaned: datetime.date) -> list[dict]:
    """Each risk as assessed for a month: its latest history row up to that month."""
    maaned = rules.month_start(maaned)
    latest: dict[int, Any] = {}
    for row in (
        RisikoAendring.objects.filter(risiko__projekt=projekt, maaned__lte=maaned)
        .select_related("risiko", "aendret_af")
        .order_by("risiko_id", "maaned", "tidspunkt", "pk")
    ):
        latest[row.risiko_id] = row
    return sorted(
        (
            {
                "risiko": row.risiko,
                "status": row.til_status,
                "status_label": Risiko.Status(row.til_status).label,
                "sandsynlighed": row.sandsynlighed,
                "konsekvens": row.konsekvens,
                "score": row.sandsynlighed * row.konsekvens,
                "maaned": row.maaned,
            }
            for row in latest.values()
        ),
        key=lambda r: (r["status"] == Risiko.Status.LUKKET, -r["score"], r["risiko"].pk),
    )


def milestones_as_of(projekt: Projekt, maaned: datetime.date) -> list[dict]:
    maaned = rules.month_start(maaned)
    latest: dict[int, Any] = {}
    for row in (
        MilepaelAendring.objects.filter(milepael__projekt=projekt, maaned__lte=maaned)
        .select_related("milepael")
        .order_by("milepael_id", "maaned", "tidspunkt", "pk")
    ):
        latest[row.milepael_id] = row
    return sorted(
        (
            {
                "milepael": row.milepael,
                "status": row.til_status,
                "status_label": Milepael.Status(row.til_status).label,
                "frist": row.frist,
                "maaned": row.maaned,
            }
            for row in latest.values()
        ),
        key=lambda r: (r["frist"], r["milepael"].pk),
    )


# --- Imports ----------------------------------------------------------------------------------


def imports_for(user: Any, projekt: Projekt | None) -> QuerySet[Indlaesning]:
    """A user's own imports in the project: only the uploader sees the rows they checked."""
    if projekt is None or not getattr(user, "is_authenticated", False):
        return Indlaesning.objects.none()
    return Indlaesning.objects.filter(projekt=projekt, oprettet_af=user)


def import_detail(user: Any, projekt: Projekt | None, pk: int) -> Indlaesning:
    indlaesning = imports_for(user, projekt).filter(pk=pk).first()
    if indlaesning is None:
        raise Http404
    return indlaesning


# --- The citizen's own progress (DOMAIN.md §6.3a) ---------------------------------------------


@dataclass
class Omraade:
    navn: str
    trend: str
    forloeb: list[tuple[datetime.date, str]]

    @property
    def trend_label(self) -> str:
        return str(rules.TREND_LABELS[self.trend])


@dataclass
class Udvikling:
    person: Person
    egen: bool
    omraader: list[Omraade]


PROGRESS_MONTHS = 12


def citizen_progress(user: Any, *, today: datetime.date) -> list[Udvikling]:
    """A citizen's own progress and their children's (where they hold custody), per area.

    Not through the staff grants: a citizen holds none. The rule is the family's own: the
    signed-in person, and the children of a family where that person is a current adult
    member with custody. Plain trends only; the raw values never leave this function.
    """
    person = Person.objects.filter(bruger=user).first() if user.is_authenticated else None
    if person is None:
        return []
    custody_families = list(
        Familiemedlemskab.objects.filter(
            person=person,
            til__isnull=True,
            rolle=Familiemedlemskab.Rolle.VOKSEN,
            foraeldremyndighed=True,
            familie__status__in=[Familie.Status.AKTIV, Familie.Status.AFSLUTTET],
        ).values_list("familie_id", flat=True)
    )
    children = list(
        Person.objects.filter(
            medlemskaber__familie_id__in=custody_families,
            medlemskaber__rolle=Familiemedlemskab.Rolle.BARN,
            medlemskaber__til__isnull=True,
        )
        .exclude(pk=person.pk)
        .distinct()
        .order_by("foedselsdato", "pk")
    )
    persons = [person, *children]
    since = rules.add_months(rules.month_start(today), -(PROGRESS_MONTHS - 1))
    series: dict[tuple[int, int], list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for person_id, indikator_id, maaned, tal in (
        Vaerdi.objects.filter(
            registrering__person__in=persons,
            registrering__maaned__gte=since,
            indikator__type=Indikator.Type.SKALA,
            tal__isnull=False,
        )
        .order_by("registrering__maaned")
        .values_list("registrering__person_id", "indikator_id", "registrering__maaned", "tal")
    ):
        series[(person_id, indikator_id)].append((maaned, tal))
    indikatorer = Indikator.objects.in_bulk({pk for _p, pk in series})
    result = []
    for index, who in enumerate(persons):
        omraader = []
        for (person_id, indikator_id), points in sorted(
            series.items(), key=lambda kv: (indikatorer[kv[0][1]].raekkefoelge, kv[0][1])
        ):
            if person_id != who.pk:
                continue
            steps = [
                (maaned, str(rules.TREND_LABELS[rules.step(points[i - 1][1], tal)]))
                for i, (maaned, tal) in enumerate(points)
                if i > 0
            ]
            omraader.append(
                Omraade(
                    navn=indikatorer[indikator_id].navn,
                    trend=rules.trend([tal for _m, tal in points]),
                    forloeb=steps,
                )
            )
        result.append(Udvikling(person=who, egen=index == 0, omraader=omraader))
    audit.log(
        user=user,
        handling=audit.Handling.READ,
        formaal=audit.Formaal.REGISTRERING,
        person=person,
        detaljer={"portal": True, "personer": [p.pk for p in persons]},
    )
    return result
