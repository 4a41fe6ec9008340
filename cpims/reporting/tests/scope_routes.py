"""Entries for tests/test_url_scope.py for the reporting app's URLs and API endpoints."""

from __future__ import annotations

from typing import Any


def reporting_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    return {}
