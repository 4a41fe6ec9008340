"""Entries for tests/test_url_scope.py: the legacy import pages are for the national system
administrator only; everyone else gets 403 (imports are national: nothing to hide by area)."""

from __future__ import annotations

from typing import Any


def _run(cast: Any) -> dict[str, Any]:
    from cpims.legacy.models import ImportRun

    run = ImportRun.objects.create(source="postgres://legacy.example/cpims", status=ImportRun.Status.DONE)
    return {"public_id": run.public_id}


def legacy_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    admin = frozenset({"admin"})
    return {
        "legacy:runs": Route(ok=admin),
        "legacy:run": Route(ok=admin, kwargs=_run),
        "legacy:run_csv": Route(ok=admin, kwargs=_run),
    }
