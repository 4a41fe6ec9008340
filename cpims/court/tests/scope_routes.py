"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the court app.

In tests/test_url_scope.py::

    from cpims.court.tests.scope_routes import court_routes
    ROUTES.update(court_routes(Route, EVERYONE))

Every court URL is requested with court records of a Westlands case owned by the Westlands office:
the Nairobi officer and coordinator may work on them, the national M&E officer may only read them
(403 on changes), everyone else gets 404 (Turkana users, the partner NGO without a referral, and
roles without case.view). The API routes assume the lead registers the viewsets as
court-sessions / court-orders / summonses (basenames courtsession, courtorder, summons).
"""

from __future__ import annotations

from typing import Any


def court_records(cast: Any) -> Any:
    """A Westlands case with one session (with an order) and one summons, made once per cast."""
    existing = getattr(cast, "_court_records", None)
    if existing is not None:
        return existing
    import datetime as dt

    from django.utils import timezone

    from cpims.cases.tests.conftest import code, open_case
    from cpims.court import actions
    from cpims.geo.models import OrgUnit

    today = timezone.localdate()
    court = OrgUnit.objects.get_or_create(
        code="CRT-SCOPE-1", defaults={"name": "Scope Test Children Court", "kind": OrgUnit.Kind.COURT}
    )[0]
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    session = actions.court_session_record(
        actor=cast.nairobi_officer,
        case=case,
        session_type=code("courtsession_type_id", "STHR"),
        held_on=today - dt.timedelta(days=1),
        court=court,
        outcome=code("court_outcome_id", "CADJ"),
        next_date=today + dt.timedelta(days=7),
    )
    order = actions.court_order_add(
        actor=cast.nairobi_officer, session=session, order_type=code("court_order_id", "OSUP"), period_months=6
    )
    summons = actions.summons_issue(
        actor=cast.nairobi_officer, case=case, person_role="Father", issued_on=today, due_on=today
    )
    cast._court_records = (case, session, order, summons)
    return cast._court_records


def _case(cast: Any) -> dict[str, Any]:
    return {"public_id": court_records(cast)[0].public_id}


def _session(cast: Any) -> dict[str, Any]:
    return {"public_id": court_records(cast)[1].public_id}


def _order(cast: Any) -> dict[str, Any]:
    return {"public_id": court_records(cast)[2].public_id}


def _summons(cast: Any) -> dict[str, Any]:
    return {"public_id": court_records(cast)[3].public_id}


def court_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    viewers = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
    editors = frozenset({"nairobi_coordinator", "nairobi_officer"})
    outsiders = everyone - viewers
    case_view = everyone - {"admin", "stakeholder"}
    read = {"ok": viewers, "hidden": outsiders}
    write = {"ok": editors, "hidden": outsiders}  # national_me: 403
    # API: a role without case.view (admin, stakeholder) is refused with 403 before any lookup;
    # the partner holds case.view but not case.update, so a change is 403 before the lookup too.
    api_read = {"ok": viewers, "hidden": outsiders - {"admin", "stakeholder"}, "api": True}
    return {
        "court:diary": Route(ok=case_view),
        "court:case_court": Route(**read, kwargs=_case),
        "court:session_create": Route(**write, kwargs=_case),
        "court:summons_create": Route(**write, kwargs=_case),
        "court:session_edit": Route(**write, kwargs=_session),
        "court:order_create": Route(**write, kwargs=_session),
        "court:summons_honoured": Route(**write, kwargs=_summons),
        "api:courtsession-list": Route(ok=case_view, api=True),
        "api:courtsession-detail": Route(**api_read, kwargs=_session),
        "api:courtorder-list": Route(ok=case_view, api=True),
        "api:courtorder-detail": Route(**api_read, kwargs=_order),
        "api:summons-list": Route(ok=case_view, api=True),
        "api:summons-detail": Route(**api_read, kwargs=_summons),
    }
