"""Kenya's areas and the DCS office skeleton as load_areas() and load_dcs_offices() load them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from cpims.geo import queries
from cpims.geo.models import Area, OrgUnit
from cpims.geo.reference import AREAS_FILE, load_areas, load_dcs_offices, read_areas

pytestmark = pytest.mark.django_db


def test_area_counts(reference: None) -> None:
    assert Area.objects.filter(level=Area.Level.COUNTY).count() == 47
    assert Area.objects.filter(level=Area.Level.SUB_COUNTY).count() == 290
    assert Area.objects.filter(level=Area.Level.WARD).count() == 1450


def test_ancestors_are_denormalised(reference: None) -> None:
    nairobi = Area.objects.get(level=Area.Level.COUNTY, code="047")
    westlands = Area.objects.get(level=Area.Level.SUB_COUNTY, code="274")
    assert nairobi.name == "Nairobi" and westlands.name == "Westlands"
    assert nairobi.county_id == nairobi.pk and nairobi.sub_county_id is None and nairobi.parent_id is None
    assert westlands.parent_id == nairobi.pk
    assert westlands.county_id == nairobi.pk and westlands.sub_county_id == westlands.pk
    ward = westlands.children.order_by("code").first()
    assert ward is not None and ward.level == Area.Level.WARD
    assert ward.county_id == nairobi.pk and ward.sub_county_id == westlands.pk
    # Every area's ancestors agree with its parent chain.
    assert not Area.objects.filter(level=Area.Level.COUNTY).exclude(county_id=F("pk")).exists()
    assert not Area.objects.filter(level=Area.Level.SUB_COUNTY).exclude(county_id=F("parent_id")).exists()
    assert not Area.objects.filter(level=Area.Level.WARD).exclude(sub_county_id=F("parent_id")).exists()
    assert not Area.objects.filter(level=Area.Level.WARD).exclude(county_id=F("parent__county_id")).exists()


def test_all_wards_of_a_county_is_one_query(reference: None, django_assert_num_queries: Any) -> None:
    nairobi = Area.objects.get(level=Area.Level.COUNTY, code="047")
    with django_assert_num_queries(1):
        wards = list(queries.wards_of_county(nairobi))
    assert len(wards) == 85
    assert {w.level for w in wards} == {Area.Level.WARD}
    assert nairobi.contains(wards[0])


def test_reloading_areas_changes_nothing(reference: None) -> None:
    before = list(Area.objects.order_by("pk").values_list("pk", "name", "parent_id", "county_id", "sub_county_id"))
    assert load_areas() == {"county": 47, "sub_county": 290, "ward": 1450}
    after = list(Area.objects.order_by("pk").values_list("pk", "name", "parent_id", "county_id", "sub_county_id"))
    assert after == before


def test_a_corrected_name_is_updated_in_place(reference: None, tmp_path: Any) -> None:
    text = AREAS_FILE.read_text(encoding="utf-8").replace(
        "sub_county,274,Westlands,047", "sub_county,274,Westlands X,047"
    )
    path = tmp_path / "areas.csv"
    path.write_text(text, encoding="utf-8")
    count = Area.objects.count()
    load_areas(path)
    assert Area.objects.count() == count
    assert Area.objects.get(level=Area.Level.SUB_COUNTY, code="274").name == "Westlands X"


def test_the_shipped_area_file_is_converted() -> None:
    rows = read_areas()
    assert len(rows) == 47 + 290 + 1450
    assert b"\r\n" not in AREAS_FILE.read_bytes()


def test_dcs_skeleton(reference: None) -> None:
    hq = OrgUnit.objects.get(code="DCS-HQ")
    assert hq.kind == OrgUnit.Kind.NATIONAL_OFFICE and hq.parent_id is None and hq.area_id is None
    county_offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNTY_OFFICE, code__startswith="DCS-C")
    sub_county_offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.SUB_COUNTY_OFFICE, code__startswith="DCS-SC")
    assert county_offices.count() == 47
    assert sub_county_offices.count() == 290
    assert not county_offices.exclude(parent=hq).exists()

    nairobi = OrgUnit.objects.select_related("area").get(code="DCS-C047")
    assert nairobi.name == "Nairobi County Children Office"
    assert nairobi.area.level == Area.Level.COUNTY and nairobi.area.code == "047"
    assert nairobi.county_id == nairobi.area_id and nairobi.sub_county_id is None

    westlands = OrgUnit.objects.select_related("area").get(code="DCS-SC274")
    assert westlands.name == "Westlands Sub-County Children Office"
    assert westlands.parent_id == nairobi.pk
    assert westlands.area.level == Area.Level.SUB_COUNTY and westlands.area.code == "274"
    assert westlands.county_id == nairobi.area_id and westlands.sub_county_id == westlands.area_id

    # Every sub-county office hangs under the office of its own county.
    for office in sub_county_offices.select_related("parent", "area"):
        assert office.parent.area_id == office.area.county_id
        assert office.county_id == office.area.county_id and office.sub_county_id == office.area_id


def test_reloading_offices_keeps_edits_and_creates_nothing(reference: None) -> None:
    office = OrgUnit.objects.get(code="DCS-SC274")
    office.name = "Westlands Children Office"
    office.phone = "+254 700 000 000"
    office.save()
    count = OrgUnit.objects.count()
    assert load_dcs_offices() == 0
    assert OrgUnit.objects.count() == count
    office.refresh_from_db()
    assert office.name == "Westlands Children Office" and office.phone == "+254 700 000 000"


def test_a_missing_office_is_recreated_with_its_parent(reference: None) -> None:
    OrgUnit.objects.filter(code="DCS-SC125").delete()
    assert load_dcs_offices() == 1
    office = OrgUnit.objects.get(code="DCS-SC125")
    assert office.parent.code == "DCS-C023"
    assert office.history.first().history_change_reason == "load_reference"
