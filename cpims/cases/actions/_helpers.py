"""What every cases action shares: the stale-edit error, the locked case row, the permission check
and the timeline row written with its audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases.messages import event_text
from cpims.cases.models import Case, CaseEvent
from cpims.core.edits import StaleEdit as StaleEdit  # re-exported: the cases actions raise it
from cpims.core.edits import lock_for_edit


def _record(
    *,
    case: Case,
    actor: User,
    kind: str,
    message: str = "",
    params: dict[str, Any] | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    bump: bool = True,
) -> CaseEvent:
    """Bump the case version (if ``bump``) and write one CaseEvent and one audit event.

    ``message`` (a key of cpims.cases.messages) and ``params`` are read in the reader's language;
    the English ``summary`` is derived from them (a bare ``summary`` is still accepted)."""
    if bump:
        case.version += 1
        case.save()
    if message:
        summary = event_text(message, params)
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        summary=summary[:255],
        message=message,
        params=params or {},
        details=details or {},
        version=case.version,
    )
    audit_record(
        actor=actor,
        action=f"case.{kind}" if not kind.startswith("case.") else kind,
        obj=case,
        object_label=case.case_number,
        request=request,
        details=details or {},
    )
    return event


def _stale_message(case: Case, expected_version: int) -> str:
    events = list(
        CaseEvent.objects.filter(case=case, version__gt=expected_version)
        .select_related("actor")
        .order_by("at", "id")[:5]
    )
    changes = "; ".join(
        "{} ({}, {})".format(
            e.text,
            e.actor.get_username() if e.actor else "-",
            date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"),
        )
        for e in events
    )
    return _(
        "Someone else changed this case after you opened it: %(changes)s. Nothing was saved: reload the page, "
        "check their changes and make yours again."
    ) % {"changes": changes or _("unknown change")}


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case row, locked for this transaction; StaleEdit if it moved past ``expected_version``."""
    return lock_for_edit(
        case,
        field="version",
        expected=expected_version,
        message=lambda locked: _stale_message(locked, expected_version or 0),
    )


def _require(actor: User, perm: str, obj: Any) -> None:
    if not scope.can(actor, perm, obj):
        raise PermissionDenied
