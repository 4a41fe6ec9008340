"""The child's profile gets the child's cases (a section, timeline entries) and services.

Registered in apps.ready."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, FilteredRelation, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case, CaseCategory, ServiceRecord
from cpims.cases.queries import cases_visible_to, services_for_child
from cpims.core.prefetch import set_prefetched
from cpims.registry.queries import ProfileSection, TimelineEntry, profile_has

CASES_ON_PROFILE = 50


_SHARED_ATTR = "_cpims_profile_cases"


# The child's page reads with the child whether they have any case or service at all
# (registry.queries.register_profile_flag), so a child with none costs no query here.
def has_cases() -> Exists:
    return Exists(Case.objects.filter(child=OuterRef("pk")))


def has_services() -> Exists:
    return Exists(ServiceRecord.objects.filter(child=OuterRef("pk")))


def _child_cases(user: User, person: Any) -> list[Any]:
    """The child's newest cases the viewer may see, with office and categories: read once for the
    profile's cases section and its timeline (kept on the ``person`` object of this request). One
    query: each case joined to its categories (``case.categories.all()`` then needs none)."""
    shared = getattr(person, _SHARED_ATTR, None)
    if shared is not None and shared[0] == user.pk:
        return shared[1]
    cases: dict[int, Any] = {}
    categories: dict[int, list[CaseCategory]] = {}
    if profile_has(person, "cases"):
        newest = cases_visible_to(user).filter(child=person).order_by("-reported_on", "-id").values("pk")
        rows = (
            Case.objects.filter(pk__in=newest[:CASES_ON_PROFILE])
            .annotate(listed_category=FilteredRelation("categories"))
            .select_related("office", "listed_category__category")  # type: ignore[misc]
            .order_by("-reported_on", "-id", "listed_category__id")
        )
        for row in rows:
            cases.setdefault(row.pk, row)
            if row.listed_category is not None:
                categories.setdefault(row.pk, []).append(row.listed_category)
    for case in cases.values():
        set_prefetched(case, "categories", categories.get(case.pk, []))
    listed = list(cases.values())
    setattr(person, _SHARED_ATTR, (user.pk, listed))
    return listed


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
        for record in (services_for_child(user, person)[:50] if profile_has(person, "services") else [])
    ]
    return entries


def child_cases_section(user: User, person: Any) -> ProfileSection | None:
    """The child's cases on their profile, newest first, with "Open a case".

    Only cases the viewer may open are listed (each a link): a case held by an office outside the
    viewer's scope is not shown at all, since even its number and category say something about the
    child that the scope rules keep from this viewer. One query (cases joined to their categories),
    none for a child without a case.
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
