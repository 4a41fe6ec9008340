"""Writes of the reporting app: audit events for reading identified lists and for exports.

(Facts are written by ``facts``; downloads by ``downloads``.) Audit details hold ids, codes and
periods only — no personal data.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.periods import Period


def drilldown_audit(
    *, actor: User, period: Period, area: Any, filters: dict[str, str], request: HttpRequest | None = None
) -> None:
    """Record that ``actor`` listed the cases behind a figure ("report.drilldown")."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="report.drilldown",
            object_label=period.code,
            request=request,
            details={"period": period.code, "area": area.key if area else "", "filters": dict(filters)},
        )


def export_audit(
    *,
    actor: User,
    kind: str,
    params: dict[str, Any],
    request: HttpRequest | None = None,
    rows: int | None = None,
) -> None:
    """Record an export made at once ("report.export"); background ones audit "download.start"."""
    details: dict[str, Any] = {"kind": kind, "params": params}
    if rows is not None:
        details["rows"] = rows
    with transaction.atomic():
        audit_record(actor=actor, action="report.export", object_label=kind, request=request, details=details)
