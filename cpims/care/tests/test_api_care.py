"""Care API: admit, status change, transfer, population; scope and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.care.models import Placement
from cpims.care.tests.conftest import days, make_child, manager_of

pytestmark = pytest.mark.django_db


def _admit_payload(child: Any, cci: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "child": str(child.public_id),
        "care_type": "AFIC",
        "institution": str(cci.public_id),
        "admitted_on": days(-3).isoformat(),
        "admission_type": "TANA",
        "admission_reason": "RACP",
        "order_date": days(-4).isoformat(),
        "order_period_months": 12,
        "court_name": "Test Court",
    }
    data.update(extra)
    return data


def test_admit_change_status_transfer_and_population(
    cast: Any, client: Any, login: Any, cci: Any, rescue: Any, child: Any
) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(
        reverse("api:placement-list"), _admit_payload(child, rescue, care_type="AFPS"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "resident" and body["order_expires_on"] is not None
    pid = body["public_id"]
    response = client.post(
        reverse("api:placement-transfer", kwargs={"public_id": pid}),
        {"to_institution": str(cci.public_id), "on": days(-1).isoformat(), "version": body["version"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    nxt = response.json()
    assert nxt["previous"] == pid and nxt["admission_type"] == "TRIN"
    pop = client.get(reverse("api:institution-population", kwargs={"public_id": cci.public_id})).json()
    assert pop["total"] == 1 and pop["by_sex"] == {"female": 1} and pop["capacity"] == 20 and pop["vacancies"] == 19
    old = client.get(
        reverse("api:institution-population", kwargs={"public_id": rescue.public_id}) + f"?on={days(-2)}"
    ).json()
    assert old["total"] == 1
    response = client.post(
        reverse("api:placement-change-status", kwargs={"public_id": nxt["public_id"]}),
        {"status": "discharged", "on": days(-5).isoformat(), "version": nxt["version"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "on" in response.json()["errors"]
    response = client.post(
        reverse("api:placement-change-status", kwargs={"public_id": nxt["public_id"]}),
        {"status": "reintegrated", "on": days(0).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 428  # no version: refused, nothing changes
    response = client.post(
        reverse("api:placement-change-status", kwargs={"public_id": nxt["public_id"]}),
        {"status": "reintegrated", "on": days(0).isoformat(), "version": nxt["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["discharge_type"] == "DREN"
    listed = client.get(reverse("api:placement-list") + "?show=all").json()
    assert {p["public_id"] for p in listed["results"]} == {pid, nxt["public_id"]}
    assert client.get(reverse("api:placement-list")).json()["results"] == []


def test_closed_institution_via_api_is_400_and_writes_nothing(
    cast: Any, client: Any, login: Any, cci: Any, child: Any
) -> None:
    from cpims.care.models import Institution

    Institution.objects.filter(org_unit=cci).update(is_open=False, closed_on=days(-1))
    login(client, cast.nairobi_officer)
    response = client.post(reverse("api:placement-list"), _admit_payload(child, cci), content_type="application/json")
    assert response.status_code == 400 and "institution" in response.json()["errors"]
    assert not Placement.objects.exists()


def test_api_scope(cast: Any, client: Any, login: Any, placement: Any, tcci: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(reverse("api:placement-detail", kwargs={"public_id": placement.public_id})).status_code == 404
    assert (
        client.get(
            reverse("api:institution-population", kwargs={"public_id": placement.institution.public_id})
        ).status_code
        == 404
    )
    login(client, cast.national_me)
    assert client.get(reverse("api:placement-detail", kwargs={"public_id": placement.public_id})).status_code == 200
    response = client.post(
        reverse("api:placement-change-status", kwargs={"public_id": placement.public_id}),
        {"status": "escaped", "on": days(0).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
    manager = manager_of(tcci, "turkana_manager")
    login(client, manager)
    assert client.get(reverse("api:placement-detail", kwargs={"public_id": placement.public_id})).status_code == 404
    other = make_child(manager, tcci, first="Lokwang")
    response = client.post(reverse("api:placement-list"), _admit_payload(other, tcci), content_type="application/json")
    assert response.status_code == 201
    # An unknown child is 404, not a 500.
    bad = {**_admit_payload(other, tcci), "child": "00000000-0000-0000-0000-000000000000"}
    assert client.post(reverse("api:placement-list"), bad, content_type="application/json").status_code == 404


def test_placement_list_query_count(
    cast: Any, client: Any, login: Any, cci: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cpims.care.tests.conftest import admit

    login(client, cast.nairobi_officer)
    admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="A0"), cci)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api:placement-list"))
        client.get(reverse("api:institution-list"))
    for i in range(6):
        admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first=f"A{i + 1}"), cci)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("api:placement-list"))
        client.get(reverse("api:institution-list"))
