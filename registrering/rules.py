"""The monthly registration's rules (DOMAIN.md §6.1–6.4): pure, no database, `today` passed in.

Months are dates on the first day. A month is open from its first day until the project's
deadline day in the next month, then locked unless the project leader has reopened it.
Indicator definitions arrive here as plain `IndikatorDef` values, so the rules can be tested
with worked examples and the definitions stay data in the database.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- Months ---------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def deadline(month: datetime.date, deadline_day: int) -> datetime.date:
    """The last day a month is open: the deadline day of the next month."""
    return add_months(month_start(month), 1).replace(day=deadline_day)


def parse_month(text: str) -> datetime.date | None:
    """'2026-03' -> 2026-03-01; None when it is not a real month."""
    try:
        year, month = text.strip().split("-")
        return datetime.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


class MonthState:
    FUTURE = "fremtidig"
    OPEN = "aaben"
    LOCKED = "laast"
    REOPENED = "genaabnet"


MONTH_STATE_LABELS = {
    MonthState.FUTURE: gettext_lazy("Fremtidig"),
    MonthState.OPEN: gettext_lazy("Åben"),
    MonthState.LOCKED: gettext_lazy("Låst"),
    MonthState.REOPENED: gettext_lazy("Genåbnet"),
}


def month_state(
    month: datetime.date,
    *,
    today: datetime.date,
    deadline_day: int,
    reopened_until: datetime.date | None = None,
) -> str:
    month = month_start(month)
    if month > month_start(today):
        return MonthState.FUTURE
    if today <= deadline(month, deadline_day):
        return MonthState.OPEN
    if reopened_until is not None and today <= reopened_until:
        return MonthState.REOPENED
    return MonthState.LOCKED


def month_refusal(
    month: datetime.date,
    *,
    today: datetime.date,
    deadline_day: int,
    reopened_until: datetime.date | None = None,
) -> str | None:
    """Why a month cannot be registered now, or None when it can."""
    state = month_state(
        month, today=today, deadline_day=deadline_day, reopened_until=reopened_until
    )
    if state == MonthState.FUTURE:
        return _("Der kan ikke registreres for en fremtidig måned (%(month)s).") % {
            "month": month_label(month)
        }
    if state == MonthState.LOCKED:
        return _(
            "Måneden %(month)s er låst: fristen var %(deadline)s. Projektlederen kan genåbne den."
        ) % {
            "month": month_label(month),
            "deadline": deadline(month, deadline_day).strftime("%d.%m.%Y"),
        }
    return None


MONTH_NAMES = (
    gettext_lazy("januar"),
    gettext_lazy("februar"),
    gettext_lazy("marts"),
    gettext_lazy("april"),
    gettext_lazy("maj"),
    gettext_lazy("juni"),
    gettext_lazy("juli"),
    gettext_lazy("august"),
    gettext_lazy("september"),
    gettext_lazy("oktober"),
    gettext_lazy("november"),
    gettext_lazy("december"),
)


def month_version(saved: Iterable[tuple[int, datetime.datetime]]) -> str:
    """A token for the state of a family's month: the (person, last change) of each saved
    registration. A form carries the token it was drawn from, so a save made by someone else
    in between is noticed instead of silently overwritten."""
    text = ";".join(f"{pid}:{changed.isoformat()}" for pid, changed in sorted(saved))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def active_in_month(fra: datetime.date, til: datetime.date | None, month: datetime.date) -> bool:
    """A membership from `fra` to `til` (open when None) covers part of the month."""
    return fra <= month_end(month) and (til is None or til >= month_start(month))


def age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_in_month(birth: datetime.date | None, month: datetime.date) -> int | None:
    """Age on the month's last day: who turns 13 during the month counts as 13 that month."""
    return age_on(birth, month_end(month))


# --- Indicators -----------------------------------------------------------------------------


class Type:
    SKALA = "skala"  # 0–4 severity scale, lower is better
    HELTAL = "heltal"
    DECIMAL = "decimal"
    JA_NEJ = "ja_nej"
    VALG = "valg"


