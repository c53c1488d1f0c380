"""What every page's layout needs: municipality, project, the user's roles and menu."""

from django.http import HttpRequest

from kerne import adgang
from kerne.navigation import navigation_for


def shell(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    projekt = adgang.active_project(request)
    roles = adgang.active_roles(request)
    return {
        "aktivt_projekt": projekt,
        "aktive_roller": roles,
        "navigation": navigation_for(roles),
        "antal_projekter": len(adgang.request_projects(request)),
    }
