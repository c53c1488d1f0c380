"""Local sign-in in two steps: password, then a TOTP code where the account needs one.

The second factor is demanded here and at the token endpoint, where a session or token is
created, not by a middleware on every request: a session exists only after both steps, so a
per-request check would guard nothing more (and tests may sign in with force_login).
"""

from __future__ import annotations

import base64
import time
from typing import Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from kerne import adgang, oidc, services
from kerne.forms import SignInForm, TotpKodeForm

PENDING_KEY = "kerne_totp_afventer"


class SignInView(LoginView):
    """Django's sign-in page; a right password for an account needing TOTP leads to the code
    step instead of a session."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_medarbejder"] = oidc.enabled(oidc.STAFF)
        context["oidc_mitid"] = oidc.enabled(oidc.MITID)
        return context

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        if not adgang.totp_required(user):
            return super().form_valid(form)
        # Not signed in yet: the session only remembers who gave the right password, briefly.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "bruger": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "tid": time.time(),
        }
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("login_kode")
        return redirect("totp_opsaet")


def _pending_user(request: HttpRequest) -> tuple[Any, dict] | tuple[None, None]:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("tid", 0) > settings.TOTP_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["bruger"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None, None
    return user, pending


def _code_refused(
    request: HttpRequest, user: Any, device: TOTPDevice, form: TotpKodeForm
) -> HttpResponse | None:
    """None when the code is right; otherwise the lockout page, or None with the form error
    added. A wrong code counts towards the same lockout as a wrong password."""
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)
    if device.verify_token(form.cleaned_data["kode"]):
        return None
    request.auth_step = "kode"
    # axes counts it and, at the limit, marks the request: its middleware answers the lockout.
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.session.pop(PENDING_KEY, None)
    form.add_error("kode", _("Koden er forkert eller udløbet. Prøv med den kode, appen viser nu."))
    return None


def _sign_in(request: HttpRequest, user: Any, device: TOTPDevice, pending: dict) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    return redirect(pending["next"])


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def code_step(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app."""
    user, pending = _pending_user(request)
    if user is None:
        return redirect("login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("totp_opsaet")
    form = TotpKodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        refused = _code_refused(request, user, device, form)
        if refused is not None:
            return refused
        if form.is_valid():
            return _sign_in(request, user, device, pending)
    return render(request, "registration/totp_kode.html", {"form": form})


def _qr_svg(device: TOTPDevice) -> str:
    # segno writes the QR code as SVG elements with presentation attributes, no style: the
    # strict CSP allows it inline.
    return mark_safe(  # noqa: S308 - segno's own markup, no user input in it but the username
        segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR-kode til din godkendelses-app")
        )
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of an account needing TOTP: add the app by QR code, confirm with a code."""
    user, pending = _pending_user(request)
    if user is None:
        return redirect("login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("login_kode")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Godkendelses-app", confirmed=False)
    form = TotpKodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        refused = _code_refused(request, user, device, form)
        if refused is not None:
            return refused
        if form.is_valid():
            services.totp_tilmeldt(bruger=user, device=device)
            return _sign_in(request, user, device, pending)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device),
        "noegle": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/totp_opsaet.html", context)
