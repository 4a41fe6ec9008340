"""Entries for tests/test_url_scope.py for the offline API (the PWA pages keep their own list).

In tests/test_url_scope.py::

    from cpims.offline.tests.scope_routes_api import offline_api_routes
    ROUTES.update(offline_api_routes(Route, EVERYONE))

Offline work is for people with case.view: the stakeholder (aggregates only) and the system
administrator are refused (403) everywhere except the lists of their own devices and syncs. A
device belongs to its owner: another user asking for it gets 404 (the Nairobi officer's device
here), except a user manager whose grants reach the owner, who may revoke it.
"""

from __future__ import annotations

from typing import Any

CASE_VIEWERS = frozenset(
    {
        "national_me",
        "nairobi_coordinator",
        "turkana_coordinator",
        "nairobi_officer",
        "turkana_officer",
        "partner",
    }
)


def _nairobi_device(cast: Any) -> dict[str, Any]:
    from cpims.offline.actions import device_register

    device = getattr(cast, "_offline_device", None) or device_register(actor=cast.nairobi_officer, label="Phone")
    cast._offline_device = device
    return {"public_id": device.public_id}


def offline_api_routes(route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    return {
        "api:offlinedevice-list": route(ok=everyone, api=True),
        "api:offlinedevice-revoke": route(
            ok=frozenset({"admin", "nairobi_coordinator", "nairobi_officer"}),
            hidden=everyone - {"admin", "nairobi_coordinator", "nairobi_officer"},
            kwargs=_nairobi_device,
            method="post",
            api=True,
        ),
        # Without a device the request is a 400, after the permission check.
        "api:offline-sync": route(ok=CASE_VIEWERS, api=True, ok_status=frozenset({400})),
        "api:offline-forms": route(ok=CASE_VIEWERS, api=True),
        "api:offline-sync-log": route(ok=everyone, api=True),
    }
