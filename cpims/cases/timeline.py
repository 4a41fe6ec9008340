"""The child's profile timeline gets the child's cases and services (registered in apps.ready)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.cases.queries import cases_visible_to, services_for_child
from cpims.registry.queries import TimelineEntry


def child_timeline(user: User, person: Any) -> list[TimelineEntry]:
    """Cases of ``person`` the viewer may see, and services given to them: two queries."""
    entries = [
        TimelineEntry(
            on=case.reported_on,
            kind="case",
            title=_("Case %(number)s reported") % {"number": case.case_number},
            detail=case.get_status_display(),
            url=reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        )
        for case in cases_visible_to(user).filter(child=person).order_by("-reported_on")[:50]
    ]
    entries += [
        TimelineEntry(
            on=record.given_on,
            kind="service",
            title=_("Service: %(service)s") % {"service": record.service.label},
            detail=record.provider.name,
        )
        for record in services_for_child(user, person)[:50]
    ]
    return entries
