"""Reads about users, roles and assignments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cpims.accounts.models import Assignment


def assignments_of(user: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(user=user, is_active=True).select_related("role", "org_unit").order_by("role__name")
