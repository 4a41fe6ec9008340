"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the cases app.

In tests/test_url_scope.py::

    from cpims.cases.tests.scope_routes import cases_routes
    ROUTES.update(cases_routes(Route, EVERYONE))

Every case URL is requested with a case of a Westlands child owned by the Westlands office: the
Nairobi officer and coordinator may work on it, the national M&E officer may only read it (403 on
changes), everyone else gets 404 (Turkana users, the partner NGO without a referral, and roles
without case.view).
"""

from __future__ import annotations

from typing import Any


def westlands_case(cast: Any) -> Any:
    """A Westlands case with one follow-up (made once per cast)."""
    existing = getattr(cast, "_cases_case", None)
    if existing is not None:
        return existing
    import datetime as dt

    from django.utils import timezone

    from cpims.cases import actions
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    case._followup = actions.followup_add(
        actor=cast.nairobi_officer,
        case=case,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        purpose="Home visit",
    )
    cast._cases_case = case
    return case


def _case(cast: Any) -> dict[str, Any]:
    return {"public_id": westlands_case(cast).public_id}


def _transition(cast: Any) -> dict[str, Any]:
    return {"public_id": westlands_case(cast).public_id, "name": "start_assessment"}


def _followup(cast: Any) -> dict[str, Any]:
    case = westlands_case(cast)
    return {"public_id": case.public_id, "followup_id": case._followup.public_id}


def cases_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    viewers = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
    editors = frozenset({"nairobi_coordinator", "nairobi_officer"})
    outsiders = everyone - viewers
    case_view = everyone - {"admin", "stakeholder"}
    case_create = frozenset(
        {"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "partner"}
    )
    read = {"ok": viewers, "hidden": outsiders}
    write = {"ok": editors, "hidden": outsiders}  # national_me: 403
    return {
        "cases:case_list": Route(ok=case_view),
        "cases:task_list": Route(ok=case_view),
        "cases:case_create": Route(ok=case_create),
        "cases:service_create": Route(ok=case_create),  # the same five hold service.record
        # Sub-category options: for those who open or edit cases (each role with case.update also
        # holds case.create); everyone else 403.
        "cases:subcategory_options": Route(ok=case_create),
        "cases:case_detail": Route(**read, kwargs=_case),
        "cases:case_edit": Route(**write, kwargs=_case),
        "cases:timeline": Route(**read, kwargs=_case),
        "cases:transition": Route(**write, kwargs=_transition),
        "cases:plan_goal_add": Route(**write, kwargs=_case),
        "cases:followup_add": Route(**write, kwargs=_case),
        "cases:followup_done": Route(**write, kwargs=_followup),
        # Break-the-glass: the form for those holding case.emergency_access (sub-county officers,
        # coordinators); the list for those who answer for the access log (child.access_log).
        "cases:emergency_access": Route(
            ok=frozenset({"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer"})
        ),
        "cases:emergency_access_list": Route(ok=EMERGENCY_REVIEWERS),
    }


EMERGENCY_REVIEWERS = frozenset({"national_me", "nairobi_coordinator", "turkana_coordinator"})
