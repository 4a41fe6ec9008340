"""The person picker: one search (CPIMS number, name, phone or identifier) that every form choosing a
person uses (new case, service, triage). Thin: parse, call ``queries.pick_people``, render.

Search text goes by POST, like the registry search, so names never land in URLs or access logs. The
chosen person is handed back to the calling page as ``<next>?child=<public_id>``."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.registry import queries
from cpims.registry.models import Person


def safe_next(value: str) -> str:
    """A path on this site to send the choice back to (anything else: the registry search)."""
    parts = urlsplit(value or "")
    path = parts.path
    local = not parts.scheme and not parts.netloc and path.startswith("/") and not path.startswith("//")
    if local and url_has_allowed_host_and_scheme(path, None):
        return path
    return "/registry/"


@login_required
@require_http_methods(["GET", "POST"])
def person_pick(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CHILD_VIEW)
    source = request.POST if request.method == "POST" else request.GET
    next_url = safe_next(source.get("next", ""))
    kind = source.get("kind", Person.Kind.CHILD)
    if kind not in Person.Kind.values:
        kind = Person.Kind.CHILD
    q = (request.POST.get("q") or "").strip()[:100] if request.method == "POST" else ""
    result = queries.pick_people(request.user, q, kind=kind, request=request) if q else None
    context = {"result": result, "next": next_url, "kind": kind, "q": q}
    template = "registry/_person_pick_results.html" if getattr(request, "htmx", False) else "registry/person_pick.html"
    return render(request, template, context)
