"""Offline sync test helpers: a device for a cast member, and sync calls through the API. Children
and cases come from the cases test helpers (invented names)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from cpims.offline import actions


def device_of(user: Any, label: str = "Work phone") -> Any:
    return actions.device_register(actor=user, label=label)


def down(client: Any, device: Any, cursor: str = "") -> Any:
    return client.get(reverse("api:offline-sync"), {"device": str(device.public_id), "cursor": cursor})


def up(client: Any, device: Any, items: list[dict[str, Any]]) -> Any:
    return client.post(
        reverse("api:offline-sync"),
        {"device": str(device.public_id), "items": items},
        content_type="application/json",
    )


def item(kind: str, data: dict[str, Any], *, target: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(extra.pop("client_id", uuid.uuid4())),
        "kind": kind,
        "target": str(target) if target is not None else None,
        "base_version": extra.pop("base_version", None),
        "data": data,
        "resolution": extra.pop("resolution", None),
    }


@pytest.fixture
def officer_device(cast: Any) -> Any:
    return device_of(cast.nairobi_officer)


@pytest.fixture
def colleague(cast: Any) -> Any:
    """A second officer at the Westlands office (same scope as the cast's officer)."""
    from conftest import make_user
    from cpims.accounts import roles as R

    return make_user("westlands_colleague", R.SUBCOUNTY_OFFICER, cast.westlands_office)
