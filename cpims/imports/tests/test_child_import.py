"""Kind 3, a CCI's residents with a caregiver: registered through the registry, duplicates reported."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.geo.models import Area, OrgUnit
from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx
from cpims.registry.models import Person, Relationship

pytestmark = pytest.mark.django_db
HEADERS = [
    "institution_code", "first_name", "middle_name", "last_name", "sex", "date_of_birth", "age_years", "ward_code",
    "caregiver_relationship", "caregiver_status", "caregiver_first_name", "caregiver_last_name", "caregiver_sex",
    "caregiver_phone",
]  # fmt: skip


@pytest.fixture
def cci(cast: Any) -> OrgUnit:
    ward = Area.objects.get(level="ward", code="1366")
    return OrgUnit.objects.create(
        name="Test Home", code="CCI-KID-1", kind="cci", area=ward, county=ward.county, sub_county=ward.sub_county
    )


def _row(first: str, last: str, **extra: str) -> list[str]:
    cells = {"institution_code": "CCI-KID-1", "first_name": first, "last_name": last, "sex": "female",
             "date_of_birth": "2015-03-31", "caregiver_relationship": "mother", "caregiver_first_name": "Zawadi",
             "caregiver_last_name": last, "caregiver_sex": "female", **extra}  # fmt: skip
    return [cells.get(h, "") for h in HEADERS]


def test_clean_file_registers_children_and_caregivers(cast: Any, cci: OrgUnit) -> None:
    rows = [_row("Amani", "Testkid"), _row("Baraka", "Otherkid", sex="male", date_of_birth="", age_years="9")]
    batch, report = actions.import_upload(actor=cast.nairobi_coordinator, kind="children", upload=xlsx(HEADERS, rows))
    assert report.is_clean, report.results
    assert not Person.objects.filter(last_name="Testkid").exists()
    assert actions.import_run(actor=cast.nairobi_coordinator, batch=batch).committed
    child = Person.objects.get(first_name="Amani", kind="child")
    assert child.ward is not None and child.ward.code == "1366"
    assert Relationship.objects.filter(child=child, kind="mother").exists()


def test_existing_child_is_a_possible_duplicate_not_registered_twice(cast: Any, cci: OrgUnit) -> None:
    batch, _r = actions.import_upload(
        actor=cast.nairobi_coordinator, kind="children", upload=xlsx(HEADERS, [_row("Amani", "Testkid")])
    )
    actions.import_run(actor=cast.nairobi_coordinator, batch=batch)
    again, report = actions.import_upload(
        actor=cast.nairobi_coordinator,
        kind="children",
        upload=xlsx(HEADERS, [_row("Amani", "Testkid"), _row("Neema", "Newkid")]),
    )
    assert [r.status for r in report.results] == ["duplicate", "ok"]
    assert "Possible duplicate" in report.results[0].errors[0][1]
    assert actions.import_run(actor=cast.nairobi_coordinator, batch=again, clean_only=True).committed
    assert Person.objects.filter(first_name="Amani", kind="child").count() == 1
    assert Person.objects.filter(first_name="Neema", kind="child").count() == 1


def test_bad_rows_show_every_error_and_write_nothing(cast: Any, cci: OrgUnit) -> None:
    rows = [
        _row("Amani", "Testkid"),
        _row("", "Noname", sex="robot", date_of_birth="31.02.2015"),
        _row("Old", "Person", date_of_birth="1990-01-01"),
        _row("Lost", "Kid", institution_code="NOPE"),
    ]
    batch, report = actions.import_upload(actor=cast.nairobi_coordinator, kind="children", upload=xlsx(HEADERS, rows))
    by_row = {r.number: r for r in report.results}
    assert by_row[2].status == "ok"
    assert {c for c, _m in by_row[3].errors} >= {"first_name", "sex", "date_of_birth"}
    assert [c for c, _m in by_row[4].errors] == ["date_of_birth"]
    assert [c for c, _m in by_row[5].errors] == ["institution_code"]
    assert not actions.import_run(actor=cast.nairobi_coordinator, batch=batch).committed
    assert not Person.objects.filter(last_name="Testkid").exists()


def test_another_countys_institution_is_a_row_error(cast: Any, cci: OrgUnit) -> None:
    _batch, report = actions.import_upload(
        actor=cast.turkana_coordinator, kind="children", upload=xlsx(HEADERS, [_row("Amani", "Testkid")])
    )
    assert report.error_count == 1 and report.results[0].errors[0][0] == "institution_code"


def test_injection_cell_is_neutralised(cast: Any, cci: OrgUnit) -> None:
    batch, report = actions.import_upload(
        actor=cast.nairobi_coordinator, kind="children", upload=xlsx(HEADERS, [_row("+Amani", "Testkid")])
    )
    assert report.results[0].neutralised == ["first_name"]
    actions.import_run(actor=cast.nairobi_coordinator, batch=batch)
    assert Person.objects.filter(first_name="Amani").exists()


def test_over_the_limit_is_refused(cast: Any, cci: OrgUnit, settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_BYTES = 200
    with pytest.raises(ValidationError):
        actions.import_upload(
            actor=cast.nairobi_coordinator, kind="children", upload=xlsx(HEADERS, [_row("Amani", "Testkid")])
        )
