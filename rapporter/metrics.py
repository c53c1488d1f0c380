"""The outcome metrics of DOMAIN.md §8: exact definitions, computed by SQL aggregation.

Every figure can be checked by hand from the registrations:

- A person's registration **at admission** is their first registration in the family's current
  stay (the first month on or after `Familie.optaget`; every month when the date is unknown).
  Their registration **now** is the registration of the month reported on.
- A figure "at admission vs. now" counts the persons who have both registrations and the
  value(s) the figure needs in both; the two shares share that denominator, so a change is a
  change in the same people, not in who happened to be registered.
- A figure about **improvement** needs a registration at admission from an earlier month than
  the month reported on (someone registered once cannot have improved).
- Only the national indicators count (a municipality's own indicators are not comparable).
- Questionnaires: the **first** measurement is a person's earliest scored WHO-5 (or SDQ, parent
  version) in the project; the **latest** is their newest one dated on or before the month's
  last day; a person counts when the latest is later than the first.

One call computes every metric for many projects and a range of months in two statements (one
over registrations, one over questionnaires), so a dashboard's trend and the national overview
cost the same number of queries as one month of one project.
"""

# Statements are assembled from constant fragments of this module; values travel as
# parameters and the registration filter is compiled by Django's ORM.
from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from registrering import rules, scoring
from registrering.models import Indikator, Registrering, Spoergeskema, Vaerdi

PCT = "pct"
MEAN = "mean"

# The severity threshold of the 0–4 scale: 3 = svære, 4 = omfattende problemer.
SEVERE = 3
WHO5_RELEVANT = scoring.WHO5_RELEVANT_CHANGE
SDQ_VERSION = "foraelder"


@dataclass(frozen=True)
class Definition:
    key: str
    label: Any
    definition: Any
    unit: str  # PCT: a share in per cent; MEAN: a mean value
    paired: bool  # shown at admission and now; else one figure for the month
    national: str = ""  # the national mid-term evaluation's figure, for reference


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "kontanthjaelp",
        _("Voksne på kontanthjælp"),
        _(
            "Andel af de voksne, hvis forsørgelse er registreret både ved optagelse og i "
            "måneden, der har forsørgelsen kontanthjælp."
        ),
        PCT,
        True,
        "73 % → 64 %",
    ),
    Definition(
        "boern_svaere",
        _("Børn med svære eller omfattende problemer"),
        _(
            "Andel af børnene med funktionsniveau registreret både ved optagelse og i måneden, "
            "der har mindst én af de seks børneindikatorer på 3 eller 4."
        ),
        PCT,
        True,
        "49 % → 40 %",
    ),
    Definition(
        "boern_forbedret",
        _("Børn med forbedret funktionsniveau"),
        _(
            "Andel af børnene registreret ved optagelse og i måneden (og optaget før måneden), "
            "hvis gennemsnit af børneindikatorerne er lavere nu end ved optagelse."
        ),
        PCT,
        False,
        "73 %",
    ),
    Definition(
        "fravaer_faldet",
        _("Familier hvor børnenes skolefravær faldt"),
        _(
            "Andel af familierne med mindst ét skolebarn, hvis fravær er registreret ved "
            "optagelse og i måneden, hvor børnenes gennemsnitlige fravær er lavere nu."
        ),
        PCT,
        False,
        "29 %",
    ),
    Definition(
        "boern_forbedret_voksne_forbedret",
        _("Forbedrede børn i familier, hvor de voksne også er forbedret"),
        _(
            "Blandt børnene i familier, hvor de voksnes gennemsnitlige funktionsniveau er "
            "bedre nu end ved optagelse: andelen af børn, hvis eget gennemsnit også er bedre."
        ),
        PCT,
        False,
        "63 %",
    ),
    Definition(
        "beskaeftigelse_uddannelse",
        _("Voksne i beskæftigelse eller uddannelse"),
        _(
            "Andel af de voksne med arbejdstimer registreret ved optagelse og i måneden, der "
            "har mere end 0 arbejdstimer om ugen eller er startet på en uddannelse."
        ),
        PCT,
        True,
    ),
    Definition(
        "arbejdstimer",
        _("Arbejdstimer pr. uge (gennemsnit)"),
        _(
            "Gennemsnitligt antal arbejdstimer pr. uge for de voksne med arbejdstimer "
            "registreret både ved optagelse og i måneden."
        ),
        MEAN,
        True,
    ),
    Definition(
        "fritidsjob",
        _("Børn på 13 år og derover med fritidsjob"),
        _(
            "Andel af børnene på 13–17 år med fritidsjob registreret ved optagelse og i "
            "måneden, der har et fritidsjob."
        ),
        PCT,
        True,
    ),
    Definition(
        "who5",
        _("WHO-5 trivselsindeks (gennemsnit)"),
        _(
            "Gennemsnitlig WHO-5-procentscore ved første måling og ved seneste måling til og "
            "med måneden, for voksne med mindst to målinger."
        ),
        MEAN,
        True,
    ),
    Definition(
        "who5_relevant",
        _("WHO-5: relevant ændring"),
        _(
            "Andel af de voksne med mindst to WHO-5-målinger, hvis score er ændret mindst 10 "
            "procentpoint (op eller ned) fra første til seneste måling."
        ),
        PCT,
        False,
    ),
    Definition(
        "sdq",
        _("SDQ samlede vanskeligheder (gennemsnit)"),
        _(
            "Gennemsnitlig SDQ-totalscore (forælderversionen, 0–40) ved første og seneste "
            "måling til og med måneden, for børn med mindst to målinger."
        ),
        MEAN,
        True,
    ),
    Definition(
        "sdq_relevant",
        _("SDQ: relevant ændring"),
        _(
            "Andel af børnene med mindst to SDQ-målinger (forælderversionen), hvis totalscore "
            "ligger i et andet af de fire bånd nu end ved første måling."
        ),
        PCT,
        False,
    ),
)
BY_KEY = {d.key: d for d in DEFINITIONS}


