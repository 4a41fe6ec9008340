"""CTiP reference data: the CTiP code lists (with Kiswahili labels) and the agencies children are
referred to across borders, seeded as organisation units.

The agencies have no organisation-unit type of their own: they are seeded as non-DCS
organisations (``ngo``) without an area, recognised by their code prefix ``CTIP-``.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cpims.core.codelists import load_code_lists
from cpims.ctip.models import PARTNER_CODE_PREFIX
from cpims.geo.models import OrgUnit

DATA_FILE = Path(__file__).resolve().parent / "data" / "code_lists.csv"

# (code, name): the national CTiP coordination body and the agencies that receive children.
PARTNERS = (
    (f"{PARTNER_CODE_PREFIX}SEC", "Counter Trafficking in Persons Secretariat"),
    (f"{PARTNER_CODE_PREFIX}IOM", "International Organization for Migration (IOM), Kenya"),
    (f"{PARTNER_CODE_PREFIX}UG", "Uganda: Ministry of Gender, Labour and Social Development"),
    (f"{PARTNER_CODE_PREFIX}TZ", "Tanzania: Department of Social Welfare"),
    (f"{PARTNER_CODE_PREFIX}ET", "Ethiopia: Ministry of Women and Social Affairs"),
    (f"{PARTNER_CODE_PREFIX}SS", "South Sudan: Ministry of Gender, Child and Social Welfare"),
)


@transaction.atomic
def load_ctip_reference() -> dict[str, int]:
    """Load the CTiP code lists and the partner agencies. Changes nothing on a second run."""
    result = load_code_lists(DATA_FILE)
    existing = set(OrgUnit.objects.filter(code__startswith=PARTNER_CODE_PREFIX).values_list("code", flat=True))
    missing = [OrgUnit(code=code, name=name, kind=OrgUnit.Kind.NGO) for code, name in PARTNERS if code not in existing]
    # save() (not bulk_create) so the change history records them like any other unit.
    for unit in missing:
        unit.save()
    return {**result, "agencies": len(missing)}


def ctip_counts() -> dict[str, int]:
    return {"CTiP agencies": OrgUnit.objects.filter(code__startswith=PARTNER_CODE_PREFIX).count()}
