"""The Kenya default DHIS2 mapping, loaded by ``load_reference`` (idempotent).

``data/kenya_default.json`` holds the data elements (all cases, one per DCS case category, one
per DCS intervention), the category option combos (sex x DCS age band) and the data set, each
with a **placeholder** UID derived deterministically from a seed (``uids.placeholder_uid``). The
org-unit mapping is derived from the county and sub-county codes already loaded: code
``KE_C047`` for Nairobi county, ``KE_SC274`` for Westlands sub-county, and a placeholder UID.

All of it must be aligned with KHIS (the real UIDs and codes) before a production push; rows keep
``is_placeholder=True`` until someone edits them. Loading creates missing rows only: a mapping an
administrator changed is never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from cpims.integrations.dhis2.uids import placeholder_uid

DEFAULT_FILE = Path(__file__).parent / "data" / "kenya_default.json"
INDICATOR_LISTS = {"category": "case_category_id", "intervention": "intervention_id"}


def org_unit_code(area: Any) -> str:
    """The default (KHIS-style) DHIS2 code of a county or sub-county."""
    return f"KE_C{area.code}" if area.level == "county" else f"KE_SC{area.code}"


def org_unit_uid(area: Any) -> str:
    return placeholder_uid(f"ou:{org_unit_code(area)}")


def default_document() -> dict[str, Any]:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_kenya_default() -> dict[str, int]:
    """Create the missing rows of the Kenya default mapping; returns how many were created."""
    from cpims.core.models import Code
    from cpims.geo.models import Area
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping, OrgUnitMapping

    doc = default_document()
    created = {"data elements": 0, "category option combos": 0, "org units": 0}
    codes = {
        (c.code_list.name, c.code): c
        for c in Code.objects.filter(code_list__name__in=INDICATOR_LISTS.values()).select_related("code_list")
    }
    existing_de = set(DataElementMapping.objects.values_list("indicator", "code_id"))
    new_de = []
    for row in doc["data_elements"]:
        code = codes.get((INDICATOR_LISTS[row["indicator"]], row["code"])) if row["code"] else None
        if row["code"] and code is None:
            continue  # a code list without this code (retired locally): nothing to map
        key = (row["indicator"], code.pk if code else None)
        if key in existing_de:
            continue
        existing_de.add(key)
        new_de.append(
            DataElementMapping(
                indicator=row["indicator"], code=code, uid=row["uid"], dhis2_code=row["dhis2_code"], name=row["name"]
            )
        )
    DataElementMapping.objects.bulk_create(new_de)
    created["data elements"] = len(new_de)

    existing_coc = set(CategoryOptionComboMapping.objects.values_list("sex", "band"))
    new_coc = [
        CategoryOptionComboMapping(sex=row["sex"], band=row["band"], uid=row["uid"], name=row["name"])
        for row in doc["category_option_combos"]
        if (row["sex"], row["band"]) not in existing_coc
    ]
    CategoryOptionComboMapping.objects.bulk_create(new_coc)
    created["category option combos"] = len(new_coc)

    mapped = set(OrgUnitMapping.objects.filter(area__isnull=False).values_list("area_id", flat=True))
    new_ou = [
        OrgUnitMapping(area=area, uid=org_unit_uid(area), code=org_unit_code(area), name=area.name)
        for area in Area.objects.filter(level__in=["county", "sub_county"]).exclude(pk__in=mapped)
    ]
    OrgUnitMapping.objects.bulk_create(new_ou)
    created["org units"] = len(new_ou)
    return created


def build_default_document() -> dict[str, Any]:
    """Regenerate the content of ``data/kenya_default.json`` from the DCS code lists CSV.

    Used once to write the file (and by a test proving the file is what this produces).
    """
    import csv

    from cpims.core import ages
    from cpims.core.codelists import DATA_FILE

    with open(DATA_FILE, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["list"] in INDICATOR_LISTS.values()]
    data_elements = [
        {
            "indicator": "cases",
            "code": "",
            "uid": placeholder_uid("de:cases"),
            "dhis2_code": "CPIMS_CASES",
            "name": "CPIMS cases reported",
        }
    ]
    for indicator, list_name in INDICATOR_LISTS.items():
        prefix = "CPIMS_CAT" if indicator == "category" else "CPIMS_INT"
        title = "CPIMS cases reported: " if indicator == "category" else "CPIMS cases with intervention: "
        for r in sorted((r for r in rows if r["list"] == list_name), key=lambda r: int(r["order"])):
            data_elements.append(
                {
                    "indicator": indicator,
                    "code": r["code"],
                    "uid": placeholder_uid(f"de:{indicator}:{r['code']}"),
                    "dhis2_code": f"{prefix}_{r['code']}",
                    "name": title + r["label"],
                }
            )
    sexes = {"male": "Male", "female": "Female", "intersex": "Intersex", "unknown": "Sex unknown"}
    combos = [
        {
            "sex": sex,
            "band": band,
            "uid": placeholder_uid(f"coc:{sex}:{band}"),
            "name": f"{label}, {'age unknown' if band == 'unknown' else band}",
        }
        for sex, label in sexes.items()
        for band in ages.band_keys(ages.DCS)
    ]
    return {
        "note": (
            "Kenya default DHIS2 mapping for CPIMS. Every UID here is a deterministic PLACEHOLDER"
            " (cpims.integrations.dhis2.uids.placeholder_uid of the seed), not a KHIS identifier:"
            " align each with KHIS before pushing to a production server."
        ),
        "data_set": {"uid": placeholder_uid("ds:caseload"), "code": "CPIMS_CASELOAD", "name": "CPIMS caseload"},
        "data_elements": data_elements,
        "category_option_combos": combos,
    }