@dataclass(frozen=True)
class Value:
    """One metric for one project and month: counts so a reader can redo the division."""

    naevner: int = 0
    taeller: int | None = None  # PCT: how many now; MEAN: unused
    taeller_optagelse: int | None = None  # PCT & paired: how many at admission
    sum_nu: float | None = None  # MEAN: the sum now
    sum_optagelse: float | None = None  # MEAN: the sum at admission

    def _share(self, count: int | None) -> float | None:
        if not self.naevner or count is None:
            return None
        return round(100 * count / self.naevner, 1)

    def _mean(self, total: float | None) -> float | None:
        if not self.naevner or total is None:
            return None
        return round(total / self.naevner, 1)

    def nu(self, unit: str) -> float | None:
        return self._share(self.taeller) if unit == PCT else self._mean(self.sum_nu)

    def ved_optagelse(self, unit: str) -> float | None:
        if unit == PCT:
            return self._share(self.taeller_optagelse)
        return self._mean(self.sum_optagelse)

    def as_dict(self, unit: str) -> dict:
        return {
            "naevner": self.naevner,
            "taeller": self.taeller,
            "taeller_optagelse": self.taeller_optagelse,
            "nu": self.nu(unit),
            "ved_optagelse": self.ved_optagelse(unit),
        }


EMPTY = Value()

Key = tuple[int, datetime.date]


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _num(value: Any) -> float:
    return 0.0 if value is None else float(value)


def _registrations(projekt_ids: list[int], til: datetime.date, koordinator_id):
    """The registrations in the families' current stays up to `til` (no values yet)."""
    rows = Registrering.objects.filter(familie__projekt_id__in=projekt_ids, maaned__lte=til)
    rows = rows.filter(
        Q(familie__optaget__isnull=True) | Q(maaned__gte=TruncMonth("familie__optaget"))
    )
    if koordinator_id:
        rows = rows.filter(familie__koordinator_id=koordinator_id)
    return (
        rows.annotate(pid=F("familie__projekt_id"))
        .values("id", "person_id", "familie_id", "maaned", "pid")
        .order_by()
    )


def _both(column: str) -> str:
    return f"p.b_{column} IS NOT NULL AND p.n_{column} IS NOT NULL"


