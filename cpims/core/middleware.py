from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from cpims.core import context


class RequestIdMiddleware:
    """Every request gets an id (the proxy's X-Request-ID or a new one), carried into its log lines,
    its audit events and the tasks it enqueues, and sent back in the response's X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = context.new_request_id(request.headers.get("X-Request-ID"))
        context.bind(request=rid, task="")
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class NoStoreMiddleware:
    """Pages may show personal data: no browser or proxy may keep a copy (static files excepted)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class RefuseNulMiddleware:
    """A NUL character in a query parameter or a posted form field answers 400.

    No value the system keeps or looks up may hold one (PostgreSQL refuses NUL in text, so a
    lookup with it raises instead of finding nothing). Django's form CharField already refuses
    NUL, but filters, choice lookups and hand-read parameters do not: this is the one check for
    all of them. JSON bodies are checked by the API's parser (cpims.api.parsers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.content_type in _FORM_TYPES and _posted_has_nul(request)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("The request contains a NUL character.")}, status=400)
            return bad_request(request, SuspiciousOperation("NUL character in the request"))
        return self.get_response(request)


def _posted_has_nul(request: HttpRequest) -> bool:
    try:
        return _has_nul(request.POST)
    except RequestDataTooBig:
        return False  # the view answers this one (413 in the API, 400 on pages)
