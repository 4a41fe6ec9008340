"""Entries for tests/test_url_scope.py for the reporting app's URLs and API endpoints.

Figures: every holder of report.view_aggregate (national M&E, the coordinators and officers, the
stakeholder); the administrator and the partner caseworker hold no report permission (403).
Drill-down and case-list exports need report.view + case.view (the stakeholder: 403). Exports
need report.export. Downloads belong to their owner: a download of the Nairobi officer is 404
for everyone else.

Dashboards, the map and packs need report.view_aggregate; the national dashboard needs it
nationally (national M&E, stakeholder): a county coordinator or an officer asking for it gets
403. The area dashboard is asked for Nairobi county: national users and the Nairobi coordinator
see it; the Westlands officer (a sub-county only) and the Turkana users get 404, the county lying
outside their reach.
"""

from __future__ import annotations

from typing import Any

REPORTERS = frozenset(
    {"national_me", "nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "stakeholder"}
)
DRILLERS = REPORTERS - {"stakeholder"}
NATIONAL_REPORTERS = frozenset({"national_me", "stakeholder"})
EXPORTERS = DRILLERS


def officer_download(cast: Any) -> Any:
    """A finished caseload download of the Nairobi officer, made once per cast."""
    existing = getattr(cast, "_reporting_download", None)
    if existing is not None:
        return existing
    from cpims.reporting.downloads import download_start

    download = download_start(
        actor=cast.nairobi_officer,
        kind="caseload_export",
        params={"period": "2025/26", "area": "", "bands": "dcs", "format": "csv"},
    )
    cast._reporting_download = download
    return download


def _download(cast: Any) -> dict[str, Any]:
    return {"public_id": officer_download(cast).public_id}


def _export(cast: Any) -> dict[str, Any]:
    return {"period": "2025/26", "area": "", "bands": "dcs", "format": "csv"}


def reporting_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    owner = frozenset({"nairobi_officer"})
    others = EVERYONE - owner
    return {
        "reporting:caseload": Route(ok=REPORTERS),
        "reporting:caseload_export": Route(ok=EXPORTERS, method="post", data=_export),
        "reporting:caseload_export_background": Route(
            ok=EXPORTERS, method="post", data=_export, ok_status=frozenset({302})
        ),
        "reporting:drilldown": Route(ok=DRILLERS),
        "reporting:drilldown_export": Route(ok=DRILLERS, method="post", data=_export),
        "reporting:download_list": Route(ok=EVERYONE),
        "reporting:download_detail": Route(ok=owner, hidden=others, kwargs=_download),
        "reporting:download_file": Route(ok=owner, hidden=others, kwargs=_download),
        "api:reports-caseload": Route(ok=REPORTERS, api=True),
        "api:reports-download": Route(ok=owner, hidden=others, api=True, kwargs=_download),
        "dashboards:home": Route(ok=REPORTERS),
        "dashboards:national": Route(ok=NATIONAL_REPORTERS),
        "dashboards:area": Route(
            ok=NATIONAL_REPORTERS | {"nairobi_coordinator"},
            hidden=frozenset({"turkana_coordinator", "turkana_officer", "nairobi_officer"}),
            kwargs=lambda cast: {"key": "county-047"},
        ),
        "dashboards:map": Route(ok=REPORTERS),
        "dashboards:packs": Route(ok=REPORTERS),
    }
