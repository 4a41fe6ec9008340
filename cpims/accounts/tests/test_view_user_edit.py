"""accounts:user_edit — details of an account; a stale save is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import actions
from cpims.accounts.models import Assignment
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db


def _url(user: Any) -> str:
    return reverse("accounts:user_edit", kwargs={"public_id": user.public_id})


def _form_data(response: Any, **changes: str) -> dict[str, str]:
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in actions.USER_EDITABLE_FIELDS}
    data["version"] = form["version"].value()
    data.update(changes)
    return data


def test_coordinator_edits_an_officer(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    page = client.get(_url(cast.nairobi_officer))
    assert page.status_code == 200
    response = client.post(_url(cast.nairobi_officer), _form_data(page, last_name="Otieno", phone="0711000000"))
    assert response.status_code == 302
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.last_name == "Otieno" and cast.nairobi_officer.phone == "0711000000"
    [event] = events("user.update")
    assert event.actor == cast.nairobi_coordinator
    assert sorted(event.details["fields"]) == ["last_name", "phone"]
    assert "Otieno" not in str(event.details)


def test_stale_save_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    page = client.get(_url(cast.nairobi_officer))
    # Someone else saves the account meanwhile.
    other = Client()
    login(other, cast.admin)
    other.post(_url(cast.nairobi_officer), _form_data(other.get(_url(cast.nairobi_officer)), first_name="Changed"))
    response = client.post(_url(cast.nairobi_officer), _form_data(page, last_name="Mine"))
    assert response.status_code == 200
    assert "Someone else changed this account" in response.content.decode()
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.first_name == "Changed" and cast.nairobi_officer.last_name != "Mine"
    assert len(events("user.update")) == 1


def test_missing_version_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    data = _form_data(client.get(_url(cast.nairobi_officer)), last_name="X")
    data.pop("version")
    assert client.post(_url(cast.nairobi_officer), data).status_code == 200
    assert not events("user.update")


def test_other_county_gets_404(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer)) == 404
    assert client.post(_url(cast.nairobi_officer), {"last_name": "X"}).status_code == 404


def test_read_only_viewer_gets_403(cast: Any, user_viewer_role: Any, status_as: Any) -> None:
    Assignment.objects.create(user=cast.stakeholder, role=user_viewer_role, org_unit=cast.nairobi_office)
    assert status_as(cast.stakeholder, _url(cast.nairobi_officer)) == 403


def test_officer_gets_403(cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, _url(cast.turkana_officer)) == 403
