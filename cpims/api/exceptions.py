"""One error format for the whole API.

Every error answers ``{"detail": "<translated message>"}``; validation errors (400) add
``"errors": {"<field>": ["<message>", ...]}``, with nested fields joined by dots
(``"address.ward"``, ``"items.0.code"``) and errors about the whole request under
``"non_field_errors"``. Django's ``ValidationError`` (raised by actions), ``Http404`` and
``PermissionDenied`` map to 400, 404 and 403. An unexpected error answers 500 with a generic
message; the traceback goes to the log only (with ``DEBUG`` on, Django's debug page is left to
show it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.log import log_response
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

_ALWAYS_OURS = (
    exceptions.MethodNotAllowed,
    exceptions.UnsupportedMediaType,
    exceptions.Throttled,
    exceptions.ParseError,
)


def _default_message(exc: exceptions.APIException, method: str) -> str | None:
    """Our own translated message for DRF's stock details (DRF ships no Kiswahili)."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Sign in, or send an API token in the Authorization header.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("The credentials sent are not valid.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("You do not have permission to do this.")
    if isinstance(exc, exceptions.NotFound):
        return _("Not found.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("Method %(method)s is not allowed here.") % {"method": method}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The requested response format is not available.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("The request body is in a format this endpoint does not accept.")
    if isinstance(exc, exceptions.ParseError):
        return _("The request body could not be read.")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            return _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": int(exc.wait) or 1}
        return _("Too many requests. Try again later.")
    return None


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"a.b": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        items = detail if isinstance(detail, list) else [detail]
        out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).extend(str(item) for item in items)
    return out


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    errors = _flatten(exc.detail)
    non_field = errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])
    if non_field and len(errors) == 1:
        detail = non_field[0]
    else:
        detail = _("The request is not valid. See the errors for each field.")
    return {"detail": detail, "errors": errors}


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Hostile input is the client's error, never ours: a body nested thousands of levels deep makes
    # the JSON parser recurse too far, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused.
    if isinstance(exc, RecursionError):
        exc = exceptions.ParseError()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            _("The request body is larger than the %(size)d bytes allowed.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0}
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    request = context.get("request")
    if not isinstance(exc, exceptions.APIException):
        if settings.DEBUG:
            return None  # Django's debug page
        django_request = getattr(request, "_request", request)
        # What Django does for an uncaught error: tell listeners (test client, error reporting)
        # and log it with the traceback; the client gets only a generic message.
        got_request_exception.send(sender=None, request=django_request)
        set_rollback()
        response = Response(
            {"detail": _("Something went wrong on our side. Try again later.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
        log_response(
            "Internal Server Error: %s",
            getattr(django_request, "path", ""),
            response=response,
            request=django_request,
            exception=exc,
        )
        return response

    response = drf_exception_handler(exc, context)
    if response is None:  # pragma: no cover - DRF handles every APIException
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
        return response
    message = str(exc.detail) if not isinstance(exc.detail, dict | list) else ""
    # Stock messages (some formatted with the method, media type or wait) become ours; a message
    # the code chose itself (e.g. "This token has expired.") is kept.
    if not message or message == str(exc.default_detail) or isinstance(exc, _ALWAYS_OURS):
        message = _default_message(exc, getattr(request, "method", "")) or message
    response.data = {"detail": message}
    return response