REGISTRATION_SQL = """
WITH regs AS ({registrations}),
first_m AS (
    SELECT person_id, familie_id, MIN(maaned) AS m0 FROM regs GROUP BY person_id, familie_id
),
-- Only the months reported on and each person's admission month need their values.
sel AS (
    SELECT r.id, r.person_id, r.familie_id, r.maaned, r.pid
    FROM regs r JOIN first_m f ON f.person_id = r.person_id AND f.familie_id = r.familie_id
    WHERE r.maaned >= {fra} OR r.maaned = f.m0
),
feat AS (
    SELECT s.id, s.person_id, s.familie_id, s.maaned, s.pid,
        AVG(CASE WHEN {child_scale} THEN v.tal END) AS cmean,
        MAX(CASE WHEN {child_scale} THEN v.tal END) AS cmax,
        AVG(CASE WHEN {adult_scale} THEN v.tal END) AS amean,
        MAX(CASE WHEN {national} AND i.kode = 'forsoergelse'
                 THEN (CASE WHEN v.tekst = 'kontanthjaelp' THEN 1 ELSE 0 END) END) AS kontant,
        MAX(CASE WHEN {national} AND i.kode = 'arbejdstimer_uge' THEN v.tal END) AS timer,
        MAX(CASE WHEN {national} AND i.kode = 'startet_uddannelse' THEN v.tal END) AS udd,
        MAX(CASE WHEN {national} AND i.kode = 'skolefravaer_pct' THEN v.tal END) AS fravaer,
        MAX(CASE WHEN {national} AND i.kode = 'fritidsjob' THEN v.tal END) AS fjob
    FROM sel s
    LEFT JOIN {vaerdi} v ON v.registrering_id = s.id
    LEFT JOIN {indikator} i ON i.id = v.indikator_id
    GROUP BY s.id, s.person_id, s.familie_id, s.maaned, s.pid
),
pairs AS (
    SELECT n.pid AS projekt_id, n.maaned AS maaned, n.familie_id AS familie_id,
           CASE WHEN b.maaned < n.maaned THEN 1 ELSE 0 END AS later,
           b.cmean AS b_cmean, n.cmean AS n_cmean, b.cmax AS b_cmax, n.cmax AS n_cmax,
           b.amean AS b_amean, n.amean AS n_amean, b.kontant AS b_kontant,
           n.kontant AS n_kontant, b.timer AS b_timer, n.timer AS n_timer,
           b.udd AS b_udd, n.udd AS n_udd, b.fravaer AS b_fravaer, n.fravaer AS n_fravaer,
           b.fjob AS b_fjob, n.fjob AS n_fjob
    FROM feat n
    JOIN first_m f ON f.person_id = n.person_id AND f.familie_id = n.familie_id
    JOIN feat b ON b.person_id = f.person_id AND b.familie_id = f.familie_id AND b.maaned = f.m0
    WHERE n.maaned >= {fra2}
),
-- The family's adults' and school children's means, beside each person (a window, not a join).
fp AS (
    SELECT pairs.*,
        AVG(CASE WHEN later = 1 AND b_amean IS NOT NULL AND n_amean IS NOT NULL
                 THEN b_amean END) OVER (PARTITION BY maaned, familie_id) AS fb_a,
        AVG(CASE WHEN later = 1 AND b_amean IS NOT NULL AND n_amean IS NOT NULL
                 THEN n_amean END) OVER (PARTITION BY maaned, familie_id) AS fn_a,
        AVG(CASE WHEN later = 1 AND b_fravaer IS NOT NULL AND n_fravaer IS NOT NULL
                 THEN b_fravaer END) OVER (PARTITION BY maaned, familie_id) AS fb_f,
        AVG(CASE WHEN later = 1 AND b_fravaer IS NOT NULL AND n_fravaer IS NOT NULL
                 THEN n_fravaer END) OVER (PARTITION BY maaned, familie_id) AS fn_f
    FROM pairs
),
fam AS (SELECT DISTINCT projekt_id, maaned, familie_id, fb_f, fn_f FROM fp),
fam_agg AS (
    SELECT projekt_id, maaned, COUNT(*) AS fravaer_n,
           SUM(CASE WHEN fn_f < fb_f THEN 1 ELSE 0 END) AS fravaer_faldet
    FROM fam WHERE fb_f IS NOT NULL GROUP BY projekt_id, maaned
),
person_agg AS (
    SELECT p.projekt_id, p.maaned,
        SUM(CASE WHEN {kontant} THEN 1 ELSE 0 END) AS c1,
        SUM(CASE WHEN {kontant} THEN p.b_kontant ELSE 0 END) AS c2,
        SUM(CASE WHEN {kontant} THEN p.n_kontant ELSE 0 END) AS c3,
        SUM(CASE WHEN {cmax} THEN 1 ELSE 0 END) AS c4,
        SUM(CASE WHEN {cmax} AND p.b_cmax >= {severe} THEN 1 ELSE 0 END) AS c5,
        SUM(CASE WHEN {cmax} AND p.n_cmax >= {severe} THEN 1 ELSE 0 END) AS c6,
        SUM(CASE WHEN p.later = 1 AND {cmean} THEN 1 ELSE 0 END) AS c7,
        SUM(CASE WHEN p.later = 1 AND {cmean} AND p.n_cmean < p.b_cmean THEN 1 ELSE 0 END) AS c8,
        SUM(CASE WHEN p.later = 1 AND {cmean} AND p.fn_a < p.fb_a THEN 1 ELSE 0 END) AS c9,
        SUM(CASE WHEN p.later = 1 AND {cmean} AND p.fn_a < p.fb_a AND p.n_cmean < p.b_cmean
                 THEN 1 ELSE 0 END) AS c10,
        SUM(CASE WHEN {timer} THEN 1 ELSE 0 END) AS c11,
        SUM(CASE WHEN {timer} AND (p.b_timer > 0 OR p.b_udd = 1) THEN 1 ELSE 0 END) AS c12,
        SUM(CASE WHEN {timer} AND (p.n_timer > 0 OR p.n_udd = 1) THEN 1 ELSE 0 END) AS c13,
        SUM(CASE WHEN {timer} THEN p.b_timer ELSE 0 END) AS c14,
        SUM(CASE WHEN {timer} THEN p.n_timer ELSE 0 END) AS c15,
        SUM(CASE WHEN {fjob} THEN 1 ELSE 0 END) AS c16,
        SUM(CASE WHEN {fjob} AND p.b_fjob = 1 THEN 1 ELSE 0 END) AS c17,
        SUM(CASE WHEN {fjob} AND p.n_fjob = 1 THEN 1 ELSE 0 END) AS c18
    FROM fp p
    GROUP BY p.projekt_id, p.maaned
)
SELECT pa.projekt_id, pa.maaned, pa.c1, pa.c2, pa.c3, pa.c4, pa.c5, pa.c6, pa.c7, pa.c8, pa.c9,
    pa.c10, pa.c11, pa.c12, pa.c13, pa.c14, pa.c15, pa.c16, pa.c17, pa.c18,
    fa.fravaer_n, fa.fravaer_faldet
FROM person_agg pa
LEFT JOIN fam_agg fa ON fa.projekt_id = pa.projekt_id AND fa.maaned = pa.maaned
"""

