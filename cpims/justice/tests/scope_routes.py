"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the justice app.

Every justice URL is requested with the track of a Westlands case of a child in conflict with the
law: the Nairobi officer and coordinator (who hold case.view_sensitive) may work on it; the Turkana
officer and coordinator hold it too but elsewhere (404); everyone else lacks it (403), national M&E
included, who may read the case itself.
"""

from __future__ import annotations

from typing import Any


def justice_records(cast: Any) -> Any:
    """A Westlands offender case with a track on remand, made once per cast."""
    existing = getattr(cast, "_justice_records", None)
    if existing is not None:
        return existing
    from cpims.justice import actions
    from cpims.justice.tests.conftest import Units, days, offender_case, open_track

    units = Units(cast.westlands_office)
    case = offender_case(cast.nairobi_officer, cast.westlands_office, first="Scope")
    track = open_track(cast.nairobi_officer, case, units)
    remand = actions.remand_start(
        actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-5)
    )
    cast._justice_records = (case, track, remand)
    return cast._justice_records


def _case(cast: Any) -> dict[str, Any]:
    return {"public_id": justice_records(cast)[0].public_id}


def _track(cast: Any) -> dict[str, Any]:
    return {"public_id": justice_records(cast)[1].public_id}


def _remand(cast: Any) -> dict[str, Any]:
    return {"public_id": justice_records(cast)[2].public_id}


def justice_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    workers = frozenset({"nairobi_coordinator", "nairobi_officer"})
    elsewhere = frozenset({"turkana_coordinator", "turkana_officer"})
    sensitive = workers | elsewhere
    page = {"ok": workers, "hidden": elsewhere}  # the rest: 403 (no case.view_sensitive)
    return {
        "justice:alerts": Route(ok=sensitive),
        "justice:case_track": Route(**page, kwargs=_case),
        "justice:track_open": Route(**page, kwargs=_case),
        "justice:route": Route(**page, kwargs=_track),
        "justice:court": Route(**page, kwargs=_track),
        "justice:remand_start": Route(**page, kwargs=_track),
        "justice:report_add": Route(**page, kwargs=_track),
        "justice:disposition": Route(**page, kwargs=_track),
        "justice:aftercare": Route(**page, kwargs=_track),
        "justice:remand_end": Route(**page, kwargs=_remand),
        "api:justicetrack-list": Route(ok=sensitive, api=True),
        "api:justicetrack-detail": Route(**page, api=True, kwargs=_track),
    }
