"""Start-page panel (kerne.dashboard): the project leader's partners at a glance."""

from __future__ import annotations

from django.utils import timezone

from kerne.dashboard import Scope
from netvaerk import selectors

PANEL_ROWS = 5


def partners_context(scope: Scope) -> dict:
    if scope.projekt is None:
        return {"rows": [], "boern_nu": 0, "voksne_nu": 0}
    rows = selectors.partner_statistics(scope.projekt, timezone.localdate())
    return {
        "rows": [r for r in rows if r.tal.i_alt_nu][:PANEL_ROWS],
        "boern_nu": sum(r.tal.boern_nu for r in rows),
        "voksne_nu": sum(r.tal.voksne_nu for r in rows),
    }
