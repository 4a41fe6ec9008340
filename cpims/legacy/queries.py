"""Reads of the legacy app: import runs, for national system administrators only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import Role, User
from cpims.legacy.models import ImportRun

# Who may see and start imports: a national grant that may give any role (the system administrator).
PERM = P.USER_GRANT_ANY_ROLE


def may_import(user: User) -> bool:
    return any(g.scope == Role.Scope.NATIONAL for g in scope.grants_for(user).with_perm(PERM))


def require_import(user: User) -> None:
    if not may_import(user):
        raise PermissionDenied


def runs_for(user: User) -> QuerySet[ImportRun]:
    require_import(user)
    return ImportRun.objects.select_related("started_by").order_by("-created_at", "-id")


def run_for(user: User, public_id: Any) -> ImportRun:
    require_import(user)
    run = ImportRun.objects.filter(public_id=public_id).first()
    if run is None:
        raise Http404
    return run
