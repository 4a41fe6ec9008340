"""Entries for tests/test_url_scope.py for the dhis2 app's URLs and API endpoints."""

from __future__ import annotations

from typing import Any


def dhis2_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    return {}
