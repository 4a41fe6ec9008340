"""Every read of the retention pages and API. Retention is national: everything here needs
``retention.manage`` (403 without it); a record that does not exist is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AnyUser
from cpims.cases.models import Case
from cpims.registry.models import Person
from cpims.retention.models import LegalHold, RetentionRule, RetentionRun


def rules_for(user: AnyUser) -> QuerySet[RetentionRule]:
    scope.require_perm(user, P.RETENTION_MANAGE)
    return RetentionRule.objects.select_related("updated_by").order_by("kind")


def rule_for(user: AnyUser, public_id: Any) -> RetentionRule:
    return get_object_or_404(rules_for(user), public_id=public_id)


def holds_for(user: AnyUser, *, active_only: bool = False) -> QuerySet[LegalHold]:
    scope.require_perm(user, P.RETENTION_MANAGE)
    holds = LegalHold.objects.select_related("case", "person", "placed_by", "released_by")
    if active_only:
        holds = holds.filter(released_at__isnull=True)
    return holds.order_by("-created_at", "-id")


def hold_for(user: AnyUser, public_id: Any) -> LegalHold:
    return get_object_or_404(holds_for(user), public_id=public_id)


def runs_for(user: AnyUser) -> QuerySet[RetentionRun]:
    scope.require_perm(user, P.RETENTION_MANAGE)
    return RetentionRun.objects.select_related("started_by", "reviewed_by").order_by("-created_at", "-id")


def run_for(user: AnyUser, public_id: Any) -> RetentionRun:
    return get_object_or_404(runs_for(user), public_id=public_id)


def hold_target(user: AnyUser, number: str) -> Case | Person | None:
    """The case (by case number) or person (by CPIMS number) a hold is placed on. Retention
    managers act nationally on numbers, never names, so no scope narrows this lookup."""
    scope.require_perm(user, P.RETENTION_MANAGE)
    number = number.strip()
    return Case.objects.filter(case_number=number).first() or Person.objects.filter(cpims_number=number).first()
