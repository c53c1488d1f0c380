"""What changed between two versions of a plan (no database): added, removed, changed items.

Items are matched on their key (an activity's `noegle`, the same across versions); each item
is a mapping of field name to a comparable, displayable value.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Aendring:
    field: str
    foer: object
    efter: object


@dataclass
class Forskel:
    tilfoejet: list[Mapping] = field(default_factory=list)
    fjernet: list[Mapping] = field(default_factory=list)
    aendret: list[tuple[Mapping, list[Aendring]]] = field(default_factory=list)
    uaendret: int = 0

    @property
    def tom(self) -> bool:
        return not (self.tilfoejet or self.fjernet or self.aendret)


def compare(
    foer: Mapping[Hashable, Mapping], efter: Mapping[Hashable, Mapping], fields: list[str]
) -> Forskel:
    """Compare two versions' items keyed alike; only `fields` count as changes, in that order."""
    forskel = Forskel()
    for key, item in efter.items():
        old = foer.get(key)
        if old is None:
            forskel.tilfoejet.append(item)
            continue
        changes = [
            Aendring(name, old.get(name), item.get(name))
            for name in fields
            if old.get(name) != item.get(name)
        ]
        if changes:
            forskel.aendret.append((item, changes))
        else:
            forskel.uaendret += 1
    forskel.fjernet = [item for key, item in foer.items() if key not in efter]
    return forskel
