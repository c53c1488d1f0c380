"""Audit rows for sign-in events that happen outside any service: failures and lockouts.

Connected in KerneConfig.ready(). Only the attempted username goes in: Django hands receivers
the credentials with the password masked, and no code or token is ever passed on.
"""

from __future__ import annotations

from typing import Any

from kerne import audit


def _attempt_details(request: Any, username: Any) -> dict:
    details: dict[str, Any] = {"trin": getattr(request, "auth_step", "adgangskode")}
    if username:
        details["brugernavn"] = str(username)[:150]
    details.update(getattr(request, "auth_refusal", None) or {})
    return details


def sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    """A wrong password or code, a locked account trying again, or a refused OIDC answer."""
    audit.log(
        user=None,
        handling=audit.Handling.SIGN_IN_FAILED,
        formaal=audit.Formaal.SUPPORT,
        detaljer=_attempt_details(request, credentials.get("username")),
    )


def locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    """django-axes locked a username or a client address."""
    audit.log(
        user=None,
        handling=audit.Handling.LOCKED_OUT,
        formaal=audit.Formaal.SUPPORT,
        detaljer=_attempt_details(request, username),
    )