QUESTIONNAIRE_SQL = """
WITH q AS ({questionnaires}),
months(m, mend) AS ({months}),
-- Each measurement known at each month's end, beside the person's first and latest date then
-- (the first measurement is the earliest overall, so it is the earliest known at any month
-- that knows a later one). Windows, not joins of aggregates: the plan stays linear.
x AS (
    SELECT months.m AS m, q.pid AS pid, q.person_id AS person_id, q.type AS type,
           q.dato AS dato, q.score AS score,
           MIN(q.dato) OVER w AS d0, MAX(q.dato) OVER w AS d1
    FROM q JOIN months ON q.dato <= months.mend
    WINDOW w AS (PARTITION BY months.m, q.pid, q.person_id, q.type)
),
pairs AS (
    SELECT m, pid, type, person_id,
           AVG(CASE WHEN dato = d0 THEN score END) AS s0,
           AVG(CASE WHEN dato = d1 THEN score END) AS s1
    FROM x WHERE d1 > d0
    GROUP BY m, pid, type, person_id
)
SELECT pid, m, type, COUNT(*), SUM(s0), SUM(s1),
    SUM(CASE WHEN type = 'who5' AND (s1 - s0 >= {who5} OR s0 - s1 >= {who5}) THEN 1
             WHEN type = 'sdq' AND {band_s0} <> {band_s1} THEN 1 ELSE 0 END)
FROM pairs GROUP BY pid, m, type
"""


