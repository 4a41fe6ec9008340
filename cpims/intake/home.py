"""This app's count on the home page: new reports waiting in the user's triage queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core.hooks import HomeCount
from cpims.intake.models import IntakeReport
from cpims.intake.queries import reports_visible_to


def triage_waiting(user: User) -> int:
    """Reports not yet triaged in the user's triage area: the queue's default view."""
    return reports_visible_to(user).filter(status=IntakeReport.Status.NEW).count()


def home_counts(user: User) -> list[HomeCount]:
    if not scope.has_perm(user, P.INTAKE_TRIAGE):
        return []
    return [HomeCount(_("Reports to triage"), reverse("intake:queue"), triage_waiting(user))]
