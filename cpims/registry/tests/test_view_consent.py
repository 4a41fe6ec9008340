"""Consent pages: record and withdraw, shown on the child's page; scoped."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.registry.models import Consent


def test_record_and_withdraw_consent(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    give = reverse("registry:consent_give", kwargs={"public_id": child.public_id})
    assert client.get(give).status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(
        give,
        {"purpose": "data_sharing", "given_by": "child_assent", "given_on": today, "shared_with": cast.nairobi_ngo.pk},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.shared_with == cast.nairobi_ngo
    detail = client.get(reverse("registry:child_detail", kwargs={"public_id": child.public_id})).content.decode()
    assert "Test Children NGO" in detail
    withdraw = reverse(
        "registry:consent_withdraw", kwargs={"public_id": child.public_id, "consent_id": consent.public_id}
    )
    assert client.post(withdraw, {"withdrawn_on": today, "reason": "Changed mind"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None


def test_sharing_without_a_named_organisation_is_refused(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    give = reverse("registry:consent_give", kwargs={"public_id": child.public_id})
    response = client.post(give, {"purpose": "data_sharing", "given_by": "guardian", "given_on": "2020-01-01"})
    assert "Name the organisation" in response.content.decode()
    assert not Consent.objects.exists()


def test_consent_pages_are_scoped(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    give = reverse("registry:consent_give", kwargs={"public_id": child.public_id})
    login(client, cast.turkana_officer)
    assert client.get(give).status_code == 404
    login(client, cast.national_me)
    assert client.get(give).status_code == 403
