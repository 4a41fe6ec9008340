"""The legacy app's part of /api/v1/ (registered by cpims/api/urls.py)."""

from typing import Any


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""


api_urlpatterns: list[Any] = []
