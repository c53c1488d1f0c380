"""The investment model's figures, computed in the database in one SQL statement per figure set.

Each cost line is cut into segments: the part of the line inside one window (a family's
baseline, the rolling 12 months, ...), one calendar month and one price period. A segment's
amount is, by the cost type's unit:

- pr. måned: antal × pris × dage / dage i måneden (a partial month is prorated by days);
- pr. år: antal × pris × dage / (12 × dage i måneden) (a whole year is exactly the price);
- pr. dag: antal × pris × dage;
- pr. time, session, forløb: antal × pris × dage / dage i linjens periode (the count is spread
  evenly over the line's days, so a line across a price change is priced part by part).

Prices come from the catalogue (valid from a date until the next price of the type, found with
the window function LEAD); a line with an override uses its own price for its whole period.
A what-if price (Hypotese) replaces the catalogue's prices of one type from a date, in this
query only. Only lines the caller passes (already filtered by kerne.adgang) are read.

Portable SQL for SQLite (3.25+: window functions) and PostgreSQL: the handful of date functions
that differ are in `_Dialect`. PostgreSQL computes in exact numeric; SQLite in double precision,
so figures may differ below one øre before they are rounded for display.
"""

# Every statement here is assembled from constant fragments of this module; values (dates,
# ids, amounts) always travel as parameters, and the caller's access filter is compiled by
# Django's ORM. Hence no S608 (string-built SQL) here.
# ruff: noqa: S608
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Min, QuerySet
from django.db.models.functions import Coalesce

from investering.businesscase import ZERO, add_months
from investering.models import Investeringslinje, Omkostningslinje
from kerne.models import Familie

FAR = "9999-12-31"
EARLY = "0001-01-01"

# Windows a figure set may ask for; each is half-open [fra, til).
BASELINE = "baseline"  # the 12 months before admission, per family
AKTUEL = "aktuel"  # the rolling 12 months up to and including the reference date
SIDEN_OPTAGELSE = "siden_optagelse"  # from the first whole month after admission to the date
PERIODE = "periode"  # from the start of the baseline to the reference date, per family
WINDOWS = (BASELINE, AKTUEL, SIDEN_OPTAGELSE, PERIODE)

# The family statuses that have been admitted: only those have a baseline and a business case.
ADMITTED = (Familie.Status.OPTAGET, Familie.Status.AKTIV, Familie.Status.AFSLUTTET)


def year_before(day: date) -> date:
    """The same day a year earlier; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def first_whole_month(day: date) -> date:
    return day if day.day == 1 else add_months(day, 1)


def rolling_year(as_of: date) -> tuple[date, date]:
    """The rolling 12 months ending with as_of, half-open: [fra, til)."""
    til = as_of + timedelta(days=1)
    return year_before(til), til


@dataclass(frozen=True)
class Hypotese:
    """A what-if price: this type costs `beloeb` from `gyldig_fra` (nothing is saved)."""

    omkostningstype_id: int
    beloeb: Decimal
    gyldig_fra: date


class _Dialect:
    """The SQL that differs between SQLite and PostgreSQL. Dates are ISO text on SQLite."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def param(self) -> str:
        return "CAST(%s AS date)" if self.pg else "%s"

    def literal(self, iso: str) -> str:
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"

    def days(self, start: str, end: str) -> str:
        return f"({end} - {start})" if self.pg else f"(julianday({end}) - julianday({start}))"

    def plus_day(self, day: str) -> str:
        return f"({day} + 1)" if self.pg else f"date({day}, '+1 day')"

    def next_month(self, month: str) -> str:
        return (
            f"CAST({month} + interval '1 month' AS date)"
            if self.pg
            else f"date({month}, '+1 month')"
        )

    def month_start(self, day: str) -> str:
        return (
            f"CAST(date_trunc('month', CAST({day} AS timestamp)) AS date)"
            if self.pg
            else f"date({day}, 'start of month')"
        )

    def year_before(self, day: str) -> str:
        if self.pg:  # PostgreSQL already clamps 29 February to the 28th
            return f"CAST({day} - interval '12 months' AS date)"
        return (
            f"(CASE WHEN strftime('%%m-%%d', {day}) = '02-29' "
            f"THEN date({day}, '-1 day', '-12 months') ELSE date({day}, '-12 months') END)"
        )

    def first_whole_month(self, day: str) -> str:
        if self.pg:
            return (
                f"(CASE WHEN EXTRACT(DAY FROM {day}) = 1 THEN {day} ELSE "
                f"CAST(date_trunc('month', CAST({day} AS timestamp)) + interval '1 month' AS date)"
                f" END)"
            )
        return (
            f"(CASE WHEN strftime('%%d', {day}) = '01' THEN {day} "
            f"ELSE date({day}, 'start of month', '+1 month') END)"
        )

    def materialized(self) -> str:
        """Compute a CTE once: PostgreSQL would otherwise inline it and re-evaluate its
        correlated subqueries (the admission date, the price's end) for every month row."""
        return "MATERIALIZED " if self.pg else ""

    def greatest(self, *terms: str) -> str:
        return f"{'GREATEST' if self.pg else 'max'}({', '.join(terms)})"

    def least(self, *terms: str) -> str:
        return f"{'LEAST' if self.pg else 'min'}({', '.join(terms)})"


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def admission_dates(familier: QuerySet[Familie]) -> dict[int, date]:
    """Each family's admission date (one query): the first day of its current stay, which
    the visitation app records on the family; for a family never admitted through visitation
    (imported, or older data), the earliest membership start."""
    return {
        pk: optaget
        for pk, optaget in familier.annotate(admitted=Coalesce("optaget", Min("medlemskaber__fra")))
        .order_by()
        .values_list("pk", "admitted")
        if optaget is not None
    }


