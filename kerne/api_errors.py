"""The API's one error format: `{field: [messages]}` for bad input, `{"detail": …}` otherwise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught the exceptions our services raise.

    - DRF's ValidationError keeps DRF's `{field: [messages]}`; a bare list becomes
      `{"non_field_errors": [...]}` so that every 400 is an object keyed by field.
    - Django's ValidationError from a service becomes the same 400 shape.
    - PermissionDenied is 403 and Http404 is 404, both `{"detail": …}` with DRF's generic text:
      the exception's own message never reaches the client (it may name the object).
    Anything else is left to DRF (its APIExceptions) or propagates as a real 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=message_dict(exc))
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is bad input like any other: the same 400 shape.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc.detail)]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        data = response.data
        if not isinstance(data, dict):
            data = {api_settings.NON_FIELD_ERRORS_KEY: data}
        response.data = {field: _flat_messages(messages) for field, messages in data.items()}
    return response


def _flat_messages(messages: Any, prefix: str = "") -> list[str]:
    """A field's errors as one list of texts, whatever DRF nested them as: a list field's
    `{"0": [...]}` and a nested serializer's `{"field": [...]}` become "0: …", "field: …"."""
    if isinstance(messages, dict):
        return [
            text
            for key, inner in messages.items()
            for text in _flat_messages(inner, prefix=f"{prefix}{key}: ")
        ]
    if isinstance(messages, list | tuple):
        return [text for inner in messages for text in _flat_messages(inner, prefix)]
    return [f"{prefix}{messages}"]


def message_dict(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as `{field: [messages]}`; errors of no field under one key."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        return {
            (non_field if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {non_field: error.messages}


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any URL under the API that names nothing: the same JSON 404, never the HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
