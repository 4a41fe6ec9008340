"""Kind 4: the rows of the DCS Excel caseload return tool (Tool A, "Raw Data"), as the paper part
of the sub-county's monthly return.

Tool A holds one row per case from the paper register ("black book"): case number, date of
reporting, sub-county, case category, sex, age band (1 = 0–5, 2 = 6–10, 3 = 11–15, 4 = 16–18) and
intervention (SOP for the Excel caseload return tool). Each row adds one case to the return of that
sub-county's office for the month of its date, tallied as ``rows:<category>:<sex>:<band>`` through
``returns.actions.return_paper_rows_add`` (which checks that the importer prepares that office's
return, and that the return is still a draft). No name is in the tool, and the comment column is
not kept. The case number and the intervention are checked, not stored.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.core.models import Code
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.imports import queries
from cpims.imports.kinds.base import Column, Context, ImportKind, RowProblem, choice, optional, parse_date, required
from cpims.imports.reading import Row
from cpims.returns.actions import PAPER_ROWS_PREFIX, return_paper_rows_add

SEXES = ["male", "female"]
AGE_BANDS = {"1": "0-5", "2": "6-10", "3": "11-15", "4": "16-18"}
CATEGORY_LIST, INTERVENTION_LIST = "case_category_id", "intervention_id"


def _codes(list_name: str) -> QuerySet[Code]:
    return queries.codes_of(list_name)


class CaseloadImport(ImportKind):
    code = "caseload"
    label = gettext_lazy("Caseload return rows (DCS Excel tool)")
    description = gettext_lazy(
        "The rows of the DCS Excel caseload return tool (Tool A): cases from the paper register, added as paper "
        "figures to your sub-county office's monthly return for the month of each case."
    )
    perm = P.RETURN_SUBMIT
    columns = [
        Column("case_number", "Case number in the register", "Namba ya kesi katika rejista", True, example="615"),
        Column("date", "Date of reporting, YYYY-MM-DD", "Tarehe ya kuripoti, YYYY-MM-DD", True, example="2026-07-23"),
        Column("sub_county_code", "Official code of the sub-county", "Msimbo rasmi wa kaunti ndogo", True,
               example="274"),
        Column("case_category", "DCS case category code (list)", "Msimbo wa aina ya kesi ya DCS (orodha)", True,
               lambda: list(_codes(CATEGORY_LIST).values_list("code", flat=True).distinct())),
        Column("sex", "Sex (list)", "Jinsia (orodha)", True, SEXES, example="female"),
        Column("age_band", "Age: 1 = 0-5, 2 = 6-10, 3 = 11-15, 4 = 16-18 (list)",
               "Umri: 1 = 0-5, 2 = 6-10, 3 = 11-15, 4 = 16-18 (orodha)", True, list(AGE_BANDS), example="2"),
        Column("intervention", "DCS intervention code (list)", "Msimbo wa hatua ya DCS (orodha)", False,
               lambda: list(_codes(INTERVENTION_LIST).values_list("code", flat=True).distinct())),
        Column("comment", "Special comments (not kept)", "Maoni maalum (hayahifadhiwi)"),
    ]  # fmt: skip
    field_columns = {"org_unit": "sub_county_code", "period": "date"}

    def import_row(self, ctx: Context, row: Row) -> str:
        errors: list[tuple[str, str]] = []
        required(row, errors, "case_number")
        day = parse_date(errors, "date", required(row, errors, "date"))
        sub_county_code = required(row, errors, "sub_county_code")
        category = required(row, errors, "case_category")
        sex = choice(errors, "sex", required(row, errors, "sex"), SEXES)
        band = AGE_BANDS.get(required(row, errors, "age_band"))
        if row.cells.get("age_band") and band is None:
            errors.append(("age_band", _("Use 1, 2, 3 or 4 for the age band.")))
        if category and not _codes(CATEGORY_LIST).filter(code=category).exists():
            errors.append(("case_category", _("“%(code)s” is not a DCS case category code.") % {"code": category}))
        intervention = optional(row, "intervention")
        if intervention and not _codes(INTERVENTION_LIST).filter(code=intervention).exists():
            errors.append(("intervention", _("“%(code)s” is not a DCS intervention code.") % {"code": intervention}))
        office = None
        if sub_county_code:
            area = queries.area_by_code(Area.Level.SUB_COUNTY, sub_county_code)
            office = queries.sub_county_office(area) if area is not None else None
            if office is None:
                errors.append(
                    ("sub_county_code", _("No sub-county office has the code %(code)s.") % {"code": sub_county_code})
                )
        if errors:
            raise RowProblem(errors)
        assert day is not None and office is not None
        return_paper_rows_add(
            actor=ctx.actor,
            org_unit=office,
            period=Period.month(day.year, day.month),
            tallies={f"{PAPER_ROWS_PREFIX}{category}:{sex}:{band}": 1},
            request=ctx.request,
        )
        return "added"
