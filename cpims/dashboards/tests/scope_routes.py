"""Entries for tests/test_url_scope.py for the dashboards app's URLs.

Dashboards need ``report.view_aggregate`` (the administrator and the partner hold none: 403). The
national dashboard needs it nationally (national M&E, stakeholder); a county coordinator or an
officer asking for it gets 403. The area dashboard is asked for Nairobi county: national users
and the Nairobi coordinator see it; the Westlands officer (a sub-county only) and the Turkana
users get 404 — the county lies outside their reach.
"""

from __future__ import annotations

from typing import Any


def dashboards_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    readers = EVERYONE - {"admin", "partner"}
    national = frozenset({"national_me", "stakeholder"})
    nairobi = national | {"nairobi_coordinator"}
    return {
        "dashboards:home": Route(ok=readers),
        "dashboards:national": Route(ok=national),
        "dashboards:area": Route(
            ok=nairobi,
            hidden=frozenset({"turkana_coordinator", "turkana_officer", "nairobi_officer"}),
            kwargs=lambda cast: {"key": "county-047"},
        ),
        "dashboards:map": Route(ok=readers),
        "dashboards:packs": Route(ok=readers),
    }
