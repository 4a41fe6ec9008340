"""API of the reporting app, mounted under /api/v1/ by cpims/api/urls.py."""

from __future__ import annotations

from typing import Any


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""


api_urlpatterns: list = []
