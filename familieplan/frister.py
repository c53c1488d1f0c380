"""Follow-up due dates from an activity's cadence (no database).

The first follow-up falls one interval after the start; each next one one interval after the
latest follow-up. An activity ends with a follow-up: a due date past the end date is moved to
the end date, and after a follow-up on or after the end date nothing more is due.
"""

from __future__ import annotations

import calendar
import datetime

# Interval per cadence: (months, days).
INTERVALS: dict[str, tuple[int, int]] = {
    "ugentlig": (0, 7),
    "hver_14_dag": (0, 14),
    "maanedlig": (1, 0),
    "kvartalsvis": (3, 0),
    "halvaarlig": (6, 0),
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day when it has fewer."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def step(day: datetime.date, kadence: str) -> datetime.date:
    months, days = INTERVALS[kadence]
    return add_months(day, months) + datetime.timedelta(days=days)


def next_due(
    *,
    start: datetime.date,
    slut: datetime.date,
    kadence: str,
    seneste: datetime.date | None = None,
) -> datetime.date | None:
    """The next follow-up's due date, or None when the activity is followed up to its end."""
    if seneste is not None and seneste >= slut:
        return None
    due = step(seneste if seneste is not None and seneste >= start else start, kadence)
    return min(due, slut)


def schedule(
    *, start: datetime.date, slut: datetime.date, kadence: str, limit: int = 60
) -> list[datetime.date]:
    """Every planned follow-up date from start to end (for the plan and its PDF)."""
    dates: list[datetime.date] = []
    seneste: datetime.date | None = None
    while len(dates) < limit:
        due = next_due(start=start, slut=slut, kadence=kadence, seneste=seneste)
        if due is None:
            break
        dates.append(due)
        seneste = due
    return dates
