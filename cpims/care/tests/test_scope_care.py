"""Scope: an institution manager sees the children placed in their institution only (a child placed
elsewhere is 404), may open the child's record while the child is with them, and sees that child's
earlier placements (continuity); the sub-county office sees placements of its children and those in
its area; other county 404; read-only 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.care import queries
from cpims.care.actions import placement_status_change, placement_transfer
from cpims.care.tests.conftest import admit, code, days, make_child, make_institution, manager_of, open_case

pytestmark = pytest.mark.django_db


def test_cci_manager_cannot_open_a_child_placed_elsewhere(
    cast: Any, client: Any, login: Any, cci: Any, rescue: Any
) -> None:
    mine = admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="Mine"), cci)
    other = admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="Other"), rescue)
    manager = manager_of(cci)
    login(client, manager)
    assert client.get(reverse("care:placement_detail", kwargs={"public_id": mine.public_id})).status_code == 200
    assert client.get(reverse("care:placement_detail", kwargs={"public_id": other.public_id})).status_code == 404
    # The child's record: open for the child in their care, 404 for the other.
    assert client.get(reverse("registry:child_detail", kwargs={"public_id": mine.child.public_id})).status_code == 200
    assert client.get(reverse("registry:child_detail", kwargs={"public_id": other.child.public_id})).status_code == 404
    # Lists and API only show their own.
    page = client.get(reverse("care:placement_list"))
    assert b"Mine" in page.content and b"Other" not in page.content
    api = client.get(reverse("api:placement-list"))
    assert [p["public_id"] for p in api.json()["results"]] == [str(mine.public_id)]
    assert client.get(reverse("api:placement-detail", kwargs={"public_id": other.public_id})).status_code == 404
    # Another institution's page is 404 too.
    assert client.get(reverse("care:institution_detail", kwargs={"public_id": rescue.public_id})).status_code == 404


def test_access_to_the_child_ends_with_the_placement(cast: Any, client: Any, login: Any, placement: Any) -> None:
    manager = manager_of(placement.institution)
    login(client, manager)
    url = reverse("registry:child_detail", kwargs={"public_id": placement.child.public_id})
    assert client.get(url).status_code == 200
    placement_status_change(
        actor=cast.nairobi_officer,
        placement=placement,
        status="reintegrated",
        on=days(0),
    )
    from cpims.accounts import scope

    scope.forget(manager)
    assert client.get(url).status_code == 404
    # Their own (ended) placement record stays readable to them.
    assert client.get(reverse("care:placement_detail", kwargs={"public_id": placement.public_id})).status_code == 200


def test_next_caregiver_sees_the_history(cast: Any, rescue: Any, cci: Any, child: Any) -> None:
    first = admit(cast.nairobi_officer, child, rescue, care_type=code("alternative_family_care_type_id", "AFPS"))
    nxt = placement_transfer(actor=cast.nairobi_officer, placement=first, to_institution=cci, on=days(-1))
    manager = manager_of(cci)
    visible = set(queries.placements_visible_to(manager).values_list("pk", flat=True))
    assert visible == {first.pk, nxt.pk}
    # ... but may change only their own.
    assert not queries.can_manage(manager, first) and queries.can_manage(manager, nxt)
    # The rescue centre's manager no longer sees the child's new placement.
    assert not queries.placements_visible_to(manager_of(rescue, "rescue_manager")).filter(pk=nxt.pk).exists()


def test_sub_county_sees_its_children_placed_elsewhere(cast: Any, tcci: Any) -> None:
    # A Westlands case; the child is placed in Turkana by the Turkana coordinator's office
    # (the Westlands office is the responsible office through the case).
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    from cpims.cases.actions import case_access_grant

    case_access_grant(actor=cast.nairobi_officer, case=case, org_unit=cast.turkana_central_office, reason="referral")
    p = admit(cast.turkana_officer, case.child, tcci, case=case)
    assert queries.placements_visible_to(cast.nairobi_officer).filter(pk=p.pk).exists()  # its child
    assert queries.placements_visible_to(cast.turkana_officer).filter(pk=p.pk).exists()  # its area
    assert queries.placements_visible_to(cast.nairobi_coordinator).filter(pk=p.pk).exists()
    assert queries.placements_visible_to(cast.national_me).filter(pk=p.pk).exists()
    assert not queries.placements_visible_to(cast.partner).exists()


def test_sub_county_sees_its_resident_children_placed_elsewhere(cast: Any, tcci: Any) -> None:
    # A child living in Westlands, with no case, registered and placed in Turkana.
    from cpims.care.tests.conftest import make_child as register
    from cpims.cases.tests.conftest import ward_in
    from cpims.registry.models import Person

    child = register(cast.turkana_officer, cast.turkana_central_office, first="Wanjiru")
    ward = ward_in(cast.westlands_office)
    Person.objects.filter(pk=child.pk).update(ward=ward, sub_county=ward.sub_county, county=ward.county)
    p = admit(cast.turkana_officer, child, tcci)
    assert queries.placements_visible_to(cast.nairobi_officer).filter(pk=p.pk).exists()
    assert queries.placements_visible_to(cast.nairobi_coordinator).filter(pk=p.pk).exists()
    assert (
        not queries.placements_visible_to(
            manager_of(make_institution(cast.westlands_office, "CCI-TEST-W9", "Another Westlands Home"), "w9_manager")
        )
        .filter(pk=p.pk)
        .exists()
    )


def test_other_county_404_and_read_only_403(cast: Any, client: Any, login: Any, placement: Any) -> None:
    detail = reverse("care:placement_detail", kwargs={"public_id": placement.public_id})
    status = reverse("care:placement_status", kwargs={"public_id": placement.public_id})
    login(client, cast.turkana_coordinator)
    assert client.get(detail).status_code == 404
    assert client.post(status, {"status": "escaped", "on": days(0).isoformat()}).status_code == 404
    login(client, cast.national_me)
    assert client.get(detail).status_code == 200
    assert client.post(status, {"status": "escaped", "on": days(0).isoformat()}).status_code == 403
    placement.refresh_from_db()
    assert placement.status == "resident"


def test_institutions_in_scope(cast: Any, cci: Any, tcci: Any) -> None:
    assert set(queries.institutions_visible_to(cast.nairobi_officer)) == {cci}
    assert set(queries.institutions_visible_to(manager_of(cci))) == {cci}
    assert {cci, tcci} <= set(queries.institutions_visible_to(cast.national_me))
    assert {cci, tcci} <= set(queries.institutions_visible_to(cast.admin))  # orgunit.manage
    assert not queries.institutions_visible_to(cast.partner).exists()
    other = make_institution(cast.turkana_central_office, "CCI-TEST-T2", "Second Turkana Home")
    assert other not in set(queries.institutions_visible_to(cast.nairobi_coordinator))
