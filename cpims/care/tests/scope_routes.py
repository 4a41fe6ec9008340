"""Entries for tests/test_url_scope.py for the care app's URLs and API endpoints.

Every care URL is requested with a child of a Westlands case placed in a Westlands CCI: the
Nairobi officer and coordinator may work on it, the national M&E officer may only read it (403 to
changes), the Turkana users get 404, and roles without placement.view (admin, partner,
stakeholder) get 404 on records (403 on lists and in the API, before any lookup). Institution
pages also open to holders of orgunit.manage (the system administrator) in their area.
"""

from __future__ import annotations

from typing import Any


def care_records(cast: Any) -> Any:
    """A Westlands CCI and a placement of a Westlands child (with a case) in it, once per cast."""
    existing = getattr(cast, "_care_records", None)
    if existing is not None:
        return existing
    from cpims.care.tests.conftest import admit, open_case, westlands_cci

    cci = westlands_cci(cast)
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    placement = admit(cast.nairobi_officer, case.child, cci, case=case)
    cast._care_records = (cci, placement)
    return cast._care_records


def _child(cast: Any) -> dict[str, Any]:
    return {"public_id": care_records(cast)[1].child.public_id}


def _placement(cast: Any) -> dict[str, Any]:
    return {"public_id": care_records(cast)[1].public_id}


def _institution(cast: Any) -> dict[str, Any]:
    return {"public_id": care_records(cast)[0].public_id}


def care_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    viewers = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
    editors = frozenset({"nairobi_coordinator", "nairobi_officer"})
    turkana = frozenset({"turkana_coordinator", "turkana_officer"})
    no_view = frozenset({"admin", "partner", "stakeholder"})
    listers = viewers | turkana
    read = {"ok": viewers, "hidden": turkana | no_view}
    write = {"ok": editors, "hidden": turkana | no_view}  # national_me: 403
    # Admitting needs placement.manage anywhere first (403), then the child in scope (404).
    admit = {"ok": editors, "hidden": turkana}
    inst_viewers = viewers | {"admin"}
    inst_hidden = turkana | {"partner", "stakeholder"}
    bad_post = frozenset({400})
    return {
        "care:placement_list": Route(ok=listers),
        "care:alerts": Route(ok=listers),
        "care:institution_list": Route(ok=listers | {"admin"}),
        "care:placement_create": Route(**admit, kwargs=_child),
        "care:admit_lookup": Route(ok=editors | {"turkana_coordinator", "turkana_officer"}),
        "care:placement_detail": Route(**read, kwargs=_placement),
        "care:placement_edit": Route(**write, kwargs=_placement),
        "care:placement_status": Route(**write, kwargs=_placement),
        "care:placement_transfer": Route(**write, kwargs=_placement),
        "care:review_add": Route(**write, kwargs=_placement),
        "care:followup_add": Route(**write, kwargs=_placement),
        "care:institution_detail": Route(ok=inst_viewers, hidden=inst_hidden, kwargs=_institution),
        "care:institution_edit": Route(
            ok=frozenset({"admin", "nairobi_coordinator", "nairobi_officer"}), hidden=inst_hidden, kwargs=_institution
        ),
        "api:placement-list": Route(ok=listers, api=True),
        "api:placement-detail": Route(ok=viewers, hidden=turkana, api=True, kwargs=_placement),
        "api:placement-change-status": Route(
            ok=editors, hidden=turkana, api=True, kwargs=_placement, method="post", ok_status=bad_post
        ),
        "api:placement-transfer": Route(
            ok=editors, hidden=turkana, api=True, kwargs=_placement, method="post", ok_status=bad_post
        ),
        "api:institution-list": Route(ok=listers, api=True),
        "api:institution-detail": Route(ok=viewers, hidden=turkana, api=True, kwargs=_institution),
        "api:institution-population": Route(ok=viewers, hidden=turkana, api=True, kwargs=_institution),
    }
