"""Care pages through the test client: forms, bad input (400, a clear message, nothing written),
the child's timeline and the case panel, institution pages, stale saves, list query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.care.models import CapacityRow, Institution, Placement, Review
from cpims.care.tests.conftest import admit, code, days, make_child, manager_of, open_case

pytestmark = pytest.mark.django_db


def _admit_data(cci: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "care_type": code("alternative_family_care_type_id", "AFIC").pk,
        "institution": cci.pk,
        "admitted_on": days(-2).isoformat(),
        "admission_type": code("admission_type_id", "TANA").pk,
        "admission_reason": code("admission_reason_id", "RACP").pk,
        "court_name": "Milimani Children Court",
        "order_number": "CC 7/2026",
        "order_date": days(-3).isoformat(),
        "order_period_months": "6",
        "first_review_due": days(28).isoformat(),
    }
    data.update(extra)
    return data


def test_admit_from_the_case_page(cast: Any, client: Any, login: Any, cci: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    admit_url = reverse("care:placement_create", kwargs={"public_id": case.child.public_id})
    assert admit_url.encode() in page.content
    response = client.post(f"{admit_url}?case={case.public_id}", _admit_data(cci))
    assert response.status_code == 302
    p = Placement.objects.get()
    assert p.case_id == case.pk and p.order_number == "CC 7/2026" and p.reviews.count() == 1
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert cci.name.encode() in page.content


def test_bad_admission_is_400_with_message_and_nothing_written(
    cast: Any, client: Any, login: Any, cci: Any, child: Any
) -> None:
    Institution.objects.filter(org_unit=cci).update(is_open=False, closed_on=days(-1))
    login(client, cast.nairobi_officer)
    url = reverse("care:placement_create", kwargs={"public_id": child.public_id})
    response = client.post(url, _admit_data(cci))
    assert response.status_code == 400
    assert b"is closed: a child cannot be placed there" in response.content
    response = client.post(url, _admit_data(cci, admitted_on="not a date"))
    assert response.status_code == 400
    assert not Placement.objects.exists()


def test_discharge_before_admission_on_the_page(cast: Any, client: Any, login: Any, placement: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:placement_status", kwargs={"public_id": placement.public_id})
    data = {
        "status": "discharged",
        "on": days(-45).isoformat(),
        "discharge_type": code("discharge_type_id", "TDEX").pk,
        "version": placement.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"cannot be before the admission" in response.content
    placement.refresh_from_db()
    assert placement.is_active and placement.status_changes.count() == 1


def test_stale_status_form_is_refused(cast: Any, client: Any, login: Any, placement: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:placement_status", kwargs={"public_id": placement.public_id})
    assert client.post(url, {"status": "on_leave", "on": days(-1).isoformat(), "version": 1}).status_code == 302
    response = client.post(url, {"status": "escaped", "on": days(0).isoformat(), "version": 1})
    assert response.status_code == 400 and b"Someone else changed this placement" in response.content


def test_transfer_review_followup_pages(cast: Any, client: Any, login: Any, placement: Any, rescue: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(
        reverse("care:placement_transfer", kwargs={"public_id": placement.public_id}),
        {"to_institution": rescue.pk, "on": days(-1).isoformat(), "version": placement.version},
    )
    nxt = Placement.objects.get(ended_on__isnull=True)
    assert response.status_code == 302 and response["Location"].endswith(f"{nxt.public_id}/")
    response = client.post(
        reverse("care:review_add", kwargs={"public_id": nxt.public_id}),
        {"kind": "case_conference", "held_on": days(0).isoformat(), "notes": "Plan agreed"},
    )
    assert response.status_code == 302 and Review.objects.filter(held_on=days(0)).exists()
    client.post(
        reverse("care:placement_status", kwargs={"public_id": nxt.public_id}),
        {"status": "reintegrated", "on": days(0).isoformat(), "version": nxt.version},
    )
    response = client.post(
        reverse("care:followup_add", kwargs={"public_id": nxt.public_id}),
        {"visited_on": days(0).isoformat(), "outcome": "settled"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("care:placement_detail", kwargs={"public_id": nxt.public_id}))
    assert b"Settled well" in detail.content and b"Reintegrated with family" in detail.content


def test_child_profile_timeline_shows_the_care_history(
    cast: Any, client: Any, login: Any, placement: Any, rescue: Any
) -> None:
    from cpims.care.actions import placement_transfer

    placement_transfer(actor=cast.nairobi_officer, placement=placement, to_institution=rescue, on=days(-1))
    login(client, cast.nairobi_officer)
    page = client.get(reverse("registry:child_detail", kwargs={"public_id": placement.child.public_id}))
    assert page.status_code == 200
    assert f"Admitted to {placement.institution.name}".encode() in page.content
    assert f"Admitted to {rescue.name}".encode() in page.content
    assert b"Transferred to another institution" in page.content
    # Another county's officer sees none of it (they cannot open the child either).
    login(client, cast.turkana_officer)
    assert (
        client.get(reverse("registry:child_detail", kwargs={"public_id": placement.child.public_id})).status_code == 404
    )


def test_placement_edit_and_stale_save(cast: Any, client: Any, login: Any, placement: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:placement_edit", kwargs={"public_id": placement.public_id})
    assert client.get(url).status_code == 200
    data = {
        "admission_type": code("admission_type_id", "TANA").pk,
        "admission_reason": code("admission_reason_id", "RAOF").pk,
        "order_number": "CC 9",
        "order_date": days(-30).isoformat(),
        "order_period_months": "3",
        "version": placement.version,
    }
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert placement.admission_reason.code == "RAOF" and placement.order_expires_on is not None
    response = client.post(url, data)  # the same (now stale) version
    assert response.status_code == 400 and b"Someone else changed" in response.content


def test_institution_pages(cast: Any, client: Any, login: Any, cci: Any, placement: Any) -> None:
    login(client, cast.nairobi_officer)
    detail = client.get(reverse("care:institution_detail", kwargs={"public_id": cci.public_id}))
    assert detail.status_code == 200 and b'id="pop-total">1<' in detail.content
    url = reverse("care:institution_edit", kwargs={"public_id": cci.public_id})
    form = client.get(url)
    assert form.status_code == 200
    version = Institution.objects.get(org_unit=cci).version
    data = {
        "registration_status": "registered",
        "registration_number": "CCI/REG/1",
        "is_open": "on",
        "version": version,
        "cap_sex_0": "female",
        "cap_band_0": "any",
        "cap_places_0": "10",
        "cap_sex_1": "female",
        "cap_band_1": "0-5",
        "cap_places_1": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and b"cover the same children" in response.content
    data.update({"cap_sex_1": "male", "cap_band_1": "any"})
    assert client.post(url, data).status_code == 302
    assert sorted(CapacityRow.objects.filter(institution__org_unit=cci).values_list("sex", "places")) == [
        ("female", 10),
        ("male", 3),
    ]
    # Closing with a child still placed is refused.
    data.update({"is_open": "", "version": version + 1})
    response = client.post(url, data)
    assert response.status_code == 400 and b"Children are still placed here" in response.content
    # A stale save is refused.
    data.update({"is_open": "on", "version": version})
    assert client.post(url, data).status_code == 400


def test_institution_manager_edits_own_profile(client: Any, login: Any, cci: Any) -> None:
    login(client, manager_of(cci))
    assert client.get(reverse("care:institution_edit", kwargs={"public_id": cci.public_id})).status_code == 200
    assert client.get(reverse("care:institution_list")).status_code == 200


@pytest.mark.parametrize("name", ["care:placement_list", "care:institution_list"])
def test_list_query_counts_are_constant(
    cast: Any, client: Any, login: Any, cci: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    from cpims.care.tests.conftest import make_institution

    login(client, cast.nairobi_officer)
    admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="First"), cci)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    for i in range(8):
        unit = make_institution(cast.westlands_office, f"CCI-QC-{i}", f"Query Count Home {i}")
        admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first=f"Q{i}"), unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_institution_detail_query_count(
    cast: Any, client: Any, login: Any, cci: Any, django_assert_max_num_queries: Any
) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:institution_detail", kwargs={"public_id": cci.public_id})
    admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="One"), cci)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first=f"More{i}"), cci)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_pages_in_kiswahili(cast: Any, client: Any, login: Any, placement: Any) -> None:
    login(client, cast.nairobi_officer)
    client.cookies["django_language"] = "sw"
    for url in (
        reverse("care:placement_list"),
        reverse("care:alerts"),
        reverse("care:placement_detail", kwargs={"public_id": placement.public_id}),
        reverse("care:institution_detail", kwargs={"public_id": placement.institution.public_id}),
    ):
        assert client.get(url).status_code == 200