class Figures:
    """One statement over the cost lines of some families, in some windows.

    `linjer`: the cost lines to count, already filtered by the access policy.
    `familier`: the families in scope (their admission dates give the per-family windows).
    `optagelse`: explicit admission dates by family id; else `Familie.optaget`, falling back
    to the earliest membership start.
    """

    def __init__(
        self,
        *,
        linjer: QuerySet[Omkostningslinje],
        familier: QuerySet[Familie],
        as_of: date,
        windows: tuple[str, ...] = WINDOWS,
        optagelse: dict[int, date] | None = None,
        hypotese: Hypotese | None = None,
    ) -> None:
        self.d = _Dialect(connection.vendor)
        self.linjer = linjer
        self.familier = familier
        self.as_of = as_of
        self.windows = windows
        self.optagelse = optagelse
        self.hypotese = hypotese

    # --- The common table expressions --------------------------------------------------------

    def _ctes(self) -> tuple[str, list]:
        """The common table expressions, ending in `poster`: one row per segment.

        Every step is linear in the lines: a line gets its family's admission by an indexed
        lookup, its windows by a cross join with the (at most four) window kinds, its prices
        by an indexed join on its type, and its months by a recursive expansion of each piece.
        No step joins two derived tables on a range, so the plan does not depend on row
        estimates the planner cannot make for these derived tables.
        """
        d = self.d
        params: list = []
        visible_sql, visible_params = _sql(self.linjer.values("pk"))
        familie_sql, familie_params = _sql(self.familier.values("pk"))
        ctes = []
        if self.optagelse is not None:
            rows = [
                f"SELECT %s AS familie_id, {d.param()} AS optaget" for _id in self.optagelse
            ] or [f"SELECT 0 AS familie_id, {d.literal(EARLY)} AS optaget"]
            for familie_id, optaget in self.optagelse.items():
                params += [familie_id, optaget]
            ctes.append(f"optagelse AS ({' UNION ALL '.join(rows)})")
            optaget = "(SELECT o.optaget FROM optagelse o WHERE o.familie_id = sd.familie_id)"
        else:
            optaget = (
                "COALESCE(f.optaget, (SELECT MIN(fm.fra) FROM kerne_familiemedlemskab fm "
                "WHERE fm.familie_id = sd.familie_id))"
            )
        ctes.append(f"""
        linjer AS {d.materialized()}(
            SELECT l.id AS linje_id, l.antal, l.fra,
                   COALESCE({d.plus_day("l.til")}, {d.literal(FAR)}) AS til_x,
                   {d.days("l.fra", d.plus_day("l.til"))} AS linjedage,
                   l.pris_override, l.omkostningstype_id, l.person_id,
                   sd.familie_id, sd.sektor, t.forvaltning_id, t.enhed, f.projekt_id,
                   {optaget} AS optaget
            FROM investering_omkostningslinje l
            JOIN kerne_sagsdel sd ON sd.id = l.sagsdel_id
            JOIN kerne_familie f ON f.id = sd.familie_id
            JOIN investering_omkostningstype t ON t.id = l.omkostningstype_id
            WHERE l.id IN ({visible_sql}) AND sd.familie_id IN ({familie_sql})
        )""")
        params += visible_params
        params += familie_params
        arter = " UNION ALL ".join(f"SELECT '{art}' AS art" for art in self.windows)
        ctes.append(f"arter AS ({arter})")
        aktuel_fra, aktuel_til = rolling_year(self.as_of)
        as_of_x = self.as_of + timedelta(days=1)
        ctes.append(f"""
        vinduer AS (
            SELECT l.*, a.art,
                   CASE a.art
                       WHEN '{BASELINE}' THEN {d.year_before("l.optaget")}
                       WHEN '{AKTUEL}' THEN {d.param()}
                       WHEN '{SIDEN_OPTAGELSE}' THEN {d.first_whole_month("l.optaget")}
                       ELSE {d.year_before("l.optaget")}
                   END AS w_fra,
                   CASE a.art
                       WHEN '{BASELINE}' THEN l.optaget
                       WHEN '{AKTUEL}' THEN {d.param()}
                       ELSE {d.param()}
                   END AS w_til
            FROM linjer l CROSS JOIN arter a
        )""")
        params += [aktuel_fra, aktuel_til, as_of_x]
        if self.hypotese is None:
            # The base table, by its (type, from) index; a price ends where the next begins.
            prices = "investering_pris"
            p_til = (
                "(SELECT MIN(p2.gyldig_fra) FROM investering_pris p2 "
                "WHERE p2.omkostningstype_id = p.omkostningstype_id "
                "AND p2.gyldig_fra > p.gyldig_fra)"
            )
        else:
            h = self.hypotese
            katalog = (
                "SELECT omkostningstype_id, beloeb, gyldig_fra FROM investering_pris "
                "WHERE omkostningstype_id IN (SELECT omkostningstype_id FROM linjer)"
                f" AND NOT (omkostningstype_id = %s AND gyldig_fra >= {d.param()})"
                f" UNION ALL SELECT %s, %s, {d.param()}"
            )
            params += [h.omkostningstype_id, h.gyldig_fra, h.omkostningstype_id, h.beloeb]
            params += [h.gyldig_fra]
            ctes.append(f"""
            priser AS (
                SELECT omkostningstype_id, beloeb, gyldig_fra,
                       LEAD(gyldig_fra) OVER (
                           PARTITION BY omkostningstype_id ORDER BY gyldig_fra
                       ) AS gyldig_til
                FROM ({katalog}) k
            )""")
            prices = "priser"
            p_til = "p.gyldig_til"
        p_fra = f"COALESCE(p.gyldig_fra, {d.literal(EARLY)})"
        p_til = f"COALESCE({p_til}, {d.literal(FAR)})"
        ctes.append(f"""
        stykker AS {d.materialized()}(
            SELECT v.art, v.linje_id, v.familie_id, v.person_id, v.sektor, v.forvaltning_id,
                   v.omkostningstype_id, v.enhed, v.antal, v.linjedage, v.optaget, v.projekt_id,
                   COALESCE(v.pris_override, p.beloeb) AS pris,
                   {d.greatest("v.fra", "v.w_fra", p_fra)} AS a,
                   {d.least("v.til_x", "v.w_til", p_til)} AS b
            FROM vinduer v
            LEFT JOIN {prices} p ON p.omkostningstype_id = v.omkostningstype_id
                AND v.pris_override IS NULL
        )""")
        carried = (
            "art, linje_id, familie_id, person_id, sektor, forvaltning_id, omkostningstype_id, "
            "enhed, antal, linjedage, optaget, projekt_id, pris, a, b"
        )
        if d.pg:
            # One row per calendar month a piece touches: generate_series is several times
            # faster than the recursive expansion at national scale (30,000 families).
            dele = f"""
        dele AS (
            SELECT {carried}, CAST(m.maaned AS date) AS maaned FROM stykker
            CROSS JOIN LATERAL generate_series(
                date_trunc('month', CAST(a AS timestamp)),
                CAST(b - 1 AS timestamp),
                interval '1 month'
            ) AS m(maaned)
            WHERE b > a AND pris IS NOT NULL
        )"""
        else:
            dele = f"""
        dele({carried}, maaned) AS (
            SELECT {carried}, {d.month_start("a")} FROM stykker
            WHERE b > a AND pris IS NOT NULL
            UNION ALL
            SELECT {carried}, {d.next_month("maaned")} FROM dele
            WHERE {d.next_month("maaned")} < b
        )"""
        ctes.append(f"""{dele},
        maanedsdele AS (
            SELECT dele.*,
                   {d.greatest("a", "maaned")} AS s_fra,
                   {d.least("b", d.next_month("maaned"))} AS s_til,
                   {d.days(d.greatest("a", "maaned"), d.least("b", d.next_month("maaned")))}
                       AS dage,
                   {d.days("maaned", d.next_month("maaned"))} AS maanedsdage
            FROM dele
        ),
        poster AS (
            SELECT md.*, CASE md.enhed
                WHEN 'maaned' THEN md.antal * md.pris * md.dage / md.maanedsdage
                WHEN 'aar' THEN md.antal * md.pris * md.dage / (12 * md.maanedsdage)
                WHEN 'dag' THEN md.antal * md.pris * md.dage
                ELSE md.antal * md.pris * md.dage / md.linjedage
            END AS beloeb
            FROM maanedsdele md
        )""")
        return "WITH RECURSIVE " + ",".join(ctes), params

    def _run(self, select: str, extra: list | None = None) -> list[tuple]:
        ctes, params = self._ctes()
        with connection.cursor() as cursor:
            cursor.execute(f"{ctes} {select}", [*params, *(extra or [])])
            return cursor.fetchall()

    # --- Figure sets ------------------------------------------------------------------------

    def totals(self, *group_by: str) -> dict[tuple, Decimal]:
        """Sums keyed (art, *group_by): group by familie_id, forvaltning_id, sektor, maaned,
        omkostningstype_id, linje_id."""
        allowed = {"familie_id", "forvaltning_id", "sektor", "maaned", "omkostningstype_id"}
        allowed |= {"linje_id", "person_id"}
        if not set(group_by) <= allowed:
            raise ValueError(f"cannot group by {set(group_by) - allowed}")
        cols = ", ".join(["art", *group_by])
        rows = self._run(f"SELECT {cols}, SUM(beloeb) FROM poster GROUP BY {cols}")
        result = {}
        for row in rows:
            key = tuple(
                _as_date(value) if name == "maaned" else value
                for name, value in zip(["art", *group_by], row[:-1], strict=True)
            )
            result[key] = _as_decimal(row[-1])
        return result

    def segments(
        self,
        *,
        art: str,
        familie_id: int | None = None,
        forvaltning_id: int | None = None,
        sektor: str = "",
        maaned_fra: date | None = None,
        maaned_til: date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[dict]]:
        """The segments behind a figure, for the drill-down: (count, one page of them)."""
        d = self.d
        where = ["art = %s"]
        extra: list = [art]
        if familie_id is not None:
            where.append("familie_id = %s")
            extra.append(familie_id)
        if forvaltning_id is not None:
            where.append("forvaltning_id = %s")
            extra.append(forvaltning_id)
        if sektor:
            where.append("sektor = %s")
            extra.append(sektor)
        if maaned_fra is not None:
            where.append(f"maaned >= {d.param()}")
            extra.append(maaned_fra)
        if maaned_til is not None:
            where.append(f"maaned <= {d.param()}")
            extra.append(maaned_til)
        condition = " AND ".join(where)
        columns = [
            "linje_id",
            "familie_id",
            "person_id",
            "sektor",
            "forvaltning_id",
            "omkostningstype_id",
            "enhed",
            "antal",
            "pris",
            "maaned",
            "s_fra",
            "s_til",
            "dage",
            "maanedsdage",
            "linjedage",
            "beloeb",
            "total",
            "antal_dele",
        ]
        rows = self._run(
            f"SELECT linje_id, familie_id, person_id, sektor, forvaltning_id, "
            f"omkostningstype_id, enhed, antal, pris, maaned, s_fra, s_til, dage, maanedsdage, "
            f"linjedage, beloeb, SUM(beloeb) OVER (), COUNT(*) OVER () FROM poster "
            f"WHERE {condition} ORDER BY maaned, linje_id, s_fra LIMIT %s OFFSET %s",
            [*extra, limit, offset],
        )
        result = []
        for row in rows:
            item = dict(zip(columns, row, strict=True))
            for key in ("maaned", "s_fra", "s_til"):
                item[key] = _as_date(item[key])
            # The segment's last day, inclusive, is what a reader expects to see.
            item["s_til_incl"] = item["s_til"] - timedelta(days=1)
            for key in ("antal", "pris", "beloeb", "total"):
                item[key] = _as_decimal(item[key])
            for key in ("dage", "maanedsdage", "linjedage"):
                item[key] = int(item[key]) if item[key] is not None else None
            result.append(item)
        count = int(rows[0][-1]) if rows else 0
        return count, result

    def _rate_ctes(self, keys: str, source: str = "poster") -> tuple[str, list]:
        """A twelfth of each family's baseline in every month from its first whole month after
        admission to the reference date, summed by `keys` (appended to the common table
        expressions). Families are summed by their start month before the months are
        expanded, so the expansion grows with the start months, not with the families."""
        d = self.d
        as_of_x = self.as_of + timedelta(days=1)
        sql = f""", bl AS (
            SELECT {keys}, {d.first_whole_month("MIN(optaget)")} AS start,
                   SUM(beloeb) AS beloeb
            FROM {source} WHERE art = '{BASELINE}' GROUP BY familie_id, {keys}
        ), bl_start AS (
            SELECT {keys}, start, SUM(beloeb) AS beloeb FROM bl GROUP BY {keys}, start
        ), rate({keys}, beloeb, maaned) AS (
            SELECT {keys}, beloeb, start FROM bl_start WHERE start < {d.param()}
            UNION ALL
            SELECT {keys}, beloeb, {d.next_month("maaned")} FROM rate
            WHERE {d.next_month("maaned")} < {d.param()}
        )"""
        return sql, [as_of_x, as_of_x]

    def _slim(self, keys: str) -> str:
        """The segments narrowed to what the sums and the baseline rate read, kept once: both
        read them, and `poster` carries every column of a line (millions of rows at national
        scale)."""
        return (
            f", slim AS {self.d.materialized()}("
            f"SELECT {keys}, familie_id, art, maaned, optaget, beloeb FROM poster)"
        )

    def baseline_rate_by_month(self) -> dict[tuple[date, int, str], Decimal]:
        """The baseline rate summed by (month, department, sector)."""
        return self.monthly_and_rate()[1]

    def monthly_and_rate(
        self,
    ) -> tuple[dict[tuple, Decimal], dict[tuple[date, int, str], Decimal]]:
        """In one statement: sums keyed (art, month, department, sector), and the baseline
        rate keyed (month, department, sector). The segments are computed once for both."""
        rate_sql, rate_params = self._rate_ctes("forvaltning_id, sektor", source="slim")
        rows = self._run(
            f"""{self._slim("forvaltning_id, sektor")}{rate_sql}
            SELECT art, maaned, forvaltning_id, sektor, SUM(beloeb) FROM slim
            GROUP BY art, maaned, forvaltning_id, sektor
            UNION ALL
            SELECT 'rate', maaned, forvaltning_id, sektor, SUM(beloeb) / 12 FROM rate
            GROUP BY maaned, forvaltning_id, sektor""",
            rate_params,
        )
        monthly: dict[tuple, Decimal] = {}
        rate: dict[tuple[date, int, str], Decimal] = {}
        for art, maaned, forvaltning_id, sektor, amount in rows:
            key = (_as_date(maaned), forvaltning_id, sektor)
            if art == "rate":
                rate[key] = _as_decimal(amount)
            else:
                monthly[(art, *key)] = _as_decimal(amount)
        return monthly, rate

    def by_project(
        self,
    ) -> tuple[dict[tuple[int, str, date], Decimal], dict[tuple[int, date], Decimal]]:
        """In one statement, for every project in scope: sums keyed (project, art, month) and
        the baseline rate keyed (project, month)."""
        rate_sql, rate_params = self._rate_ctes("projekt_id", source="slim")
        rows = self._run(
            f"""{self._slim("projekt_id")}{rate_sql}
            SELECT projekt_id, art, maaned, SUM(beloeb) FROM slim
            GROUP BY projekt_id, art, maaned
            UNION ALL
            SELECT projekt_id, 'rate', maaned, SUM(beloeb) / 12 FROM rate
            GROUP BY projekt_id, maaned""",
            rate_params,
        )
        monthly: dict[tuple[int, str, date], Decimal] = {}
        rate: dict[tuple[int, date], Decimal] = {}
        for projekt_id, art, maaned, amount in rows:
            if art == "rate":
                rate[(projekt_id, _as_date(maaned))] = _as_decimal(amount)
            else:
                monthly[(projekt_id, art, _as_date(maaned))] = _as_decimal(amount)
        return monthly, rate


