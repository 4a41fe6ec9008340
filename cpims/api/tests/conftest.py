"""Fixtures for the API tests: an API client, tokens for cast members, a scoped token manager."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.accounts import permissions as P
from cpims.accounts import roles as R


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def issue(cast: Any) -> Any:
    """``issue(user, **kwargs)`` -> (token, secret), issued by the system administrator."""
    from cpims.api.actions import token_issue

    def _issue(user: Any, name: str = "Test device", **kwargs: Any) -> Any:
        return token_issue(actor=cast.admin, user=user, name=name, **kwargs)

    return _issue


@pytest.fixture
def scoped_managers(cast: Any) -> Any:
    """Give the county coordinator role (area scope) the right to manage API tokens, so the
    Nairobi and Turkana coordinators become area-scoped token managers."""
    from cpims.accounts.models import Role

    role = Role.objects.get(code=R.COUNTY_COORDINATOR)
    role.permissions = [*role.permissions, P.API_TOKEN_MANAGE]
    role.save(update_fields=["permissions"])
    return cast


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
