"""Every read of the data protection registers, through the scope rules.

Only a national role holding ``privacy.requests`` (subject requests) or ``privacy.breaches`` (the
breach register) reaches these records: anyone else is refused with 403 before any lookup (the
views call ``scope.require_perm``), and a record that does not exist is 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.models import AuditEvent
from cpims.cases.tasks import Task
from cpims.privacy.deadlines import Clock, clock
from cpims.privacy.models import Breach, SubjectRequest
from cpims.registry.models import Person
from cpims.registry.numbers import normalise_number

PAGE_SIZE = 25
MAX_TOUCHED = 2000  # children listed for one look-up; the page says when there were more
PERSON_TYPE = "registry.person"

OPEN, ALL = "open", "all"


def requests_visible_to(user: User) -> QuerySet[SubjectRequest]:
    return scope.restrict(user, SubjectRequest.objects.all(), P.PRIVACY_REQUESTS)


def request_for(user: User, public_id: Any) -> SubjectRequest:
    return scope.get_for(
        user,
        SubjectRequest.objects.select_related("child", "created_by", "closed_by"),
        view=P.PRIVACY_REQUESTS,
        public_id=public_id,
    )


def request_list(user: User, *, show: str = OPEN, page: int = 1) -> Page:
    qs = requests_visible_to(user).select_related("child")
    if show != ALL:
        qs = qs.filter(status=SubjectRequest.Status.OPEN)
    return Paginator(qs.order_by("due_on", "id"), PAGE_SIZE).get_page(page)


def child_by_number(user: User, cpims_number: str) -> Person | None:
    """The active child with this CPIMS number, if the officer may see them."""
    number = normalise_number(cpims_number)
    if number is None:
        return None
    return scope.restrict(user, Person.objects.filter(is_active=True), P.CHILD_VIEW).filter(cpims_number=number).first()


def breaches_visible_to(user: User) -> QuerySet[Breach]:
    return scope.restrict(user, Breach.objects.all(), P.PRIVACY_BREACHES)


def breach_for(user: User, public_id: Any) -> Breach:
    return scope.get_for(
        user, Breach.objects.select_related("created_by"), view=P.PRIVACY_BREACHES, public_id=public_id
    )


@dataclass(frozen=True)
class BreachRow:
    breach: Breach
    clock: Clock


def breach_list(user: User, *, show: str = OPEN, page: int = 1) -> tuple[Page, list[BreachRow]]:
    qs = breaches_visible_to(user)
    if show != ALL:
        qs = qs.filter(status=Breach.Status.OPEN)
    result = Paginator(qs.order_by("-discovered_at", "-id"), PAGE_SIZE).get_page(page)
    now = timezone.now()
    return result, [BreachRow(b, clock(b.discovered_at, b.commissioner_notified_at, now)) for b in result]


def breach_clock(breach: Breach, now: dt.datetime | None = None) -> Clock:
    return clock(breach.discovered_at, breach.commissioner_notified_at, now)


# --- children touched by a user in a time window --------------------------------------------------


def actors(user: User) -> QuerySet[User]:
    """The accounts a breach may concern (people and partner systems), for the look-up form."""
    if not scope.has_perm(user, P.PRIVACY_BREACHES):
        return User.objects.none()
    return User.objects.order_by("username")


def _child_ids_for(object_type: str, object_ids: set[str]) -> set[int]:
    """The children an audited object belongs to: the person itself, or the record's child or case."""
    if object_type == PERSON_TYPE:
        return set(Person.objects.filter(public_id__in=object_ids).values_list("pk", flat=True))
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return set()
    names = {f.name for f in model._meta.get_fields()}
    if "public_id" not in names:
        return set()
    rows = model._default_manager.filter(public_id__in=object_ids)
    if "child" in names:
        return {pk for pk in rows.values_list("child_id", flat=True) if pk}
    if "case" in names:
        return {pk for pk in rows.values_list("case__child_id", flat=True) if pk}
    return set()


@dataclass(frozen=True)
class Touched:
    people: list[Person]
    events: int
    truncated: bool


def children_touched(user: User, *, actor: User, start: dt.datetime, end: dt.datetime) -> Touched:
    """The children whose records ``actor`` opened, searched into or changed between ``start`` and
    ``end`` (from the audit log). Any record type that names a child or a case counts. API tokens
    act as their user: look up the token's user over the token's time of use."""
    scope.require_perm(user, P.PRIVACY_BREACHES)
    events = AuditEvent.objects.filter(actor=actor, at__gte=start, at__lt=end).exclude(object_id="")
    by_type: dict[str, set[str]] = defaultdict(set)
    count = 0
    for object_type, object_id in events.values_list("object_type", "object_id").iterator(chunk_size=5000):
        by_type[object_type].add(object_id)
        count += 1
    ids: set[int] = set()
    for object_type, object_ids in by_type.items():
        ids |= _child_ids_for(object_type, object_ids)
    people = list(
        Person.objects.filter(pk__in=ids).select_related("county").order_by("cpims_number")[: MAX_TOUCHED + 1]
    )
    return Touched(people=people[:MAX_TOUCHED], events=count, truncated=len(people) > MAX_TOUCHED)


# --- the data protection officer's tasks ----------------------------------------------------------


def privacy_tasks(user: User) -> list[Task]:
    """Open subject requests by their statutory due date, and breaches not yet notified."""
    out: list[Task] = []
    if scope.has_perm(user, P.PRIVACY_REQUESTS):
        for r in requests_visible_to(user).filter(status=SubjectRequest.Status.OPEN).order_by("due_on", "id")[:200]:
            out.append(
                Task(
                    kind="subject_request",
                    title=_("Subject request %(ref)s (%(kind)s)") % {"ref": r.reference, "kind": r.get_kind_display()},
                    url=reverse("privacy:request_detail", kwargs={"public_id": r.public_id}),
                    due_on=r.due_on,
                    case_number=r.reference,
                    source="privacy",
                )
            )
    if scope.has_perm(user, P.PRIVACY_BREACHES):
        pending = breaches_visible_to(user).filter(status=Breach.Status.OPEN, commissioner_notified_at__isnull=True)
        for b in pending.order_by("discovered_at", "id")[:200]:
            out.append(
                Task(
                    kind="breach",
                    title=_("Notify the Data Commissioner of breach %(ref)s") % {"ref": b.reference},
                    url=reverse("privacy:breach_detail", kwargs={"public_id": b.public_id}),
                    due_on=timezone.localtime(b.notify_by).date(),
                    case_number=b.reference,
                    source="privacy",
                )
            )
    return out