SCALE_LABELS = {
    0: gettext_lazy("Ingen problemer"),
    1: gettext_lazy("Lette problemer"),
    2: gettext_lazy("Moderate problemer"),
    3: gettext_lazy("Svære problemer"),
    4: gettext_lazy("Omfattende problemer"),
}
YES, NO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class IndikatorDef:
    """What the rules need to know of one indicator definition."""

    kode: str
    navn: str
    gaelder_for: str  # "barn" or "voksen"
    type: str
    sektor: str
    min_vaerdi: Decimal | None = None
    max_vaerdi: Decimal | None = None
    min_alder: int | None = None
    max_alder: int | None = None
    paakraevet: bool = True
    valg: tuple[tuple[str, str], ...] = ()
    # Asked only when this yes/no indicator is answered yes.
    forudsaetning: str = ""
    pk: int | None = None


def applies(defn: IndikatorDef, *, rolle: str, age: int | None) -> bool:
    """Does the indicator apply to a member of this role and age? Unknown age: no age limits."""
    if defn.gaelder_for != rolle:
        return False
    if age is None:
        return defn.min_alder is None
    if defn.min_alder is not None and age < defn.min_alder:
        return False
    return not (defn.max_alder is not None and age > defn.max_alder)


@dataclass(frozen=True)
class Parsed:
    """A cleaned value: a number for every type but a choice, which is its code."""

    tal: Decimal | None = None
    tekst: str = ""

    @property
    def empty(self) -> bool:
        return self.tal is None and not self.tekst


