"""The one access policy: who may see and do what. Every view, selector and service asks here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from kerne.models import Projekt, Projektrolle, Rolle

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest, HttpResponse

    AnyUser = AbstractBaseUser | AnonymousUser

ACTIVE_PROJECT_SESSION_KEY = "aktivt_projekt_id"

# When a user holds several roles in a project, the start page follows the first of these.
ROLE_PRIORITY = [
    Rolle.PROJEKTLEDER,
    Rolle.KOORDINATOR,
    Rolle.AFDELINGSLEDER,
    Rolle.SAGSBEHANDLER,
    Rolle.ADMINISTRATIV,
    Rolle.DATABESKYTTELSE,
    Rolle.FAGPERSON,
    Rolle.EVALUATOR,
    Rolle.BORGER,
]


def projects_for(user: AnyUser) -> list[Projekt]:
    """The projects in which the user holds any role; none for anonymous users."""
    if not user.is_authenticated:
        return []
    return list(Projekt.objects.filter(roller__bruger=user).select_related("kommune").distinct())


def roles_in(user: AnyUser, projekt: Projekt | None) -> list[str]:
    """The user's roles in the project, highest priority first."""
    if projekt is None or not user.is_authenticated:
        return []
    held = set(
        Projektrolle.objects.filter(bruger=user, projekt=projekt).values_list("rolle", flat=True)
    )
    return [rolle for rolle in ROLE_PRIORITY if rolle in held]


def active_project(request: HttpRequest) -> Projekt | None:
    """The project the user works in now: the one chosen in the session, else their first."""
    cached = getattr(request, "_aktivt_projekt", None)
    if cached is not None:
        return cached
    projekter = projects_for(request.user)
    chosen_id = request.session.get(ACTIVE_PROJECT_SESSION_KEY)
    projekt = next((p for p in projekter if p.pk == chosen_id), None)
    if projekt is None and projekter:
        projekt = projekter[0]
    request._aktivt_projekt = projekt
    return projekt


def active_roles(request: HttpRequest) -> list[str]:
    cached = getattr(request, "_aktive_roller", None)
    if cached is None:
        cached = roles_in(request.user, active_project(request))
        request._aktive_roller = cached
    return cached


def has_role(request: HttpRequest, *roller: str) -> bool:
    return any(rolle in active_roles(request) for rolle in roller)


def require_role(*roller: str) -> Callable:
    """View decorator: the user must hold one of the roles in the active project."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request, *roller):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roller  # read by the URL permission matrix test
        return wrapped

    return decorator
