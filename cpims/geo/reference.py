"""Load Kenya's administrative areas and the DCS office skeleton from the project's own data files.

Both loaders are idempotent: rows are matched on their official code, missing rows are created in
bulk, changed names or parents are updated in bulk, and nothing is ever duplicated or deleted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cpims.geo.models import Area, OrgUnit

DATA_DIR = Path(__file__).resolve().parent / "data"
AREAS_FILE = DATA_DIR / "areas.csv"
REGIONS_FILE = DATA_DIR / "regions.csv"

HQ_CODE = "DCS-HQ"
HQ_NAME = "Department of Children Services Headquarters"


def county_office_code(county_code: str) -> str:
    return f"DCS-C{county_code}"


def sub_county_office_code(sub_county_code: str) -> str:
    return f"DCS-SC{sub_county_code}"


@dataclass(frozen=True)
class AreaRow:
    level: str
    code: str
    name: str
    parent_code: str


def read_areas(path: Path = AREAS_FILE) -> list[AreaRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            AreaRow(row["level"].strip(), row["code"].strip(), row["name"].strip(), row["parent_code"].strip())
            for row in csv.DictReader(handle)
        ]


_PARENT_LEVEL = {Area.Level.SUB_COUNTY: Area.Level.COUNTY, Area.Level.WARD: Area.Level.SUB_COUNTY}


def _load_level(level: str, rows: list[AreaRow], parents: dict[str, Area]) -> dict[str, Area]:
    """Create or update the areas of one level; returns them by code.

    ``parents`` are the already-loaded areas of the level above, by code.
    """
    existing = {a.code: a for a in Area.objects.filter(level=level)}
    to_create: list[Area] = []
    for row in rows:
        if row.code not in existing:
            to_create.append(Area(level=level, code=row.code, name=row.name))
    if to_create:
        Area.objects.bulk_create(to_create, batch_size=500)
        # Re-read rather than rely on bulk_create returning ids on every backend.
        existing = {a.code: a for a in Area.objects.filter(level=level)}

    fields = ("name", "parent_id", "county_id", "sub_county_id")
    changed: list[Area] = []
    for row in rows:
        area = existing[row.code]
        parent = parents[row.parent_code] if level in _PARENT_LEVEL else None
        if level == Area.Level.COUNTY:
            wanted = (row.name, None, area.pk, None)
        elif level == Area.Level.SUB_COUNTY:
            assert parent is not None
            wanted = (row.name, parent.pk, parent.pk, area.pk)
        else:
            assert parent is not None
            wanted = (row.name, parent.pk, parent.county_id, parent.pk)
        if tuple(getattr(area, f) for f in fields) != wanted:
            for f, value in zip(fields, wanted, strict=True):
                setattr(area, f, value)
            changed.append(area)
    if changed:
        Area.objects.bulk_update(changed, ["name", "parent", "county", "sub_county"], batch_size=500)
    return existing


@transaction.atomic
def load_areas(path: Path = AREAS_FILE) -> dict[str, int]:
    """Load the 47 counties, 290 sub-counties and 1,450 wards. Returns the count per level."""
    rows = read_areas(path)
    by_level: dict[str, list[AreaRow]] = {level: [] for level in Area.Level.values}
    for row in rows:
        by_level[row.level].append(row)
    counties = _load_level(Area.Level.COUNTY, by_level[Area.Level.COUNTY], {})
    sub_counties = _load_level(Area.Level.SUB_COUNTY, by_level[Area.Level.SUB_COUNTY], counties)
    wards = _load_level(Area.Level.WARD, by_level[Area.Level.WARD], sub_counties)
    return {"county": len(counties), "sub_county": len(sub_counties), "ward": len(wards)}


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    county_codes: tuple[str, ...]


def read_regions(path: Path = REGIONS_FILE) -> list[RegionRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            RegionRow(row["code"].strip(), row["name"].strip(), tuple(row["county_codes"].split()))
            for row in csv.DictReader(handle)
        ]


@transaction.atomic
def load_regions(path: Path = REGIONS_FILE) -> int:
    """Load the eight DCS regions and set ``region`` on every county, sub-county and ward.

    Run after ``load_areas``. Regions are matched on code (a changed name is updated); each
    region's areas are set with one UPDATE (a no-op on a re-run). A county listed twice, or a
    county code that is not loaded, is an error. Returns the number of regions.
    """
    rows = read_regions(path)
    county_ids = dict(Area.objects.filter(level=Area.Level.COUNTY).values_list("code", "pk"))
    seen: set[str] = set()
    for row in rows:
        unknown = [c for c in row.county_codes if c not in county_ids]
        twice = seen.intersection(row.county_codes)
        if unknown or twice:
            raise ValueError(f"region {row.code}: unknown counties {unknown}, counties in two regions {sorted(twice)}")
        seen.update(row.county_codes)

    existing = {a.code: a for a in Area.objects.filter(level=Area.Level.REGION)}
    new = [Area(level=Area.Level.REGION, code=r.code, name=r.name) for r in rows if r.code not in existing]
    if new:
        Area.objects.bulk_create(new)
        existing = {a.code: a for a in Area.objects.filter(level=Area.Level.REGION)}
    renamed = []
    for row in rows:
        region = existing[row.code]
        if region.name != row.name:
            region.name = row.name
            renamed.append(region)
    if renamed:
        Area.objects.bulk_update(renamed, ["name"])

    for row in rows:
        region = existing[row.code]
        members = [county_ids[c] for c in row.county_codes]
        Area.objects.filter(county_id__in=members).exclude(region=region).update(region=region)
    # A county taken out of every region loses it (with its sub-counties and wards).
    Area.objects.exclude(level=Area.Level.REGION).exclude(county_id__in=[county_ids[c] for c in seen]).filter(
        region__isnull=False
    ).update(region=None)
    return len(rows)


@dataclass(frozen=True)
class _OfficeSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None
    area: Area | None


def _office_tiers() -> list[list[_OfficeSpec]]:
    """Headquarters, then county offices, then sub-county offices: each tier's parents come first."""
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).order_by("code"))
    county_codes = {c.pk: c.code for c in counties}
    return [
        [_OfficeSpec(HQ_CODE, HQ_NAME, OrgUnit.Kind.NATIONAL_OFFICE, None, None)],
        [
            _OfficeSpec(
                county_office_code(c.code), f"{c.name} County Children Office", OrgUnit.Kind.COUNTY_OFFICE, HQ_CODE, c
            )
            for c in counties
        ],
        [
            _OfficeSpec(
                sub_county_office_code(s.code),
                f"{s.name} Sub-County Children Office",
                OrgUnit.Kind.SUB_COUNTY_OFFICE,
                county_office_code(county_codes[s.county_id]),
                s,
            )
            for s in Area.objects.filter(level=Area.Level.SUB_COUNTY).order_by("code")
        ],
    ]


