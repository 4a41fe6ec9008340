"""The merge page: compare, confirm, merge; only with child.merge over both records."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.registry.models import Person, PersonMerge


def test_compare_then_merge(client: Any, cast: Any, login: Any, people: Any) -> None:
    survivor = people.nairobi_child()
    duplicate = people.nairobi_child("Wanjiko", "Kamau")
    url = reverse("registry:merge", kwargs={"public_id": survivor.public_id})
    login(client, cast.nairobi_officer)
    assert client.get(url).status_code == 200
    data = {"duplicate_number": duplicate.cpims_number, "reason": "Same child"}
    response = client.post(url, data)
    assert response.status_code == 200 and "Wanjiko" in response.content.decode()
    assert Person.objects.get(pk=duplicate.pk).is_active  # compared, not merged yet
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=duplicate.pk).merged_into == survivor
    assert PersonMerge.objects.get().reason == "Same child"
    assert AuditEvent.objects.filter(action="person.merge").count() == 1


def test_merge_is_refused_without_permission_or_scope(client: Any, cast: Any, login: Any, people: Any) -> None:
    survivor = people.nairobi_child()
    turkana = people.turkana_child()
    url = reverse("registry:merge", kwargs={"public_id": survivor.public_id})
    login(client, cast.national_me)  # sees, may not merge
    assert client.get(url).status_code == 403
    login(client, cast.turkana_officer)
    assert client.get(url).status_code == 404
    login(client, cast.nairobi_officer)
    response = client.post(url, {"duplicate_number": turkana.cpims_number, "reason": "x", "confirm": "on"})
    assert "No record with this CPIMS number" in response.content.decode()
    assert not PersonMerge.objects.exists()
