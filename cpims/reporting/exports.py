"""Exports of caseload tables and case lists as Excel (XlsxWriter) and CSV, and their download kinds.

Every text cell goes through ``cpims.audit.export.neutralise`` (a leading =, +, -, @ is quoted),
so no spreadsheet runs a formula from the data. Suppressed figures are written as "<5"-style
markers, never as numbers. Case lists carry case numbers and CPIMS numbers, not children's names
(whoever needs the name opens the case, which is audited).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.export import neutralise
from cpims.core import ages
from cpims.core.periods import Period
from cpims.reporting import queries
from cpims.reporting.downloads import register_download_kind
from cpims.reporting.tables import CaseloadTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
# A case list longer than this is made in the background (Download) rather than in the request.
DIRECT_LIMIT = 2000
MAX_CASES = 200_000

# The tables of a caseload export, in order.
TABLE_DIMENSIONS = (
    "category",
    "intervention",
    "service",
    "status",
    "risk_level",
    "reporter_type",
    "place_of_event",
    "month",
)


def hidden_mark() -> str:
    return _("<5")


def _value(value: int | None) -> Any:
    return hidden_mark() if value is None else value


# --- caseload tables -----------------------------------------------------------------------------


def table_grid(table: CaseloadTable) -> list[list[Any]]:
    """The table as rows of cells: a header row, the data rows, the totals row."""
    header = [table.title] + [col.label for col in table.columns] + [_("Total")]
    grid: list[list[Any]] = [header]
    for row, cells, total in table.lines():
        grid.append([row.label] + [_value(v) for _c, v in cells] + [_value(total)])
    grid.append([_("Total")] + [_value(v) for _c, v in table.totals_line()] + [_value(table.total)])
    return grid


def _heading(table: CaseloadTable, area_label: str) -> str:
    counted = _("cases") if table.cases_only else _("case categories")
    return f"{table.title} — {table.period.label} — {area_label} ({counted})"


def caseload_csv(tables: Sequence[CaseloadTable], area_label: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([neutralise(_heading(table, area_label))])
        if table.suppressed:
            writer.writerow([neutralise(_("Figures from 1 to 4, and some others, are hidden to protect children."))])
        for line in table_grid(table):
            writer.writerow([neutralise(c) if isinstance(c, str) else c for c in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def workbook(buffer: io.BytesIO, **options: Any) -> xlsxwriter.Workbook:
    """An Excel workbook written in memory. strings_to_formulas off: a cell starting with "=" stays
    text even before neutralising; strings_to_urls off: no text becomes a link."""
    return xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, **options}
    )


def caseload_xlsx(tables: Sequence[CaseloadTable], area_label: str) -> bytes:
    out = io.BytesIO()
    book = workbook(out)
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    cell = book.add_format({"border": 1})
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(str(table.title), used))
        sheet.write_string(0, 0, neutralise(_heading(table, area_label)), bold)
        if table.suppressed:
            sheet.write_string(
                1, 0, neutralise(_("Figures from 1 to 4, and some others, are hidden to protect children."))
            )
        for r, line in enumerate(table_grid(table), start=3):
            for c, value in enumerate(line):
                fmt = head if r == 3 or c == 0 else cell
                if isinstance(value, int):
                    sheet.write_number(r, c, value, fmt)
                else:
                    sheet.write_string(r, c, neutralise(value), fmt)
        sheet.set_column(0, 0, 38)
        sheet.set_column(1, len(table.columns) + 1, 9)
        sheet.freeze_panes(4, 1)
    book.close()
    return out.getvalue()


def caseload_tables(
    user: User,
    *,
    period: Period,
    bands: str,
    area: Any,
    office: Any = None,
    dimensions: Iterable[str] = TABLE_DIMENSIONS,
) -> list[CaseloadTable]:
    return queries.caseload_tables(user, period=period, rows=list(dimensions), bands=bands, area=area, org_unit=office)


def caseload_file(user: User, params: dict[str, Any]) -> tuple[str, str, bytes]:
    """(filename, content type, content) of a caseload export for ``user`` (scope checked)."""
    if not (scope.has_perm(user, P.REPORT_EXPORT) and scope.has_perm(user, P.REPORT_VIEW_AGGREGATE)):
        raise PermissionDenied
    period, area, bands, fmt = parse_params(user, params)
    office = queries.org_unit_from_id(user, params.get("office") or None)
    area_label = area.display_name if area else str(_("Kenya") if not _limited(user) else _("Everything I can see"))
    if office is not None:
        area_label = f"{area_label} — {office.name}"
    tables = caseload_tables(user, period=period, bands=bands, area=area, office=office)
    stem = f"caseload_{period.code.replace('/', '-')}_{area.key if area else 'all'}_{bands}"
    if fmt == "csv":
        return f"{stem}.csv", CSV, caseload_csv(tables, area_label)
    return f"{stem}.xlsx", XLSX, caseload_xlsx(tables, area_label)


def _limited(user: User) -> bool:
    return not any(g.scope == "national" for g in scope.grants_for(user).with_perm(P.REPORT_VIEW_AGGREGATE))


def parse_params(user: User, params: dict[str, Any]) -> tuple[Period, Any, str, str]:
    """Period, area, bands and format from export parameters; ValidationError if bad, 404 for an
    area outside the user's scope."""
    try:
        period = Period.parse(str(params.get("period") or ""))
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from None
    bands = params.get("bands") or ages.DCS
    if bands not in ages.SCHEMES:
        raise ValidationError({"bands": [_("Choose DCS or KNBS age bands.")]})
    fmt = params.get("format") or "xlsx"
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Choose Excel or CSV.")]})
    area = queries.area_from_key(user, params.get("area") or None)
    return period, area, bands, fmt


