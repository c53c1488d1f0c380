"""Request middleware: request ids for the audit log, the UI language, session lifetime."""

import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from kerne import audit

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address as axes sees it (the same configured headers, in order)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


class RequestIdMiddleware:
    """Takes a well-formed X-Request-ID from the proxy, else makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = audit.current_request.set(
            audit.RequestContext(ip=client_ip(request), request_id=request.request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            audit.current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class LanguageMiddleware:
    """Danish unless the user chose another language (cookie); the browser's wish is ignored.

    Django's LocaleMiddleware follows Accept-Language, which would mix an English browser's
    Django strings into our Danish pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SIGNED_IN_AT = "kerne_signed_in_at"
RENEWED_AT = "kerne_renewed_at"
# The idle limit is renewed by saving the session, at most once this often: a database write
# on every request cost more than the page, and a minute is nothing against 30 idle minutes.
RENEW_AFTER_SECONDS = 60


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """At sign-in (user_logged_in): the session starts its 12 hours and its first minute of
    renewal now, in the sign-in's own save, so the pages after it write no session."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[RENEWED_AT] = now


class SessionLifetimeMiddleware:
    """Ends a session a fixed time after sign-in however busy it was (ASVS V3.3.2: 12 hours),
    and keeps the 30-minute idle limit (the session's own expiry, SESSION_COOKIE_AGE) moving
    while the user works: a signed-in session is saved, and so renewed, when its last renewal
    is over a minute old. The sign-in time is stamped on the first response of a new session,
    i.e. the sign-in itself, whose session key Django has just rotated.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is not None and time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Sessionen er udløbet. Log ind igen.")}, status=401
                    )
                query = urlencode({"next": request.get_full_path(), "udloebet": "1"})
                return HttpResponseRedirect(f"{reverse('login')}?{query}")
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session that signed in is stamped: a token-authenticated API call has none,
        # and must not get one.
        if session is not None and SESSION_KEY in session:
            now = time.time()
            session.setdefault(SIGNED_IN_AT, now)
            if now - session.get(RENEWED_AT, 0) > RENEW_AFTER_SECONDS:
                session[RENEWED_AT] = now  # modified: SessionMiddleware saves a new expiry
        return response


class NoStoreMiddleware:
    """Nothing a signed-in user is shown is kept by a browser or proxy cache (ASVS V8.2.1):
    every response to an authenticated request says `no-store`, whatever the view set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.headers.get("Authorization"):
            patch_cache_control(response, no_store=True, private=True)
        return response
