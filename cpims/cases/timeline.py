"""The child's profile gets the child's cases (a section, timeline entries) and services.

Registered in apps.ready."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import CaseCategory
from cpims.cases.queries import cases_visible_to, services_for_child
from cpims.registry.queries import ProfileSection, TimelineEntry

CASES_ON_PROFILE = 50


_SHARED_ATTR = "_cpims_profile_cases"


def _child_cases(user: User, person: Any) -> list[Any]:
    """The child's newest cases the viewer may see, with office and categories: read once for the
    profile's cases section and its timeline (kept on the ``person`` object of this request)."""
    shared = getattr(person, _SHARED_ATTR, None)
    if shared is not None and shared[0] == user.pk:
        return shared[1]
    cases = list(
        cases_visible_to(user)
        .filter(child=person)
        .select_related("office")
        .prefetch_related(Prefetch("categories", queryset=CaseCategory.objects.select_related("category")))
        .order_by("-reported_on", "-id")[:CASES_ON_PROFILE]
    )
    setattr(person, _SHARED_ATTR, (user.pk, cases))
    return cases


def child_timeline(user: User, person: Any) -> list[TimelineEntry]:
    """Cases of ``person`` the viewer may see (shared with the cases section), and services given
    to them."""
    entries = [
        TimelineEntry(
            on=case.reported_on,
            kind="case",
            title=_("Case %(number)s reported") % {"number": case.case_number},
            detail=case.get_status_display(),
            url=reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        )
        for case in _child_cases(user, person)
    ]
    entries += [
        TimelineEntry(
            on=record.given_on,
            kind="service",
            title=_("Service: %(service)s") % {"service": record.service.display_label},
            detail=record.provider.name,
        )
        for record in services_for_child(user, person)[:50]
    ]
    return entries


def child_cases_section(user: User, person: Any) -> ProfileSection | None:
    """The child's cases on their profile, newest first, with "Open a case".

    Only cases the viewer may open are listed (each a link): a case held by an office outside the
    viewer's scope is not shown at all, since even its number and category say something about the
    child that the scope rules keep from this viewer. Two queries (cases, their categories).
    """
    if person.kind != "child":
        return None
    can_view = scope.has_perm(user, P.CASE_VIEW)
    can_create = person.is_active and scope.has_perm(user, P.CASE_CREATE)
    if not can_view and not can_create:
        return None
    cases = _child_cases(user, person) if can_view else []
    return ProfileSection(
        "cases/_child_cases.html",
        {"cases": cases, "can_create": can_create, "child": person, "more": len(cases) >= CASES_ON_PROFILE},
    )


def child_case_ids(person: Any, viewer: Any) -> dict[str, list[str]]:
    """For "who saw this child": the child's cases that ``viewer`` may see, one query."""
    cases = cases_visible_to(viewer).filter(child=person)
    return {"cases.case": [str(i) for i in cases.values_list("public_id", flat=True)]}