# --- case lists ------------------------------------------------------------------------------------


def case_header() -> list[str]:
    return [
        _("Case number"),
        _("CPIMS number"),
        _("Date reported"),
        _("Status"),
        _("Office"),
        _("County"),
        _("Sub-county"),
        _("Sex"),
        _("Age when reported"),
        _("Age band (DCS)"),
        _("Case categories"),
        _("Interventions"),
        _("Closed on"),
    ]


def cases_for_export(cases: QuerySet[Any]) -> QuerySet[Any]:
    from cpims.cases.models import CaseCategory

    return (
        cases.select_related("child", "office", "county", "sub_county")
        .only(
            "case_number",
            "reported_on",
            "status",
            "closed_on",
            "child__cpims_number",
            "child__sex",
            "child__date_of_birth",
            "office__name",
            "county__name",
            "sub_county__name",
        )
        .prefetch_related(
            Prefetch(
                "categories", queryset=CaseCategory.objects.select_related("category", "intervention").order_by("id")
            )
        )
        .order_by("-reported_on", "-id")
    )


def case_row(case: Any) -> list[Any]:
    age = ages.age_on(case.child.date_of_birth, case.reported_on)
    categories = list(case.categories.all())
    return [
        case.case_number,
        case.child.cpims_number,
        case.reported_on.isoformat(),
        case.get_status_display(),
        case.office.name,
        case.county.name if case.county else "",
        case.sub_county.name if case.sub_county else "",
        str(queries.SEX_LABELS.get(case.child.sex or "unknown", "")),
        "" if age is None else age,
        ages.band_label(ages.band_of(ages.DCS, age)),
        "; ".join(c.category.label for c in categories),
        "; ".join(c.intervention.label for c in categories if c.intervention_id),
        case.closed_on.isoformat() if case.closed_on else "",
    ]


def cases_csv(cases: Iterable[Any], progress: Callable[[int], None] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in case_header()])
    for i, case in enumerate(cases, start=1):
        writer.writerow([neutralise(c) if isinstance(c, str) else c for c in case_row(case)])
        if progress and i % 500 == 0:
            progress(i)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def cases_xlsx(cases: Iterable[Any], progress: Callable[[int], None] | None = None) -> bytes:
    out = io.BytesIO()
    book = workbook(out, constant_memory=True)
    head = book.add_format({"bold": True})
    sheet = book.add_worksheet(_sheet_name(_("Cases"), set()))
    for c, title in enumerate(case_header()):
        sheet.write_string(0, c, neutralise(title), head)
    for r, case in enumerate(cases, start=1):
        for c, value in enumerate(case_row(case)):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, neutralise(value))
        if progress and r % 500 == 0:
            progress(r)
    sheet.set_column(0, 1, 22)
    sheet.set_column(2, 12, 16)
    book.close()
    return out.getvalue()


def parse_case_filters(params: dict[str, Any]) -> dict[str, Any]:
    """Drill-down filters {dimension: raw value} -> {dimension: value}; ValidationError if bad."""
    raw = params.get("filters") or {}
    if not isinstance(raw, dict):
        raise ValidationError({"filters": [_("Invalid filters.")]})
    return {name: queries.parse_filter_value(name, str(value)) for name, value in raw.items()}


def case_list_file(
    user: User, params: dict[str, Any], progress: Callable[[int, str], None] | None = None
) -> tuple[str, str, bytes]:
    """(filename, content type, content) of the cases behind a figure, for ``user``."""
    if not scope.has_perm(user, P.REPORT_EXPORT):
        raise PermissionDenied
    period, area, _bands, fmt = parse_params(user, params)
    filters = parse_case_filters(params)
    office = queries.org_unit_from_id(user, params.get("office") or None, P.REPORT_VIEW)
    cases = queries.drilldown_cases(user, period=period, area=area, org_unit=office, filters=filters)
    total = cases.count()
    if total > MAX_CASES:
        raise ValidationError(_("More than %(n)s cases: choose a shorter period or a smaller area.") % {"n": MAX_CASES})

    def step(done: int) -> None:
        if progress:
            progress(int(done * 95 / max(total, 1)), _("%(done)s of %(total)s cases") % {"done": done, "total": total})

    rows = cases_for_export(cases).iterator(chunk_size=1000)
    stem = f"cases_{period.code.replace('/', '-')}_{area.key if area else 'all'}"
    if fmt == "csv":
        return f"{stem}.csv", CSV, cases_csv(rows, step)
    return f"{stem}.xlsx", XLSX, cases_xlsx(rows, step)


# --- download kinds ------------------------------------------------------------------------------


def _build_caseload(download: Any, progress: Callable[[int, str], None]) -> tuple[str, str, bytes]:
    progress(10, _("Counting"))
    return caseload_file(download.owner, download.params)


def _build_case_list(download: Any, progress: Callable[[int, str], None]) -> tuple[str, str, bytes]:
    return case_list_file(download.owner, download.params, progress)


register_download_kind("caseload_export", _build_caseload, gettext_lazy("Caseload tables"))
register_download_kind("case_list_export", _build_case_list, gettext_lazy("Case list"))
