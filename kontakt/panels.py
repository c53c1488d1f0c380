"""Start-page panels (kerne.dashboard): the case manager's waiting families, and the project
leader's response-time figure per case manager."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kerne.dashboard import Scope
from kontakt import selectors

INBOX_PANEL_ROWS = 5


def inbox_context(scope: Scope) -> dict:
    waiting = selectors.inbox(scope.user)
    return {"ventende": list(waiting[:INBOX_PANEL_ROWS]), "antal": waiting.count()}


def response_time_context(scope: Scope) -> dict:
    if scope.projekt is None:
        return {"svartider": [], "dage": selectors.SVARTID_DAGE}
    figures = selectors.response_times(scope.projekt)
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=[f.bruger_id for f in figures])
    }
    return {
        "svartider": [{"navn": names.get(f.bruger_id, ""), "tal": f} for f in figures],
        "dage": selectors.SVARTID_DAGE,
    }
