"""Collision checks of a family plan (dårligt forenelige indsatser, DOMAIN.md §4); no database.

Two kinds, per person:
- hours: activities that run at the same time and together exceed the person's weekly budget;
- same kind: two activities of the same kind running at the same time in different sectors.
Dates are inclusive: an activity from 1 to 31 March runs on 31 March.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

TIMER = "timer"
SAMME_ART = "samme_art"


@dataclass(frozen=True)
class Aktivitet:
    """What the check needs of one activity."""

    key: Hashable
    titel: str
    person_ids: tuple[int, ...]
    sektor: str
    art: str
    start: datetime.date
    slut: datetime.date
    timer: Decimal


@dataclass(frozen=True)
class Kollision:
    kind: str  # TIMER or SAMME_ART
    person_id: int
    keys: tuple[Hashable, ...]  # the activities involved, in the order given
    fra: datetime.date
    til: datetime.date
    timer: Decimal = Decimal(0)  # the hours together (TIMER)
    budget: Decimal = Decimal(0)


def _overlap(a: Aktivitet, b: Aktivitet) -> tuple[datetime.date, datetime.date] | None:
    start, slut = max(a.start, b.start), min(a.slut, b.slut)
    return (start, slut) if start <= slut else None


def _hours(person_id: int, items: list[Aktivitet], budget: Decimal) -> list[Kollision]:
    """Sweep the person's calendar: each stretch where the running activities exceed the budget.

    Adjacent stretches with the same activities are one collision.
    """
    order = {a.key: i for i, a in enumerate(items)}
    boundaries = sorted(
        {a.start for a in items} | {a.slut + datetime.timedelta(days=1) for a in items}
    )
    found: list[Kollision] = []
    for fra, naeste in pairwise(boundaries):
        til = naeste - datetime.timedelta(days=1)
        running = [a for a in items if a.start <= fra and a.slut >= til]
        total = sum((a.timer for a in running), Decimal(0))
        if len(running) < 2 or total <= budget:
            continue
        keys = tuple(sorted((a.key for a in running), key=order.__getitem__))
        previous = found[-1] if found else None
        if previous and previous.keys == keys and previous.til + datetime.timedelta(days=1) == fra:
            found[-1] = Kollision(TIMER, person_id, keys, previous.fra, til, total, budget)
        else:
            found.append(Kollision(TIMER, person_id, keys, fra, til, total, budget))
    return found


def _same_kind(person_id: int, items: list[Aktivitet]) -> list[Kollision]:
    found = []
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if a.art != b.art or a.sektor == b.sektor:
                continue
            overlap = _overlap(a, b)
            if overlap:
                found.append(Kollision(SAMME_ART, person_id, (a.key, b.key), *overlap))
    return found


def find_collisions(
    aktiviteter: Iterable[Aktivitet],
    budgets: Mapping[int, Decimal | int],
    *,
    default_budget: Decimal | int = 37,
) -> list[Kollision]:
    """Every collision of the plan, per person (in person id order), hours first."""
    per_person: dict[int, list[Aktivitet]] = defaultdict(list)
    for aktivitet in aktiviteter:
        for person_id in aktivitet.person_ids:
            per_person[person_id].append(aktivitet)
    result: list[Kollision] = []
    for person_id in sorted(per_person):
        items = per_person[person_id]
        budget = Decimal(budgets.get(person_id, default_budget))
        result += _hours(person_id, items, budget)
        result += _same_kind(person_id, items)
    return result


def collisions_involving(kollisioner: Iterable[Kollision], key: Hashable) -> list[Kollision]:
    """The collisions one activity takes part in (for the warning next to it)."""
    return [k for k in kollisioner if key in k.keys]
