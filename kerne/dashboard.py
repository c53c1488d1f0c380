"""Panels that domain apps add to the role start pages (the dashboards).

rapporter renders the start pages, but a figure often belongs to another app (the inbox's
response times, the partners' reach). Such an app registers a panel here from its
AppConfig.ready(), like its menu items in kerne.navigation, so nothing imports rapporter and
kerne imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise

from kerne.models import Projekt


@dataclass(frozen=True)
class Scope:
    """What a start page shows: whose view, which project, and the page's filters."""

    user: Any
    projekt: Projekt | None
    koordinator_id: int | None = None
    fra: date | None = None
    til: date | None = None


@dataclass(frozen=True)
class Panel:
    """One box on a start page.

    `context(scope)` returns the template's context; it must run a bounded number of queries
    whatever the data size and read only through the app's permission-filtered selectors.
    """

    key: str
    title: str | Promise
    template: str
    context: Callable[[Scope], dict]
    roles: tuple[str, ...]
    order: int = 100


PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    """Add a panel once (ready() may run more than once in tests)."""
    if all(existing.key != panel.key for existing in PANELS):
        PANELS.append(panel)


def panels_for(rolle: str) -> list[Panel]:
    """The panels of one role's start page, in their order."""
    return sorted((p for p in PANELS if rolle in p.roles), key=lambda p: (p.order, p.key))
