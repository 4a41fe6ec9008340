"""geo:orgunit_create — a new organisation unit through the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.geo.models import OrgUnit
from cpims.geo.tests.helpers import county, first_ward, sub_county

pytestmark = pytest.mark.django_db

URL = reverse("geo:orgunit_create")


def _post_data(**overrides: Any) -> dict[str, Any]:
    ward = first_ward("274")
    data = {
        "name": "Westlands Police Station",
        "code": "POL-WL-1",
        "kind": OrgUnit.Kind.POLICE_STATION,
        "parent": "",
        "county": county("047").pk,
        "sub_county": sub_county("274").pk,
        "ward": ward.pk,
        "phone": "+254 20 111 1111",
        "email": "",
        "physical_address": "Westlands",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_sign_in(client: Client, reference: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["stakeholder", "nairobi_officer", "partner"])
def test_users_who_manage_no_units_are_refused(client: Client, cast: Any, who: str, status_as: Any) -> None:
    assert status_as(getattr(cast, who), URL) == 403
    assert client.post(URL, _post_data()).status_code == 403
    assert not OrgUnit.objects.filter(code="POL-WL-1").exists()


def test_form_offers_counties_and_the_parents_in_scope(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["county"].queryset.count() == 47
    parents = set(form.fields["parent"].queryset.values_list("code", flat=True))
    assert "DCS-SC274" in parents and "DCS-SC125" not in parents
    content = response.content.decode()
    assert f'hx-get="{reverse("geo:area_options")}"' in content
    assert 'name="updated_at"' not in content


def test_coordinator_creates_a_unit_in_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _post_data(parent=cast.westlands_office.pk))
    unit = OrgUnit.objects.get(code="POL-WL-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:orgunit_detail", args=[unit.public_id])
    assert unit.area == first_ward("274") and unit.sub_county == sub_county("274")
    assert unit.parent == cast.westlands_office
    assert AuditEvent.objects.filter(action="orgunit.create", object_id=str(unit.public_id)).exists()


def test_an_area_error_is_shown_under_the_area_picker(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _post_data(kind=OrgUnit.Kind.SUB_COUNTY_OFFICE))
    assert response.status_code == 200
    assert "A sub-county children office serves a sub-county" in response.content.decode()
    assert not OrgUnit.objects.filter(code="POL-WL-1").exists()


def test_outside_the_county_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    ward = first_ward("125")
    response = client.post(URL, _post_data(county=county("023").pk, sub_county=sub_county("125").pk, ward=ward.pk))
    assert response.status_code == 200
    assert "You can only place units within the area you manage." in response.content.decode()
    assert not OrgUnit.objects.filter(code="POL-WL-1").exists()


def test_duplicate_code_is_shown_on_the_field(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.post(URL, _post_data(code="ngo-test-1"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Another unit already uses the code NGO-TEST-1."]


def test_mismatched_pickers_are_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.post(URL, _post_data(county=county("023").pk))
    assert response.status_code == 200
    assert "sub_county" in response.context["form"].errors
    assert not OrgUnit.objects.filter(code="POL-WL-1").exists()


def test_without_javascript_choosing_a_county_offers_its_sub_counties(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    data = _post_data(kind=OrgUnit.Kind.SUB_COUNTY_OFFICE, code="DCS-SC274-X", sub_county="", ward="")
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.area_errors
    assert set(form.fields["sub_county"].queryset.values_list("code", flat=True)) == set(
        county("047").children.values_list("code", flat=True)
    )
    assert not OrgUnit.objects.filter(code="DCS-SC274-X").exists()


def test_a_unit_may_serve_a_whole_county(cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, URL, post=_post_data(sub_county="", ward="")) == 302
    assert OrgUnit.objects.get(code="POL-WL-1").area == county("047")
