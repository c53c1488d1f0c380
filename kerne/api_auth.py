"""API tokens that expire (ASVS V3.5.2): a token lasts API_TOKEN_HOURS from its issue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) a token older than its lifetime, so
    a leaked token is worthless after a working day and the client signs in again."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("API-nøglen er udløbet. Hent en ny."))
        return user, token