@transaction.atomic
def load_dcs_offices() -> int:
    """Create the DCS office skeleton: headquarters, 47 county and 290 sub-county children offices.

    Matched on office code. An existing office keeps its name, contacts and status (administrators
    may have edited them); only a missing parent or area (and the county/sub-county derived from
    it) is filled in. Returns how many offices were created.
    """
    tiers = _office_tiers()
    codes = [spec.code for tier in tiers for spec in tier]
    existing = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    created = 0
    changed: list[OrgUnit] = []
    for tier in tiers:
        new = [
            OrgUnit(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent=existing[spec.parent_code] if spec.parent_code else None,
                area=spec.area,
                county_id=spec.area.county_id if spec.area else None,
                sub_county_id=spec.area.sub_county_id if spec.area else None,
            )
            for spec in tier
            if spec.code not in existing
        ]
        if new:
            for unit in bulk_create_with_history(new, OrgUnit, batch_size=500, default_change_reason="load_reference"):
                existing[unit.code] = unit
            created += len(new)
        for spec in tier:
            unit = existing[spec.code]
            before = (unit.parent_id, unit.area_id, unit.county_id, unit.sub_county_id)
            if unit.parent_id is None and spec.parent_code:
                unit.parent = existing[spec.parent_code]
            area = spec.area
            if unit.area_id is None and area is not None:
                unit.area = area
            if area is not None and unit.area_id == area.pk:
                unit.county_id = area.county_id
                unit.sub_county_id = area.sub_county_id
            if (unit.parent_id, unit.area_id, unit.county_id, unit.sub_county_id) != before:
                changed.append(unit)
    if changed:
        # Leaves updated_at alone, so a loader run never makes an open edit form stale.
        bulk_update_with_history(
            changed,
            OrgUnit,
            ["parent", "area", "county", "sub_county"],
            batch_size=500,
            default_change_reason="load_reference",
        )
    return created


def area_counts() -> dict[str, int]:
    """What load_reference reports about the areas."""
    levels = {
        "regions": Area.Level.REGION,
        "counties": Area.Level.COUNTY,
        "sub-counties": Area.Level.SUB_COUNTY,
        "wards": Area.Level.WARD,
    }
    return {name: Area.objects.filter(level=level).count() for name, level in levels.items()}


def office_counts() -> dict[str, int]:
    """What load_reference reports about the DCS offices."""
    return {"DCS offices": OrgUnit.objects.filter(kind__in=OrgUnit.DCS_OFFICE_KINDS).count()}
