"""Kind 1: organisation units (institutions, courts, police stations, schools, health facilities,
NGOs, CBOs, FBOs, AACs), placed by the official code of the area they serve."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.geo import actions as geo_actions
from cpims.geo.models import Area, OrgUnit
from cpims.imports import queries
from cpims.imports.kinds.base import Column, Context, ImportKind, RowProblem, choice, optional, required
from cpims.imports.reading import Row

# DCS offices are set up by the reference data, not imported.
KINDS = [k for k in OrgUnit.Kind.values if k not in OrgUnit.DCS_OFFICE_KINDS]
LEVELS = [Area.Level.COUNTY.value, Area.Level.SUB_COUNTY.value, Area.Level.WARD.value]


class OrgUnitImport(ImportKind):
    code = "orgunits"
    label = gettext_lazy("Organisation units")
    description = gettext_lazy(
        "Institutions, courts, police stations, schools, health facilities, NGOs, CBOs and FBOs, by the official "
        "code of the area they serve."
    )
    perm = P.ORGUNIT_MANAGE
    field_columns = {"area": "area_code", "parent": "parent_code"}
    columns = [
        Column(
            "code", "Unit code, unique in CPIMS", "Msimbo wa kitengo, wa kipekee katika CPIMS", True, example="CCI-0001"
        ),
        Column("name", "Name of the unit", "Jina la kitengo", True, example="Tumaini Children's Home"),
        Column("kind", "Type of unit (list)", "Aina ya kitengo (orodha)", True, KINDS, example="cci"),
        Column(
            "area_level",
            "Level of the area served (list)",
            "Ngazi ya eneo linalohudumiwa (orodha)",
            True,
            LEVELS,
            example="sub_county",
        ),
        Column(
            "area_code", "Official code of the area served", "Msimbo rasmi wa eneo linalohudumiwa", True, example="274"
        ),
        Column("parent_code", "Code of the parent unit (optional)", "Msimbo wa kitengo mzazi (si lazima)"),
        Column("phone", "Phone (optional)", "Simu (si lazima)"),
        Column("email", "E-mail (optional)", "Barua pepe (si lazima)"),
        Column("physical_address", "Physical address (optional)", "Anwani ya mahali (si lazima)"),
    ]

    def import_row(self, ctx: Context, row: Row) -> str:
        errors: list[tuple[str, str]] = []
        code = required(row, errors, "code")
        name = required(row, errors, "name")
        kind = choice(errors, "kind", required(row, errors, "kind"), KINDS)
        level = choice(errors, "area_level", required(row, errors, "area_level"), LEVELS)
        area_code = required(row, errors, "area_code")
        area = None
        if level and area_code:
            area = queries.area_by_code(level, area_code)
            if area is None:
                errors.append(
                    ("area_code", _("No %(level)s has the code %(code)s.") % {"level": level, "code": area_code})
                )
        parent = None
        parent_code = optional(row, "parent_code")
        if parent_code:
            parent = queries.orgunit_by_code(ctx.actor, parent_code)
            if parent is None:
                errors.append(("parent_code", _("No unit you can see has the code %(code)s.") % {"code": parent_code}))
        if errors:
            raise RowProblem(errors)
        geo_actions.orgunit_create(
            actor=ctx.actor,
            request=ctx.request,
            name=name,
            code=code,
            kind=kind,
            parent=parent,
            area=area,
            phone=optional(row, "phone"),
            email=optional(row, "email"),
            physical_address=optional(row, "physical_address"),
        )
        return "created"
