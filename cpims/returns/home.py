"""This app's counts on the home page: returns to send, returns sent back, returns to review."""

from __future__ import annotations

import calendar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core.hooks import HomeCount
from cpims.geo.models import OrgUnit
from cpims.returns import registry
from cpims.returns.models import MonthlyReturn
from cpims.returns.queries import REMINDER_MONTHS, last_months, nairobi_today, submit_unit_ids


def returns_due(user: User) -> int:
    """Returns of the user's own units due by the end of this month (overdue ones of the last
    months too) and not yet received. Two queries: the user's units (a handful) and the months
    received among them; the expected months are worked out from each unit's due day."""
    units = submit_unit_ids(user)
    if not units:
        return 0
    today = nairobi_today()
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    periods = last_months(REMINDER_MONTHS + 1, today=today)
    reporting = OrgUnit.objects.filter(pk__in=units, is_active=True, kind__in=registry.expected_org_unit_kinds())
    kinds = dict(reporting.values_list("pk", "kind"))
    received = set(
        MonthlyReturn.objects.filter(
            org_unit__in=list(kinds), month__gte=periods[-1].start, status__in=MonthlyReturn.RECEIVED
        ).values_list("org_unit_id", "month")
    )
    total = 0
    for unit_id, kind in kinds.items():
        rk = registry.kind_for_org_unit_kind(kind)
        if rk is None:
            continue
        total += sum(1 for p in periods if rk.due_date(p) <= month_end and (unit_id, p.start) not in received)
    return total


def returns_sent_back(user: User) -> int:
    """Returns of the user's own units that a reviewer returned for changes (with comments)."""
    return MonthlyReturn.objects.filter(
        org_unit__in=submit_unit_ids(user), status=MonthlyReturn.Status.RETURNED
    ).count()


def returns_to_review(user: User) -> int:
    """Submitted returns the user may approve (never their own submission)."""
    return (
        scope.restrict(user, MonthlyReturn.objects.all(), P.RETURN_APPROVE)
        .filter(status=MonthlyReturn.Status.SUBMITTED)
        .exclude(submitted_by=user)
        .count()
    )


def home_counts(user: User) -> list[HomeCount]:
    out: list[HomeCount] = []
    if scope.has_perm(user, P.RETURN_SUBMIT):
        index = reverse("returns:index")
        out.append(HomeCount(_("Monthly returns due"), index, returns_due(user)))
        review = reverse("returns:review")
        out.append(
            HomeCount(_("Returns sent back with comments"), f"{review}?status=returned&mine=1", returns_sent_back(user))
        )
    if scope.has_perm(user, P.RETURN_APPROVE):
        out.append(
            HomeCount(
                _("Returns awaiting your review"),
                reverse("returns:review") + "?status=submitted&to_review=1",
                returns_to_review(user),
            )
        )
    return out
