"""This app's counts on the home page (the work queue): each one COUNT query through the scope rules."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case
from cpims.cases.queries import cases_visible_to, closures_to_approve, open_followups, plans_to_approve
from cpims.core.hooks import HomeCount


def overdue_followups(user: User) -> int:
    """Open follow-ups past their due date (the task list's overdue ones)."""
    return open_followups(user).filter(due_on__lt=timezone.localdate()).count()


def approvals_waiting(user: User) -> int:
    """Plans submitted and closures proposed that the user may approve (the task list's approvals)."""
    total = 0
    if scope.has_perm(user, P.CASE_APPROVE_PLAN):
        total += plans_to_approve(user).count()
    if scope.has_perm(user, P.CASE_APPROVE_CLOSURE):
        total += closures_to_approve(user).count()
    return total


def my_open_cases(user: User) -> int:
    """Open cases the user opened (index case_owner_status), within their case.view scope."""
    return cases_visible_to(user).filter(created_by=user).exclude(status=Case.Status.CLOSED).count()


def home_counts(user: User) -> list[HomeCount]:
    out: list[HomeCount] = []
    tasks = reverse("cases:task_list")
    if scope.has_perm(user, P.CASE_UPDATE):
        out.append(
            HomeCount(_("Overdue follow-ups"), f"{tasks}?view=office&kind=followup&overdue=1", overdue_followups(user))
        )
    if scope.has_perm(user, P.CASE_APPROVE_PLAN) or scope.has_perm(user, P.CASE_APPROVE_CLOSURE):
        out.append(HomeCount(_("Approvals waiting"), f"{tasks}?view=office&kind=approval", approvals_waiting(user)))
    if scope.has_perm(user, P.CASE_CREATE):
        out.append(HomeCount(_("My open cases"), reverse("cases:case_list") + "?mine=1&open=1", my_open_cases(user)))
    return out
