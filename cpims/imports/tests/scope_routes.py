"""Entries for tests/test_url_scope.py for the imports app's URLs and API endpoints.

Importing needs ``data.import``, which the system administrator (national), the county
coordinators and the sub-county officers hold; everyone else gets 403. An upload is its
uploader's own: the one used here is the Nairobi coordinator's, so the other importers get 404.
"""

from __future__ import annotations

from typing import Any

IMPORTERS = frozenset({"admin", "nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer"})
OWNER = frozenset({"nairobi_coordinator"})
OTHER_IMPORTERS = IMPORTERS - OWNER


def nairobi_upload(cast: Any) -> Any:
    existing = getattr(cast, "_imports_batch", None)
    if existing is None:
        from cpims.imports import actions
        from cpims.imports.tests.helpers import xlsx

        headers = ["code", "name", "kind", "area_level", "area_code"]
        upload = xlsx(headers, [["CCI-SCOPE-1", "Scope Test Home", "cci", "sub_county", "274"]])
        existing, _report = actions.import_upload(actor=cast.nairobi_coordinator, kind="orgunits", upload=upload)
        cast._imports_batch = existing
    return existing


def _batch(cast: Any) -> dict[str, Any]:
    return {"public_id": nairobi_upload(cast).public_id}


def imports_routes(route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    return {
        "imports:home": route(ok=IMPORTERS),
        # The children template: the administrator (no child.create) is offered no such kind (404).
        "imports:template": route(
            ok=IMPORTERS - {"admin"}, hidden=frozenset({"admin"}), kwargs=lambda c: {"kind": "children"}
        ),
        "imports:batch": route(ok=OWNER, hidden=OTHER_IMPORTERS, kwargs=_batch),
        "imports:confirm": route(
            ok=OWNER, hidden=OTHER_IMPORTERS, kwargs=_batch, method="post", ok_status=frozenset({302})
        ),
        "imports:discard": route(
            ok=OWNER, hidden=OTHER_IMPORTERS, kwargs=_batch, method="post", ok_status=frozenset({302})
        ),
        "api:import-upload": route(ok=IMPORTERS, api=True, method="post", ok_status=frozenset({400})),
        "api:import-detail": route(ok=OWNER, hidden=OTHER_IMPORTERS, api=True, kwargs=_batch),
        "api:import-confirm": route(
            ok=OWNER, hidden=OTHER_IMPORTERS, api=True, kwargs=_batch, method="post", ok_status=frozenset({200, 400})
        ),
    }
