"""Entries for tests/test_url_scope.py for the returns app's URLs and API endpoints."""

from __future__ import annotations

from typing import Any


def returns_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    return {}
