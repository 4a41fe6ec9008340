"""cpims.geo.actions.orgunit_create: validation before writing, derived area fields, scope, audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.geo.actions import CREATE, orgunit_create
from cpims.geo.models import OrgUnit
from cpims.geo.tests.helpers import audit_events, county, first_ward, sub_county

pytestmark = pytest.mark.django_db

WESTLANDS = "274"
TURKANA_CENTRAL = "125"


def _create(actor: Any, **overrides: Any) -> OrgUnit:
    fields: dict[str, Any] = {
        "name": "Westlands Children's Home",
        "code": "cci-wl-001",
        "kind": OrgUnit.Kind.CCI,
        "area": first_ward(WESTLANDS),
        "phone": " +254 700 111 222 ",
        "email": "Info@Example.org",
        "physical_address": "Off Waiyaki Way",
    }
    fields.update(overrides)
    return orgunit_create(actor=actor, **fields)


def test_creates_with_derived_area_fields_history_and_audit(cast: Any) -> None:
    unit = _create(cast.nairobi_coordinator, parent=cast.westlands_office)

    unit.refresh_from_db()
    ward = first_ward(WESTLANDS)
    assert unit.code == "CCI-WL-001"  # codes are kept upper-case
    assert unit.area_id == ward.pk
    assert unit.county_id == county("047").pk and unit.sub_county_id == sub_county(WESTLANDS).pk
    assert unit.phone == "+254 700 111 222" and unit.email == "info@example.org"
    assert unit.history.get().history_user == cast.nairobi_coordinator
    event = audit_events(CREATE, unit).get()
    assert event.actor == cast.nairobi_coordinator
    assert event.object_type == "geo.orgunit" and event.object_label == "CCI-WL-001"
    assert event.details == {"code": "CCI-WL-001", "kind": "cci"}


def _assert_nothing_written(before: int) -> None:
    assert OrgUnit.objects.count() == before
    assert not audit_events(CREATE).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"code": ""}, "code"),
        ({"code": "dcs-sc274"}, "code"),  # duplicates are found whatever the case
        ({"kind": "spaceship"}, "kind"),
        ({"email": "not-an-email"}, "email"),
        ({"area": None}, "area"),
        ({"kind": OrgUnit.Kind.COUNTY_OFFICE}, "area"),  # a ward is not a county
        ({"kind": OrgUnit.Kind.SUB_COUNTY_OFFICE}, "area"),
        ({"kind": OrgUnit.Kind.NATIONAL_OFFICE}, "area"),  # a national office serves no single area
    ],
)
def test_invalid_input_is_refused_and_nothing_is_written(cast: Any, overrides: dict[str, Any], field: str) -> None:
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as info:
        _create(cast.admin, **overrides)
    assert field in info.value.message_dict
    _assert_nothing_written(before)


def test_duplicate_code_message_names_the_code(cast: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _create(cast.admin, code="DCS-HQ")
    assert info.value.message_dict["code"] == ["Another unit already uses the code DCS-HQ."]


def test_office_kinds_need_their_own_area_level(cast: Any) -> None:
    office = _create(cast.admin, kind=OrgUnit.Kind.SUB_COUNTY_OFFICE, code="DCS-SC274-B", area=sub_county(WESTLANDS))
    assert office.sub_county_id == office.area_id
    county_office = _create(cast.admin, kind=OrgUnit.Kind.COUNTY_OFFICE, code="DCS-C047-B", area=county("047"))
    assert county_office.county_id == county_office.area_id and county_office.sub_county_id is None
    national = _create(cast.admin, kind=OrgUnit.Kind.REGIONAL_OFFICE, code="DCS-R-NBI", area=None)
    assert national.county_id is None and national.sub_county_id is None


def test_a_coordinator_cannot_place_a_unit_outside_their_county(cast: Any) -> None:
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as info:
        _create(cast.nairobi_coordinator, area=first_ward(TURKANA_CENTRAL))
    assert info.value.message_dict["area"] == ["You can only place units within the area you manage."]
    _assert_nothing_written(before)


def test_a_national_administrator_may_create_anywhere(cast: Any) -> None:
    unit = _create(cast.admin, area=first_ward(TURKANA_CENTRAL))
    assert unit.county_id == county("023").pk


def test_a_user_without_manage_permission_cannot_create(cast: Any) -> None:
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError):
        _create(cast.nairobi_officer)
    _assert_nothing_written(before)


def test_a_lost_race_for_the_same_code_is_still_a_clear_error(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another save took the code between our check and our write.
    monkeypatch.setattr("cpims.geo.actions._validate", lambda unit: None)
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as info:
        _create(cast.admin, code="ngo-test-1")
    assert info.value.message_dict["code"] == ["Another unit already uses the code NGO-TEST-1."]
    _assert_nothing_written(before)
