"""The business case's arithmetic: net effect, cumulative sums, break-even and NPV. No database.

Input is a monthly series already aggregated in the database (investering.beregning): for each
month the baseline rate, the current cost and the project's investment. Definitions
(DOMAIN.md §7):

- savings = baseline − current; net effect = baseline − current − investment;
- cumulative sums run from the first month of the series;
- break-even is the first month where cumulative savings ≥ cumulative investment (and some
  investment has been made), else "not yet" (None); the discounted break-even compares the
  present values of both instead, so it moves with the discount rate;
- the net present value discounts each month's net effect at the end of its month:
  NPV = Σ net_k / (1 + r) ** (k / 12) for k = 1 … n, r the yearly rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
OERE = Decimal("0.01")
DEFAULT_RATE_PCT = Decimal("4")


def round_kr(amount: Decimal) -> Decimal:
    """To whole øre, half up (not Python's round-half-to-even)."""
    return amount.quantize(OERE, rounding=ROUND_HALF_UP)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from first's month to last's month, both included."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def quarter_label(month: date) -> str:
    return f"{month.year} K{(month.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Month:
    """One month of the business case, in kroner."""

    maaned: date
    baseline: Decimal = ZERO
    aktuel: Decimal = ZERO
    investering: Decimal = ZERO

    @property
    def besparelse(self) -> Decimal:
        return self.baseline - self.aktuel

    @property
    def netto(self) -> Decimal:
        return self.baseline - self.aktuel - self.investering


@dataclass(frozen=True)
class Row:
    """One month with its running sums and its present value."""

    month: Month
    akk_besparelse: Decimal
    akk_investering: Decimal
    akk_netto: Decimal
    nutidsvaerdi: Decimal
    akk_besparelse_nv: Decimal = ZERO
    akk_investering_nv: Decimal = ZERO


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    break_even: date | None
    npv: Decimal
    rate_pct: Decimal
    totals: dict[str, Decimal] = field(default_factory=dict)
    break_even_nv: date | None = None


def discount_factor(k: int, rate_pct: Decimal) -> Decimal:
    """1 / (1 + r) ** (k / 12): the value now of a krone at the end of month k (k ≥ 1)."""
    if rate_pct == 0:
        return Decimal(1)
    base = Decimal(1) + rate_pct / Decimal(100)
    return Decimal(1) / (base ** (Decimal(k) / Decimal(12)))


def compute(months: Iterable[Month], rate_pct: Decimal = DEFAULT_RATE_PCT) -> Result:
    """Running sums, break-even month and NPV of a monthly series (in month order)."""
    if rate_pct < 0:
        raise ValueError("the discount rate cannot be negative")
    rows: list[Row] = []
    akk_besparelse = akk_investering = npv = ZERO
    akk_besparelse_nv = akk_investering_nv = ZERO
    break_even = break_even_nv = None
    for k, month in enumerate(sorted(months, key=lambda m: m.maaned), start=1):
        factor = discount_factor(k, rate_pct)
        akk_besparelse += month.besparelse
        akk_investering += month.investering
        akk_besparelse_nv += month.besparelse * factor
        akk_investering_nv += month.investering * factor
        present = month.netto * factor
        npv += present
        if break_even is None and akk_investering > 0 and akk_besparelse >= akk_investering:
            break_even = month.maaned
        if (
            break_even_nv is None
            and akk_investering_nv > 0
            and akk_besparelse_nv >= akk_investering_nv
        ):
            break_even_nv = month.maaned
        rows.append(
            Row(
                month=month,
                akk_besparelse=akk_besparelse,
                akk_investering=akk_investering,
                akk_netto=akk_besparelse - akk_investering,
                nutidsvaerdi=present,
                akk_besparelse_nv=akk_besparelse_nv,
                akk_investering_nv=akk_investering_nv,
            )
        )
    totals = {
        "baseline": sum((r.month.baseline for r in rows), ZERO),
        "aktuel": sum((r.month.aktuel for r in rows), ZERO),
        "investering": akk_investering,
        "besparelse": akk_besparelse,
        "netto": akk_besparelse - akk_investering,
    }
    return Result(
        rows=rows,
        break_even=break_even,
        npv=npv,
        rate_pct=rate_pct,
        totals=totals,
        break_even_nv=break_even_nv,
    )


def series(
    first: date,
    last: date,
    *,
    baseline: Mapping[date, Decimal],
    aktuel: Mapping[date, Decimal],
    investering: Mapping[date, Decimal],
) -> list[Month]:
    """Months from first to last with zeros where a source has nothing for a month."""
    return [
        Month(
            maaned=m,
            baseline=baseline.get(m, ZERO),
            aktuel=aktuel.get(m, ZERO),
            investering=investering.get(m, ZERO),
        )
        for m in months_between(first, last)
    ]


def by_quarter(amounts: Mapping[tuple[date, object], Decimal]) -> dict[str, dict[object, Decimal]]:
    """Monthly amounts keyed (month, group) summed to {quarter label: {group: amount}}."""
    quarters: dict[str, dict[object, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (month, group), amount in sorted(amounts.items(), key=lambda item: item[0][0]):
        quarters[quarter_label(month)][group] += amount
    return {label: dict(groups) for label, groups in quarters.items()}


def share(amount: Decimal, families: int) -> Decimal:
    """One family's equal share of a month's project investment."""
    return amount / families if families else ZERO
