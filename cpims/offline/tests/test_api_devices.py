"""api:offlinedevice-list / -revoke: register, list and revoke devices (audited, scoped)."""

from __future__ import annotations

import base64
from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.offline.models import Device
from cpims.offline.tests.conftest import device_of, down

LIST = reverse("api:offlinedevice-list")


def _revoke_url(device: Any) -> str:
    return reverse("api:offlinedevice-revoke", kwargs={"public_id": device.public_id})


def test_register_answers_the_secret_once_and_lists_own_devices(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(LIST, {"label": "Work phone"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"device_id", "device_secret", "max_cases"}
    assert len(base64.b64decode(body["device_secret"])) == 32
    assert body["max_cases"] == 200
    device = Device.objects.get(public_id=body["device_id"])
    assert device.owner == cast.nairobi_officer
    assert AuditEvent.objects.filter(action="offline.device_register", object_id=str(device.public_id)).count() == 1
    device_of(cast.turkana_officer)
    listed = client.get(LIST).json()
    assert [d["id"] for d in listed] == [body["device_id"]]
    assert "secret" not in str(listed[0].keys())


def test_bad_label_is_a_400(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.post(LIST, {"label": ""}, content_type="application/json").status_code == 400
    assert client.post(LIST, {"label": "x" * 81}, content_type="application/json").status_code == 400
    assert client.post(LIST, "[1,2", content_type="application/json").status_code == 400
    assert not Device.objects.exists()


def test_read_only_and_aggregate_users_cannot_register(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.stakeholder)
    assert client.post(LIST, {"label": "Phone"}, content_type="application/json").status_code == 403
    assert not Device.objects.exists()


def test_anonymous_is_refused(client: Any, cast: Any) -> None:
    assert client.get(LIST).status_code in (401, 403)


def test_owner_revokes_and_the_device_is_wiped(client: Any, cast: Any, login: Any) -> None:
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    response = client.post(_revoke_url(device))
    assert response.status_code == 200 and response.json()["revoked"] is True
    device.refresh_from_db()
    assert device.revoked_by == cast.nairobi_officer
    assert client.post(_revoke_url(device)).status_code == 200  # twice changes nothing
    assert AuditEvent.objects.filter(action="offline.device_revoke").count() == 1
    assert down(client, device).json() == {"wipe": True}


def test_supervisor_in_scope_revokes_other_county_gets_404(client: Any, cast: Any, login: Any) -> None:
    device = device_of(cast.nairobi_officer)
    login(client, cast.turkana_coordinator)
    assert client.post(_revoke_url(device)).status_code == 404
    login(client, cast.turkana_officer)
    assert client.post(_revoke_url(device)).status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None
    login(client, cast.nairobi_coordinator)
    assert client.post(_revoke_url(device)).status_code == 200
    device.refresh_from_db()
    assert device.revoked_by == cast.nairobi_coordinator


def test_unknown_device_is_404(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("api:offlinedevice-revoke", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert client.post(url).status_code == 404