def _band_case(column: str) -> str:
    """The SDQ total's four-band category as SQL, built from the scoring module's table."""
    bands = scoring.SDQ_VERSIONS[SDQ_VERSION].bands[scoring.TOTAL]
    whens = " ".join(
        f"WHEN {column} <= {high} THEN {index}" for index, (_low, high) in enumerate(bands)
    )
    return f"(CASE {whens} ELSE {len(bands) - 1} END)"


def _param() -> str:
    return "%s::date" if connection.vendor == "postgresql" else "%s"


def _questionnaires(projekt_ids: list[int], til: datetime.date, koordinator_id):
    rows = Spoergeskema.objects.filter(
        sagsdel__familie__projekt_id__in=projekt_ids, score__isnull=False, dato__lte=til
    ).filter(Q(type=Spoergeskema.Type.WHO5) | Q(type=Spoergeskema.Type.SDQ, version=SDQ_VERSION))
    if koordinator_id:
        rows = rows.filter(sagsdel__familie__koordinator_id=koordinator_id)
    return (
        rows.annotate(pid=F("sagsdel__familie__projekt_id"))
        .values("person_id", "type", "dato", "score", "pid")
        .order_by()
    )


def months_between(fra: datetime.date, til: datetime.date) -> list[datetime.date]:
    months, month = [], rules.month_start(fra)
    while month <= til:
        months.append(month)
        month = rules.add_months(month, 1)
    return months


def compute(
    projekt_ids: Iterable[int],
    fra: datetime.date,
    til: datetime.date,
    *,
    koordinator_id: int | None = None,
) -> dict[Key, dict[str, Value]]:
    """Every metric for each project and month from `fra` to `til` (first days of months).

    Aggregates only: no person is named in the result. The caller decides who may see which
    project; a `koordinator_id` narrows to that case manager's families.
    """
    projekt_ids = sorted(set(projekt_ids))
    fra, til = rules.month_start(fra), rules.month_start(til)
    result: dict[Key, dict[str, Value]] = {
        (pid, month): {} for pid in projekt_ids for month in months_between(fra, til)
    }
    if not projekt_ids:
        return result
    compiler_sql, compiler_params = (
        _registrations(projekt_ids, til, koordinator_id)
        .query.get_compiler(connection=connection)
        .as_sql()
    )
    national = "i.kommune_id IS NULL"
    sql = REGISTRATION_SQL.format(
        registrations=compiler_sql,
        fra=_param(),
        fra2=_param(),
        national=national,
        child_scale=f"{national} AND i.gaelder_for = 'barn' AND i.type = 'skala'",
        adult_scale=f"{national} AND i.gaelder_for = 'voksen' AND i.type = 'skala'",
        vaerdi=Vaerdi._meta.db_table,
        indikator=Indikator._meta.db_table,
        severe=SEVERE,
        kontant=_both("kontant"),
        cmax=_both("cmax"),
        cmean=_both("cmean"),
        timer=_both("timer"),
        fjob=_both("fjob"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*compiler_params, fra, fra])
        rows = cursor.fetchall()
    for row in rows:
        key = (row[0], _as_date(row[1]))
        if key not in result:
            continue
        (kn, kb, knu, sn, sb, snu, fn, fnu, bvn, bvnu, tn, tb, tnu, ts0, ts1, jn, jb, jnu) = row[
            2:20
        ]
        values = result[key]
        values["kontanthjaelp"] = Value(int(kn), int(knu), int(kb))
        values["boern_svaere"] = Value(int(sn), int(snu), int(sb))
        values["boern_forbedret"] = Value(int(fn), int(fnu))
        values["boern_forbedret_voksne_forbedret"] = Value(int(bvn), int(bvnu))
        values["beskaeftigelse_uddannelse"] = Value(int(tn), int(tnu), int(tb))
        values["arbejdstimer"] = Value(int(tn), sum_nu=_num(ts1), sum_optagelse=_num(ts0))
        values["fritidsjob"] = Value(int(jn), int(jnu), int(jb))
        values["fravaer_faldet"] = Value(int(row[20] or 0), int(row[21] or 0))

    months = months_between(fra, til)
    month_rows = " UNION ALL ".join(f"SELECT {_param()}, {_param()}" for _ in months)
    month_params: list = []
    for month in months:
        month_params += [month, rules.month_end(month)]
    q_sql, q_params = (
        _questionnaires(projekt_ids, rules.month_end(til), koordinator_id)
        .query.get_compiler(connection=connection)
        .as_sql()
    )
    sql = QUESTIONNAIRE_SQL.format(
        questionnaires=q_sql,
        months=month_rows,
        who5=WHO5_RELEVANT,
        band_s0=_band_case("s0"),
        band_s1=_band_case("s1"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*q_params, *month_params])
        rows = cursor.fetchall()
    for pid, month, kind, count, s0, s1, relevant in rows:
        key = (pid, _as_date(month))
        if key not in result:
            continue
        name = "who5" if kind == Spoergeskema.Type.WHO5 else "sdq"
        result[key][name] = Value(int(count), sum_nu=_num(s1), sum_optagelse=_num(s0))
        result[key][f"{name}_relevant"] = Value(int(count), int(relevant or 0))
    return result


