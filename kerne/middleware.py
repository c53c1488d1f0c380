"""Request middleware: request ids for the audit log, and the UI language."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
