"""Reads of the audit log: the list page, the CSV export, the API and "who saw this child".

Audit events are not area-scoped: whoever holds ``audit.view`` reads the national log. Every filter
here is an equality (or a range on ``at``) on an indexed column, and every index ends in ``at``,
so a filtered, newest-first page is one index range scan (see the indexes on AuditEvent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from cpims.accounts import permissions as P
from cpims.accounts.scope import require_perm
from cpims.audit.models import AuditEvent

if TYPE_CHECKING:
    from cpims.accounts.types import AnyUser

# Dates typed by people are Kenyan calendar dates, whatever TIME_ZONE a machine runs with.
NAIROBI = ZoneInfo("Africa/Nairobi")
PAGE_SIZE = 50


def events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """Every audit event ``user`` may read (national for now), newest first; PermissionDenied without audit.view."""
    require_perm(user, P.AUDIT_VIEW)
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in Nairobi, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=NAIROBI)


def filter_events(
    events: QuerySet[AuditEvent],
    *,
    username: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    outcome: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """``events`` narrowed by the given filters; empty values mean "any".

    ``username`` matches the name recorded on the event, so it also finds failed logins for a name
    that has no account. ``date_from`` and ``date_to`` are inclusive Nairobi calendar days.
    """
    if username:
        events = events.filter(actor_username=username)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if outcome:
        events = events.filter(outcome=outcome)
    if date_from:
        events = events.filter(at__gte=day_start(date_from))
    if date_to:
        events = events.filter(at__lt=day_start(date_to + dt.timedelta(days=1)))
    return events


def search_events(
    user: AnyUser,
    *,
    username: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    outcome: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The events ``user`` may read that match the filters, newest first."""
    return filter_events(
        events_visible_to(user),
        username=username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        date_from=date_from,
        date_to=date_to,
    )


def who_saw(object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Successful events on one object (views, prints, changes), newest first: "who saw this child".

    No permission check here: the caller decides who may ask (normally ``audit.view``, or the
    data protection officer answering a data subject's request). Events about lists (searches,
    exports) name no single object and are not included.
    """
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id), outcome=AuditEvent.Outcome.SUCCESS)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def events_on(objects: dict[str, list[str]]) -> QuerySet[AuditEvent]:
    """Successful events on any of several objects ({object type: [public ids]}), newest first:
    a child and their cases. Each (type, id) pair is served by the (object_type, object_id, at) index."""
    query = Q()
    for object_type, ids in objects.items():
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    if not query:
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(query, outcome=AuditEvent.Outcome.SUCCESS)
        .select_related("actor")
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class Page:
    """One page of results without a COUNT(*): counting tens of millions of events is not free."""

    items: list[AuditEvent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(events: QuerySet[AuditEvent], number: int, per_page: int = PAGE_SIZE) -> Page:
    """Page ``number`` (1-based) of ``events``; one query, reading one row more to know if more follow."""
    number = max(1, number)
    start = (number - 1) * per_page
    rows = list(events[start : start + per_page + 1])
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)