def as_table(values: dict[str, Value]) -> list[dict]:
    """One month's metrics as rows for a page, a PDF or a data file: definition beside figure."""
    rows = []
    for definition in DEFINITIONS:
        value = values.get(definition.key, EMPTY)
        rows.append(
            {
                "key": definition.key,
                "label": str(definition.label),
                "definition": str(definition.definition),
                "unit": definition.unit,
                "paired": definition.paired,
                "national": definition.national,
                **value.as_dict(definition.unit),
            }
        )
    return rows


def fmt(value: float | Decimal | None, unit: str) -> str:
    """A figure as the pages print it (Danish decimal comma)."""
    if value is None:
        return "–"
    text = f"{float(value):.1f}".replace(".", ",")
    return f"{text} %" if unit == PCT else text


def fingerprint(projekt_ids: list[int]) -> str:
    """A cheap summary of everything the metrics read for these projects: registrations (count,
    last change), questionnaires (count, newest id) and the families' case managers and
    admission dates. Any change to those changes the fingerprint (three indexed queries)."""
    from django.db.models import Count, Max, Sum
    from django.db.models.functions import Coalesce

    from kerne.models import Familie

    registrations = Registrering.objects.filter(familie__projekt_id__in=projekt_ids).aggregate(
        n=Count("id"), last=Max("aendret")
    )
    questionnaires = Spoergeskema.objects.filter(
        sagsdel__familie__projekt_id__in=projekt_ids
    ).aggregate(n=Count("id"), last=Max("id"))
    families = Familie.objects.filter(projekt_id__in=projekt_ids).aggregate(
        n=Count("id"),
        k=Sum(Coalesce("koordinator_id", 0) * F("id")),
        o=Max("optaget"),
    )
    return ":".join(
        str(value)
        for value in (*registrations.values(), *questionnaires.values(), *families.values())
    )


def compute_cached(
    projekt_ids: Iterable[int],
    fra: datetime.date,
    til: datetime.date,
    *,
    koordinator_id: int | None = None,
) -> dict[Key, dict[str, Value]]:
    """compute(), kept in the shared cache under the data's fingerprint: a dashboard opened
    again, by any web worker, reads the figures without recomputing them, and any new or changed
    registration, questionnaire or assignment gives a new key (so nothing stale is ever shown)."""
    from django.core.cache import caches

    cache = caches["shared"]

    ids = sorted(set(projekt_ids))
    raw = f"{ids}:{fra}:{til}:{koordinator_id or 0}:{fingerprint(ids)}"
    key = "rapporter:maal:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute(ids, fra, til, koordinator_id=koordinator_id)
        cache.set(key, result)
    return result
