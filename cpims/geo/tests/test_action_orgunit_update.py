"""cpims.geo.actions.orgunit_update: stale edits, parent loops, scope, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.geo.actions import UPDATE, StaleEdit, orgunit_update
from cpims.geo.models import OrgUnit
from cpims.geo.tests.helpers import audit_events, county, first_ward

pytestmark = pytest.mark.django_db


def _update(actor: Any, unit: OrgUnit, **fields: Any) -> OrgUnit:
    unit.refresh_from_db()
    return orgunit_update(actor=actor, org_unit=unit, expected_updated_at=unit.updated_at, **fields)


def test_update_writes_history_and_audit_with_changed_fields(cast: Any) -> None:
    ngo = cast.nairobi_ngo
    old_version = OrgUnit.objects.get(pk=ngo.pk).updated_at
    updated = _update(cast.nairobi_coordinator, ngo, name="Westlands Child Rights NGO", phone="0700 000 001")

    ngo.refresh_from_db()
    assert ngo.name == "Westlands Child Rights NGO" and ngo.phone == "0700 000 001"
    assert ngo.updated_at > old_version and updated.updated_at == ngo.updated_at
    event = audit_events(UPDATE, ngo).get()
    assert event.actor == cast.nairobi_coordinator
    assert event.details["changed"] == ["name", "phone"]
    assert ngo.history.first().history_user == cast.nairobi_coordinator


def test_a_stale_edit_is_refused_and_writes_nothing(cast: Any) -> None:
    ngo = cast.nairobi_ngo
    ngo.refresh_from_db()
    read_at = ngo.updated_at
    _update(cast.admin, ngo, phone="0700 000 002")  # someone else saves first

    with pytest.raises(StaleEdit) as info:
        orgunit_update(actor=cast.nairobi_coordinator, org_unit=ngo, expected_updated_at=read_at, name="Overwritten")
    assert "changed this unit after you opened it" in info.value.messages[0]
    ngo.refresh_from_db()
    assert ngo.name == "Test Children NGO" and ngo.phone == "0700 000 002"
    assert audit_events(UPDATE, ngo).count() == 1


def test_a_version_in_the_future_is_stale_too(cast: Any) -> None:
    ngo = cast.nairobi_ngo
    ngo.refresh_from_db()
    with pytest.raises(StaleEdit):
        orgunit_update(
            actor=cast.admin, org_unit=ngo, expected_updated_at=ngo.updated_at + timedelta(microseconds=1), name="X"
        )


def test_a_unit_cannot_be_its_own_parent(cast: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _update(cast.admin, cast.westlands_office, parent=cast.westlands_office)
    assert info.value.message_dict["parent"] == ["A unit cannot be its own parent."]


def test_a_parent_loop_is_refused_and_writes_nothing(cast: Any) -> None:
    # HQ > Nairobi county office > Westlands: putting HQ under Westlands would make a loop.
    with pytest.raises(ValidationError) as info:
        _update(cast.admin, cast.hq, parent=cast.westlands_office)
    assert "parent" in info.value.message_dict
    cast.hq.refresh_from_db()
    assert cast.hq.parent_id is None
    assert not audit_events(UPDATE).exists()


def test_changing_the_type_checks_the_area_level(cast: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _update(cast.admin, cast.nairobi_ngo, kind=OrgUnit.Kind.COUNTY_OFFICE)
    assert "area" in info.value.message_dict


def test_changing_the_area_rederives_county_and_sub_county(cast: Any) -> None:
    ward = first_ward("125")
    unit = _update(cast.admin, cast.nairobi_ngo, area=ward)
    assert unit.county_id == county("023").pk and unit.sub_county_id == ward.sub_county_id


def test_a_coordinator_cannot_move_a_unit_out_of_their_county(cast: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _update(cast.nairobi_coordinator, cast.nairobi_ngo, area=first_ward("125"))
    assert "area" in info.value.message_dict
    cast.nairobi_ngo.refresh_from_db()
    assert cast.nairobi_ngo.county_id == county("047").pk


def test_a_coordinator_cannot_widen_their_scope_by_moving_their_own_office(cast: Any) -> None:
    with pytest.raises(ValidationError):
        _update(cast.nairobi_coordinator, cast.nairobi_office, area=county("023"))
    cast.nairobi_office.refresh_from_db()
    assert cast.nairobi_office.area_id == county("047").pk


def test_out_of_scope_update_is_denied(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        _update(cast.turkana_coordinator, cast.nairobi_ngo, name="Taken over")
    cast.nairobi_ngo.refresh_from_db()
    assert cast.nairobi_ngo.name == "Test Children NGO"


def test_saving_without_changes_writes_nothing(cast: Any) -> None:
    ngo = OrgUnit.objects.get(pk=cast.nairobi_ngo.pk)
    before = ngo.updated_at
    _update(cast.admin, ngo, name=ngo.name, phone=ngo.phone)
    ngo.refresh_from_db()
    assert ngo.updated_at == before
    assert not audit_events(UPDATE).exists()


def test_unknown_fields_are_a_programming_error(cast: Any) -> None:
    with pytest.raises(TypeError):
        _update(cast.admin, cast.nairobi_ngo, county=county("023"))