EMPTY = Parsed()


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _format(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def parse_value(defn: IndikatorDef, raw: str | None) -> tuple[Parsed, str | None]:
    """Clean one entered value. Returns (value, None) or (EMPTY, message naming field and rule)."""
    text = (raw or "").strip()
    if not text:
        return EMPTY, None
    if defn.type == Type.VALG:
        codes = [code for code, _label in defn.valg]
        if text not in codes:
            labels = ", ".join(label for _code, label in defn.valg)
            return EMPTY, _("%(field)s skal være en af: %(choices)s.") % {
                "field": defn.navn,
                "choices": labels,
            }
        return Parsed(tekst=text), None
    if defn.type == Type.JA_NEJ:
        lowered = text.lower()
        if lowered in {"1", "ja", "j", "true"}:
            return Parsed(tal=YES), None
        if lowered in {"0", "nej", "n", "false"}:
            return Parsed(tal=NO), None
        return EMPTY, _("%(field)s skal være ja eller nej.") % {"field": defn.navn}
    value = _number(text)
    low, high = defn.min_vaerdi, defn.max_vaerdi
    whole = defn.type in (Type.SKALA, Type.HELTAL)
    if value is None or (whole and value != value.to_integral_value()):
        kind = _("et helt tal") if whole else _("et tal")
        return EMPTY, _("%(field)s skal være %(kind)s fra %(low)s til %(high)s.") % {
            "field": defn.navn,
            "kind": kind,
            "low": _format(low),
            "high": _format(high),
        }
    if (low is not None and value < low) or (high is not None and value > high):
        return EMPTY, _("%(field)s skal være mellem %(low)s og %(high)s (du skrev %(value)s).") % {
            "field": defn.navn,
            "low": _format(low),
            "high": _format(high),
            "value": _format(value),
        }
    if defn.type == Type.DECIMAL:
        value = value.quantize(Decimal("0.01"))
    return Parsed(tal=value), None


def display_value(defn: IndikatorDef, tal: Decimal | None, tekst: str) -> str:
    """A stored value as the form shows it beside a field ("2 – moderate problemer", "Ja")."""
    if defn.type == Type.VALG:
        return dict(defn.valg).get(tekst, tekst)
    if tal is None:
        return ""
    if defn.type == Type.JA_NEJ:
        return str(_("Ja")) if tal == YES else str(_("Nej"))
    if defn.type == Type.SKALA:
        return f"{int(tal)} – {str(SCALE_LABELS.get(int(tal), '')).lower()}"
    return _format(tal)


def input_value(defn: IndikatorDef, tal: Decimal | None, tekst: str) -> str:
    """A stored value as the form's input holds it."""
    if defn.type == Type.VALG:
        return tekst
    if tal is None:
        return ""
    if defn.type == Type.JA_NEJ:
        return "ja" if tal == YES else "nej"
    if defn.type in (Type.SKALA, Type.HELTAL):
        return str(int(tal))
    return _format(tal)


def clean_member(
    defs: Sequence[IndikatorDef], *, rolle: str, age: int | None, raw: Mapping[str, str | None]
) -> tuple[dict[str, Parsed], dict[str, str]]:
    """Clean one member's entered values against the definitions that apply to them.

    Returns (values by code, errors by code). A value for an indicator that does not apply
    (wrong role or age, or its yes/no condition not met) is an error, never silently dropped.
    """
    by_code = {d.kode: d for d in defs}
    values: dict[str, Parsed] = {}
    errors: dict[str, str] = {}
    for code, text in raw.items():
        defn = by_code.get(code)
        if defn is None:
            errors[code] = _("Ukendt indikator: %(code)s.") % {"code": code}
            continue
        parsed, error = parse_value(defn, text)
        if error:
            errors[code] = error
            continue
        if parsed.empty:
            values[code] = parsed
            continue
        if not applies(defn, rolle=rolle, age=age):
            errors[code] = _not_applicable(defn)
            continue
        values[code] = parsed
    for code, parsed in list(values.items()):
        condition = by_code[code].forudsaetning
        if condition and not parsed.empty and values.get(condition, EMPTY).tal != YES:
            errors[code] = _("%(field)s udfyldes kun, når %(condition)s er besvaret med ja.") % {
                "field": by_code[code].navn,
                "condition": by_code[condition].navn if condition in by_code else condition,
            }
            del values[code]
    return values, errors


def _not_applicable(defn: IndikatorDef) -> str:
    if defn.min_alder is not None and defn.max_alder is not None:
        return _("%(field)s registreres kun for alderen %(low)s–%(high)s år.") % {
            "field": defn.navn,
            "low": defn.min_alder,
            "high": defn.max_alder,
        }
    if defn.min_alder is not None:
        return _("%(field)s registreres kun fra %(low)s år.") % {
            "field": defn.navn,
            "low": defn.min_alder,
        }
    if defn.max_alder is not None:
        return _("%(field)s registreres kun til og med %(high)s år.") % {
            "field": defn.navn,
            "high": defn.max_alder,
        }
    return _("%(field)s gælder ikke for dette familiemedlem.") % {"field": defn.navn}


def missing_codes(
    defs: Iterable[IndikatorDef],
    *,
    rolle: str,
    age: int | None,
    values: Mapping[str, Parsed],
) -> list[str]:
    """The required indicators that apply to the member and have no value, in order."""
    missing = []
    for defn in defs:
        if not defn.paakraevet or not applies(defn, rolle=rolle, age=age):
            continue
        if defn.forudsaetning and values.get(defn.forudsaetning, EMPTY).tal != YES:
            continue
        if values.get(defn.kode, EMPTY).empty:
            missing.append(defn.kode)
    return missing


# --- Trends the family sees (DOMAIN.md §6.3a) -----------------------------------------------


class Trend:
    BETTER = "bedre"
    UNCHANGED = "uaendret"
    WORSE = "svaerere"
    TOO_EARLY = "for_tidligt"


TREND_LABELS = {
    Trend.BETTER: gettext_lazy("bedre"),
    Trend.UNCHANGED: gettext_lazy("uændret"),
    Trend.WORSE: gettext_lazy("sværere"),
    Trend.TOO_EARLY: gettext_lazy("for tidligt at sige"),
}
# Means of up to this many months at each end are compared, so one odd month does not decide.
TREND_WINDOW = 3
# On the 0–4 scale, half a step in the mean is a change the family would notice.
TREND_THRESHOLD = Decimal("0.5")


def trend(scores: Sequence[Decimal | int]) -> str:
    """A 0–4 severity series, oldest first, as one plain word: lower is better."""
    if len(scores) < 2:
        return Trend.TOO_EARLY
    window = min(TREND_WINDOW, len(scores) // 2)
    first = Decimal(sum(scores[:window])) / window
    last = Decimal(sum(scores[-window:])) / window
    if last <= first - TREND_THRESHOLD:
        return Trend.BETTER
    if last >= first + TREND_THRESHOLD:
        return Trend.WORSE
    return Trend.UNCHANGED


def step(previous: Decimal | int | None, current: Decimal | int | None) -> str:
    """One month against the one before, in the same plain words."""
    if previous is None or current is None:
        return Trend.TOO_EARLY
    if current < previous:
        return Trend.BETTER
    if current > previous:
        return Trend.WORSE
    return Trend.UNCHANGED
