"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the ctip app.

In tests/test_url_scope.py::

    from cpims.ctip.tests.scope_routes import ctip_routes
    ROUTES.update(ctip_routes(Route, EVERYONE))

Every CTiP URL is requested with the track of a Westlands trafficking case: the Nairobi officer and
coordinator may work on it; the national M&E officer sees the case but not its sensitive sections
(403); everyone else gets 404 (Turkana users, the partner NGO without a referral, and roles
without case.view). In the API, a role without case.view_sensitive anywhere is refused with 403
before any lookup.
"""

from __future__ import annotations

from typing import Any

WORKERS = frozenset({"nairobi_coordinator", "nairobi_officer"})
SENSITIVE = WORKERS | {"turkana_coordinator", "turkana_officer"}
REPORTERS = frozenset(
    {"national_me", "nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "stakeholder"}
)


def ctip_records(cast: Any) -> Any:
    """A Westlands trafficking case with a track and one record of each step, made once per cast."""
    existing = getattr(cast, "_ctip_records", None)
    if existing is not None:
        return existing
    from cpims.ctip import actions
    from cpims.ctip.tests.conftest import code, ctip_case, days, identify, partner

    officer = cast.nairobi_officer
    track = identify(officer, ctip_case(officer, cast.westlands_office))
    uganda = code("ctip_country", "UG")
    cast._ctip_records = {
        "track": track,
        "ctipassistance": actions.ctip_assistance_add(actor=officer, track=track, kind="shelter", given_on=days(-9)),
        "ctipreferral": actions.ctip_referral_add(
            actor=officer, track=track, to_unit=partner(), referred_on=days(-9), reason="Repatriation"
        ),
        "ctiptracing": actions.ctip_tracing_add(
            actor=officer, track=track, traced_on=days(-8), outcome="found", country=uganda
        ),
        "ctipreturn": actions.ctip_return_add(
            actor=officer,
            track=track,
            kind="repatriation",
            travelled_on=days(-5),
            country=uganda,
            travel_document="emergency",
        ),
        "ctipfollowup": actions.ctip_followup_add(actor=officer, track=track, visited_on=days(-1), status="settled"),
    }
    return cast._ctip_records


def _case(cast: Any) -> dict[str, Any]:
    return {"public_id": ctip_records(cast)["track"].case.public_id}


def _record(name: str) -> Any:
    return lambda cast: {"public_id": ctip_records(cast)[name].public_id}


def ctip_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    page = {"ok": WORKERS, "hidden": everyone - WORKERS - {"national_me"}, "kwargs": _case}
    api_detail = {"ok": WORKERS, "hidden": SENSITIVE - WORKERS, "api": True}
    routes = {
        "ctip:figures": Route(ok=REPORTERS),
        "ctip:track": Route(**page),
        **{
            f"ctip:{name}": Route(**page)
            for name in (
                "identify",
                "assistance_add",
                "tracing_add",
                "return_add",
                "plan_edit",
                "followup_add",
                "prosecution_edit",
                "referral_add",
            )
        },
        "api:ctiptrack-list": Route(ok=SENSITIVE, api=True),
        "api:ctiptrack-detail": Route(**api_detail, kwargs=_record("track")),
        # A GET of a POST-only action: 405 once the request-level checks pass (no lookup is made).
        "api:ctiptrack-plan": Route(ok=SENSITIVE, api=True, kwargs=_record("track"), ok_status=frozenset({405})),
        "api:ctiptrack-prosecution": Route(ok=SENSITIVE, api=True, kwargs=_record("track"), ok_status=frozenset({405})),
    }
    for basename in ("ctipassistance", "ctiptracing", "ctipreturn", "ctipfollowup", "ctipreferral"):
        routes[f"api:{basename}-list"] = Route(ok=SENSITIVE, api=True)
        routes[f"api:{basename}-detail"] = Route(**api_detail, kwargs=_record(basename))
    return routes
