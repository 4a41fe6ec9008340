from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions, queries
from cpims.cases.models import ServiceRecord
from cpims.cases.tests.conftest import code, make_child


def test_ngo_records_service_on_referred_case(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    url = reverse("cases:service_create") + f"?case={westlands_case.public_id}"
    login(client, cast.partner)
    assert client.get(url).status_code == 404
    actions.case_access_grant(
        actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    data = {
        "service": code("intervention_id", "CMTN").pk,
        "given_on": timezone.localdate().isoformat(),
        "provider": cast.nairobi_ngo.pk,
        "notes": "Counselling session",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.case == westlands_case and record.provider == cast.nairobi_ngo
    # Shown on the case page for the officer, and to the child's profile.
    client.logout()
    login(client, cast.nairobi_officer)
    body = client.get(reverse("cases:case_detail", kwargs={"public_id": westlands_case.public_id})).content.decode()
    assert "Counselling session" in body
    assert queries.services_for_child(cast.nairobi_officer, westlands_case.child) == [record]
    assert queries.services_for_child(cast.turkana_officer, westlands_case.child) == []


def test_service_without_case_and_bad_input(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    url = reverse("cases:service_create") + f"?child={child.public_id}"
    login(client, cast.nairobi_officer)
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    response = client.post(
        url, {"service": code("intervention_id", "CMTN").pk, "given_on": future, "provider": cast.westlands_office.pk}
    )
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not ServiceRecord.objects.exists()
    response = client.post(
        url,
        {
            "service": code("intervention_id", "CMTN").pk,
            "given_on": timezone.localdate().isoformat(),
            "provider": cast.westlands_office.pk,
        },
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get().case is None
    client.logout()
    login(client, cast.turkana_officer)
    assert client.get(url).status_code == 404
