"""Entries for tests/test_url_scope.py for the dhis2 app's URLs and API endpoints.

DHIS2 is national work: only the national M&E officer (a national grant with dhis2.push) may use
any of it; everyone else — county coordinators included — gets 403 before any lookup (the pages
refuse on the permission, as list pages do), the mapping and server edit pages too, even for a
Nairobi row (the Westlands org-unit mapping) and the Nairobi coordinator. A push needs an active
server; the scope test has none, so the push form answers 400 with a message (allowed through the
scope check).
"""

from __future__ import annotations

from typing import Any


def _push_log(cast: Any) -> Any:
    existing = getattr(cast, "_dhis2_log", None)
    if existing is not None:
        return existing
    from cpims.integrations.dhis2.models import Dhis2Server, PushLog

    server = Dhis2Server.objects.create(name="Scope test DHIS2", base_url="http://127.0.0.1:9", is_active=False)
    cast._dhis2_log = PushLog.objects.create(
        server=server, actor=cast.national_me, period="2026/27-Q1", period_dhis2="2026Q3", status="success"
    )
    return cast._dhis2_log


def _log(cast: Any) -> dict[str, Any]:
    return {"public_id": _push_log(cast).public_id}


def _data_element(cast: Any) -> dict[str, Any]:
    from cpims.integrations.dhis2.models import DataElementMapping

    return {"pk": DataElementMapping.objects.get(indicator="cases").pk}


def _combo(cast: Any) -> dict[str, Any]:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping

    return {"pk": CategoryOptionComboMapping.objects.get(sex="female", band="6-10").pk}


def _westlands_org_unit(cast: Any) -> dict[str, Any]:
    from cpims.integrations.dhis2.models import OrgUnitMapping

    return {"pk": OrgUnitMapping.objects.get(area=cast.westlands_office.sub_county).pk}


def _server(cast: Any) -> dict[str, Any]:
    return {"pk": _push_log(cast).server_id}


def dhis2_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    national = frozenset({"national_me"})
    return {
        "dhis2:index": Route(ok=national),
        "dhis2:preview": Route(ok=national),
        "dhis2:download": Route(ok=national, ok_status=frozenset({302})),  # no period: back to the preview
        "dhis2:push": Route(
            ok=national, method="post", data=lambda c: {"period": "2025/26-Q1"}, ok_status=frozenset({302, 400})
        ),
        "dhis2:log_detail": Route(ok=national, kwargs=_log),
        "dhis2:mapping": Route(ok=national),
        "dhis2:data_element_edit": Route(ok=national, kwargs=_data_element),
        "dhis2:coc_edit": Route(ok=national, kwargs=_combo),
        "dhis2:org_unit_edit": Route(ok=national, kwargs=_westlands_org_unit),
        "dhis2:server_edit": Route(ok=national, kwargs=_server),
        "api:dhis2pushlog-list": Route(ok=national, api=True),
        "api:dhis2pushlog-detail": Route(ok=national, api=True, kwargs=_log),
        "api:dhis2cocmapping-list": Route(ok=national, api=True),
        "api:dhis2orgunitmapping-list": Route(ok=national, api=True),
        # Without ?period= the API answers 400 (allowed through the scope check).
        "api:dhis2-data-value-set": Route(ok=national, api=True, ok_status=frozenset({200, 400})),
    }
