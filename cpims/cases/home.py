"""This app's counts on the home page (the work queue): each one COUNT query through the scope rules."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case, CaseClosure, CasePlan, FollowUp
from cpims.cases.queries import cases_visible_to
from cpims.core.hooks import HomeCount


def overdue_followups(user: User) -> int:
    """Open follow-ups past their due date on open cases the user may work on (case.update).
    Uses the partial indexes on open follow-ups and open cases."""
    return FollowUp.objects.filter(
        done_on__isnull=True,
        ended_on__isnull=True,  # ended when the case closed; a reopened case does not revive them
        due_on__lt=timezone.localdate(),
        case__in=cases_visible_to(user, P.CASE_UPDATE).exclude(status=Case.Status.CLOSED),
    ).count()


def approvals_waiting(user: User) -> int:
    """Plans submitted and closures proposed that the user may approve (never their own)."""
    total = 0
    if scope.has_perm(user, P.CASE_APPROVE_PLAN):
        total += (
            CasePlan.objects.filter(
                status=CasePlan.Status.SUBMITTED, case__in=cases_visible_to(user, P.CASE_APPROVE_PLAN)
            )
            .exclude(submitted_by=user)
            .count()
        )
    if scope.has_perm(user, P.CASE_APPROVE_CLOSURE):
        total += (
            CaseClosure.objects.filter(
                decision=CaseClosure.Decision.PENDING, case__in=cases_visible_to(user, P.CASE_APPROVE_CLOSURE)
            )
            .exclude(proposed_by=user)
            .count()
        )
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
