"""The Django admin for superusers only, and only after a TOTP code in this session."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class SuperuserOtpAdminSite(OTPAdminSite):
    """`is_staff` is not enough: the admin edits roles and projects, so only a superuser who
    signed in with a TOTP code (request.user.is_verified()) gets in."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and user.is_verified())

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One sign-in page for everything (lockout, TOTP, audit); a signed-in user who may not
        # use the admin is refused rather than sent round in a loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")
