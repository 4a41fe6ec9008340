"""The eight DCS regions as load_regions() loads them from regions.csv, and Area.contains for a region."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from cpims.geo.models import Area
from cpims.geo.reference import REGIONS_FILE, load_regions, read_areas, read_regions

pytestmark = pytest.mark.django_db

EXPECTED = {
    "01": ("Coast", range(1, 7)),
    "02": ("North Eastern", range(7, 10)),
    "03": ("Eastern", range(10, 18)),
    "04": ("Central", range(18, 23)),
    "05": ("Rift Valley", range(23, 37)),
    "06": ("Western", range(37, 41)),
    "07": ("Nyanza", range(41, 47)),
    "08": ("Nairobi", range(47, 48)),
}


def test_the_region_file_puts_every_county_in_exactly_one_region() -> None:
    rows = read_regions()
    assert {r.code: (r.name, r.county_codes) for r in rows} == {
        code: (name, tuple(f"{n:03d}" for n in numbers)) for code, (name, numbers) in EXPECTED.items()
    }
    listed = [c for r in rows for c in r.county_codes]
    counties = {a.code for a in read_areas() if a.level == "county"}
    assert len(listed) == len(set(listed)) == 47
    assert set(listed) == counties
    assert b"\r\n" not in REGIONS_FILE.read_bytes()


def test_regions_are_loaded_with_the_reference_data(reference: None) -> None:
    regions = Area.objects.filter(level=Area.Level.REGION).order_by("code")
    assert [(r.code, r.name) for r in regions] == [(code, name) for code, (name, _n) in EXPECTED.items()]
    assert all(r.parent_id is None and r.county_id is None and r.sub_county_id is None for r in regions)
    assert all(r.region_id is None for r in regions)
    assert regions.get(code="01").key == "region-01"
    assert regions.get(code="05").display_name == "Rift Valley region"


def test_every_county_sub_county_and_ward_carries_its_region(reference: None) -> None:
    areas = Area.objects.exclude(level=Area.Level.REGION)
    assert not areas.filter(region__isnull=True).exists()
    # Sub-counties and wards agree with their county.
    assert not areas.exclude(region_id=F("county__region_id")).exists()
    for code, (_name, numbers) in EXPECTED.items():
        codes = {f"{n:03d}" for n in numbers}
        assert (
            set(Area.objects.filter(level=Area.Level.COUNTY, region__code=code).values_list("code", flat=True)) == codes
        )
    rift = Area.objects.get(level=Area.Level.REGION, code="05")
    turkana_ward = Area.objects.filter(level=Area.Level.WARD, county__code="023").first()
    assert turkana_ward is not None and turkana_ward.region_id == rift.pk
    nairobi = Area.objects.get(level=Area.Level.REGION, code="08")
    assert Area.objects.filter(region=nairobi, level=Area.Level.SUB_COUNTY).count() == 17


def test_reloading_regions_changes_nothing(reference: None, django_assert_max_num_queries: Any) -> None:
    before = list(Area.objects.order_by("pk").values_list("pk", "level", "name", "region_id"))
    # Two reads, nothing to create or rename, one UPDATE per region and one clean-up UPDATE.
    with django_assert_max_num_queries(2 + 8 + 1 + 2):
        assert load_regions() == 8
    after = list(Area.objects.order_by("pk").values_list("pk", "level", "name", "region_id"))
    assert after == before


def test_a_county_moved_to_another_region_takes_its_areas_along(reference: None, tmp_path: Any) -> None:
    text = REGIONS_FILE.read_text(encoding="utf-8")
    text = text.replace("08,Nairobi,047", "08,Nairobi City,").replace(
        "04,Central,018 019 020 021 022", "04,Central,018 019 020 021 022 047"
    )
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    load_regions(path)
    central = Area.objects.get(level=Area.Level.REGION, code="04")
    assert Area.objects.get(level=Area.Level.REGION, code="08").name == "Nairobi City"
    assert Area.objects.filter(level=Area.Level.REGION).count() == 8
    assert not Area.objects.filter(county__code="047").exclude(region=central).exists()
    load_regions()
    nairobi = Area.objects.get(level=Area.Level.REGION, code="08")
    assert nairobi.name == "Nairobi"
    assert not Area.objects.filter(county__code="047").exclude(region=nairobi).exists()


def test_a_county_in_two_regions_is_refused(reference: None, tmp_path: Any) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(REGIONS_FILE.read_text(encoding="utf-8").replace("08,Nairobi,047", "08,Nairobi,047 001"))
    with pytest.raises(ValueError, match="two regions"):
        load_regions(path)


def test_a_region_contains_its_counties_sub_counties_and_wards_only(reference: None) -> None:
    coast = Area.objects.get(level=Area.Level.REGION, code="01")
    mombasa = Area.objects.get(level=Area.Level.COUNTY, code="001")
    nairobi = Area.objects.get(level=Area.Level.COUNTY, code="047")
    mombasa_ward = Area.objects.filter(level=Area.Level.WARD, county=mombasa).first()
    assert coast.contains(coast) and coast.contains(mombasa) and coast.contains(mombasa_ward)
    assert not coast.contains(nairobi) and not coast.contains(None)
    assert not mombasa.contains(coast)


def test_no_area_picker_or_org_unit_offers_a_region(reference: None) -> None:
    from cpims.geo import queries
    from cpims.geo.actions import allowed_area_levels
    from cpims.geo.models import OrgUnit

    coast = Area.objects.get(level=Area.Level.REGION, code="01")
    assert coast not in queries.counties() and queries.counties().count() == 47
    assert not queries.child_areas(coast).exists()
    for kind in OrgUnit.Kind.values:
        assert Area.Level.REGION not in allowed_area_levels(kind), kind


@pytest.mark.urls("cpims.geo.tests.api_urls")
def test_the_area_api_lists_regions(cast: Any, login: Any) -> None:
    from rest_framework.test import APIClient

    api = login(APIClient(), cast.partner)
    data = api.get("/api/v1/areas/", {"level": "region"}).json()
    assert [r["key"] for r in data["results"]] == [f"region-0{n}" for n in range(1, 9)]
    one = api.get("/api/v1/areas/region-05/").json()
    assert one["name"] == "Rift Valley" and one["parent"] is None and one["region"] is None
    assert api.get("/api/v1/areas/county-023/").json()["region"] == "05"
