"""What the partners achieve: pure counting over served rows and monthly indicator shares.

No database here: the selectors fetch the rows (a bounded number of queries per project) and
these functions count them, so the rules are tested with hand-computed examples.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Betjent:
    """One person served by one partner through one link (an activity or a leisure link)."""

    partner_id: int
    person_id: int
    er_barn: bool
    nu: bool  # the link runs today


@dataclass
class Partnertal:
    boern_nu: int = 0
    voksne_nu: int = 0
    boern_i_alt: int = 0
    voksne_i_alt: int = 0
    _nu: set = field(default_factory=set, repr=False)
    _alle: set = field(default_factory=set, repr=False)

    @property
    def i_alt_nu(self) -> int:
        return self.boern_nu + self.voksne_nu


def per_partner(rows: Iterable[Betjent]) -> dict[int, Partnertal]:
    """Distinct persons per partner, now and ever, children and adults. A person served through
    two links of the same partner counts once; "now" if any of their links runs today."""
    tal: dict[int, Partnertal] = {}
    for row in rows:
        t = tal.setdefault(row.partner_id, Partnertal())
        key = (row.person_id, row.er_barn)
        if key not in t._alle:
            t._alle.add(key)
            if row.er_barn:
                t.boern_i_alt += 1
            else:
                t.voksne_i_alt += 1
        if row.nu and key not in t._nu:
            t._nu.add(key)
            if row.er_barn:
                t.boern_nu += 1
            else:
                t.voksne_nu += 1
    return tal


@dataclass(frozen=True)
class Periode:
    """A person served by a partner from–to (open end: still running)."""

    partner_id: int
    person_id: int
    er_barn: bool
    fra: datetime.date
    til: datetime.date | None


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def served_by_month(
    perioder: Iterable[Periode], months: list[datetime.date]
) -> tuple[list[int], list[int]]:
    """Distinct children and adults served by any partner in each month (a period touching
    any day of the month counts), oldest month first."""
    perioder = list(perioder)
    boern, voksne = [], []
    for month in months:
        end = month_end(month)
        served = {
            (p.person_id, p.er_barn)
            for p in perioder
            if p.fra <= end and (p.til is None or p.til >= month)
        }
        boern.append(sum(1 for _person, barn in served if barn))
        voksne.append(sum(1 for _person, barn in served if not barn))
    return boern, voksne


def runs_on(fra: datetime.date, til: datetime.date | None, day: datetime.date) -> bool:
    return fra <= day and (til is None or day <= til)


def months_back(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the `count` months ending with today's month, oldest first."""
    first = today.replace(day=1)
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def share(ja: int, alle: int) -> Decimal | None:
    """Percentage with one decimal, rounded half up; None when nobody was registered."""
    if not alle:
        return None
    return (Decimal(ja) * 100 / Decimal(alle)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shares_by_month(
    counts: dict[tuple[datetime.date, str], tuple[int, int]],
    months: list[datetime.date],
    kode: str,
) -> list[Decimal | None]:
    """The share answering yes for one indicator, month by month (gaps stay None)."""
    return [share(*counts.get((month, kode), (0, 0))) for month in months]
