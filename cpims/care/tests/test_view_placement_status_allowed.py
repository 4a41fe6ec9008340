"""A refused status change names the statuses allowed from the current one; the form lists only those."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cpims.care.actions import allowed_message, allowed_statuses, placement_status_change
from cpims.care.tests.conftest import days

pytestmark = pytest.mark.django_db


def test_refusal_names_the_allowed_statuses(cast: Any, placement: Any) -> None:
    p = placement_status_change(actor=cast.nairobi_officer, placement=placement, status="escaped", on=days(-2))
    with pytest.raises(ValidationError) as exc:
        placement_status_change(actor=cast.nairobi_officer, placement=p, status="on_leave", on=days(-1))
    message = " ".join(exc.value.message_dict["status"])
    assert "From “Escaped (not found)” the status can change to: resident, discharged, died." in message


def test_form_offers_only_the_allowed_statuses(cast: Any, client: Any, login: Any, placement: Any) -> None:
    placement_status_change(actor=cast.nairobi_officer, placement=placement, status="escaped", on=days(-2))
    login(client, cast.nairobi_officer)
    page = client.get(reverse("care:placement_status", kwargs={"public_id": placement.public_id})).content.decode()
    offered = {
        s for s in ("resident", "on_leave", "escaped", "discharged", "reintegrated", "died") if f'value="{s}"' in page
    }
    assert offered == set(allowed_statuses("escaped")) == {"resident", "discharged", "died"}


def test_refused_on_the_page_says_what_is_allowed(cast: Any, client: Any, login: Any, placement: Any) -> None:
    placement_status_change(actor=cast.nairobi_officer, placement=placement, status="escaped", on=days(-2))
    login(client, cast.nairobi_officer)
    url = reverse("care:placement_status", kwargs={"public_id": placement.public_id})
    response = client.post(url, {"status": "on_leave", "on": days(0).isoformat(), "version": 2})
    assert response.status_code == 400
    assert "the status can change to: resident, discharged, died." in response.content.decode()


def test_message_is_translated() -> None:
    with translation.override("sw"):
        assert "can change to" not in allowed_message("resident")
        assert "has ended" not in allowed_message("died")
