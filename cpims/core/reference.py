"""One entry point that loads every piece of reference data, in dependency order."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def load_all() -> dict[str, int]:
    from cpims.accounts.models import Role
    from cpims.accounts.roles import seed_roles
    from cpims.core.codelists import load_code_lists
    from cpims.core.models import Code
    from cpims.geo.models import Area, OrgUnit
    from cpims.geo.reference import load_areas, load_dcs_offices, load_regions
    from cpims.integrations.dhis2.defaults import load_kenya_default

    load_areas()
    load_regions()
    load_code_lists()
    load_dcs_offices()
    seed_roles()
    load_kenya_default()  # DHIS2 mapping defaults (needs the code lists and areas above)
    return {
        "regions": Area.objects.filter(level=Area.Level.REGION).count(),
        "counties": Area.objects.filter(level=Area.Level.COUNTY).count(),
        "sub-counties": Area.objects.filter(level=Area.Level.SUB_COUNTY).count(),
        "wards": Area.objects.filter(level=Area.Level.WARD).count(),
        "codes": Code.objects.count(),
        "DCS offices": OrgUnit.objects.filter(kind__in=OrgUnit.DCS_OFFICE_KINDS).count(),
        "roles": Role.objects.count(),
    }
