"""This app's count on the home page: care alerts (as the alerts page adds them up)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care import queries
from cpims.core.hooks import HomeCount


def care_alerts(user: User) -> int:
    """Expired orders, overdue reviews, escaped children and institutions over capacity: the
    alerts that need action (orders merely expiring soon are not counted, as on the alerts page).
    Four COUNT queries."""
    today = timezone.localdate()
    return (
        queries.expired_orders(user, today=today).count()
        + queries.overdue_reviews(user, today=today).count()
        + queries.escaped(user).count()
        + queries.over_capacity_units(user).count()
    )


def home_counts(user: User) -> list[HomeCount]:
    if not scope.has_perm(user, P.PLACEMENT_VIEW):
        return []
    return [HomeCount(_("Care alerts"), reverse("care:alerts"), care_alerts(user))]
