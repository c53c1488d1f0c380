"""Response time (pure): median hours from a family's message to the first answer."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Svartid:
    """One case manager's figure over the window."""

    bruger_id: int
    median_timer: float | None  # None: nothing answered in the window
    besvarede: int
    ubesvarede: int


def hours(sendt: datetime.datetime, besvaret: datetime.datetime) -> float:
    return (besvaret - sendt).total_seconds() / 3600


def per_case_manager(
    rows: Iterable[tuple[int, datetime.datetime, datetime.datetime | None]],
) -> list[Svartid]:
    """rows: (the case manager the message went to, sent, first answer or None), one per family
    message that began a wait. The median is over the answered ones; the still unanswered are
    counted beside it, so a slow inbox cannot hide behind a good median."""
    answered: dict[int, list[float]] = {}
    waiting: dict[int, int] = {}
    for bruger_id, sendt, besvaret in rows:
        answered.setdefault(bruger_id, [])
        waiting.setdefault(bruger_id, 0)
        if besvaret is None:
            waiting[bruger_id] += 1
        else:
            answered[bruger_id].append(hours(sendt, besvaret))
    return [
        Svartid(
            bruger_id=bruger_id,
            median_timer=round(statistics.median(values), 1) if values else None,
            besvarede=len(values),
            ubesvarede=waiting[bruger_id],
        )
        for bruger_id, values in sorted(answered.items())
    ]