def investment_by_month(
    projekt_id: int, *, fra: date, as_of: date, per_line: bool = False
) -> dict[tuple, Decimal]:
    """The project's investment lines in [fra, as_of], by (month, kategori, forvaltning_id),
    or by line id when per_line. Staff and other costs are project data, not personal data."""
    group = "id" if per_line else "maaned, kategori, forvaltning_id"
    rows = _investment_rows([projekt_id], fra=fra, as_of=as_of, group=group)
    if per_line:
        return {(row[0],): _as_decimal(row[1]) for row in rows}
    return {(_as_date(row[0]), row[1], row[2]): _as_decimal(row[3]) for row in rows}


def investment_by_project(
    projekt_ids: list[int], *, fra: date, as_of: date
) -> dict[tuple[int, date], Decimal]:
    """Several projects' investment in [fra, as_of], by (project, month), in one statement."""
    rows = _investment_rows(projekt_ids, fra=fra, as_of=as_of, group="projekt_id, maaned")
    return {(row[0], _as_date(row[1])): _as_decimal(row[2]) for row in rows}


def _investment_rows(projekt_ids: list[int], *, fra: date, as_of: date, group: str) -> list:
    if not projekt_ids:
        return []
    d = _Dialect(connection.vendor)
    til_x = as_of + timedelta(days=1)
    dage = d.days(
        d.greatest("i.fra", "m.start", d.param()), d.least("i.til_x", "m.slut", d.param())
    )
    ids = ", ".join(["%s"] * len(projekt_ids))
    sql = f"""
    WITH RECURSIVE inv AS (
        SELECT id, projekt_id, kategori, forvaltning_id, beloeb, enhed, fra,
               COALESCE({d.plus_day("til")}, {d.literal(FAR)}) AS til_x,
               {d.days("fra", d.plus_day("til"))} AS linjedage
        FROM investering_investeringslinje WHERE projekt_id IN ({ids})
    ),
    maaneder(start) AS (
        SELECT {d.month_start(d.param())}
        UNION ALL SELECT {d.next_month("start")} FROM maaneder
        WHERE {d.next_month("start")} < {d.param()}
    ),
    m AS (SELECT start, {d.next_month("start")} AS slut, {d.days("start", d.next_month("start"))}
          AS maanedsdage FROM maaneder),
    dele AS (
        SELECT i.*, m.start AS maaned, m.maanedsdage,
               {dage} AS dage
        FROM inv i JOIN m ON m.start < i.til_x AND m.slut > i.fra
    )
    SELECT {group}, SUM(CASE enhed WHEN 'maaned' THEN beloeb * dage / maanedsdage
                                   ELSE beloeb * dage / linjedage END)
    FROM dele WHERE dage > 0
    GROUP BY {group}
    """
    with connection.cursor() as cursor:
        # days(a, b) writes b before a: the least() parameter comes first.
        cursor.execute(sql, [*projekt_ids, fra, til_x, til_x, fra])
        return cursor.fetchall()


def first_investment_day(projekt_id: int) -> date | None:
    return (
        Investeringslinje.objects.filter(projekt_id=projekt_id)
        .order_by("fra")
        .values_list("fra", flat=True)
        .first()
    )


def collect(amounts: dict[tuple, Decimal], *positions: int) -> dict:
    """Sum a keyed figure set down to the key positions given (e.g. month only)."""
    result: dict = defaultdict(lambda: ZERO)
    for key, amount in amounts.items():
        result[tuple(key[p] for p in positions) if len(positions) > 1 else key[positions[0]]] += (
            amount
        )
    return dict(result)
