"""Caseload pages, drill-down, exports and downloads. Thin: parse, call queries/actions, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.core import files
from cpims.reporting import actions, downloads, exports, queries
from cpims.reporting.forms import KIND_LABELS, ReportForm
from cpims.reporting.tables import CaseloadTable

PAGE_SIZE = 25
HIDDEN_TITLE = gettext_lazy("Hidden to protect children (small number)")


@dataclass
class Figure:
    value: int | None  # None = hidden
    url: str = ""
    strong: bool = False

    def __str__(self) -> str:
        # Built here rather than with a template include per cell, and with plain string
        # formatting rather than format_html: a national page has thousands of cells. The value is
        # a count (int() makes sure), the link is escaped; nothing else comes from outside.
        cls = "text-end fw-semibold" if self.strong else "text-end"
        if self.value is None:
            inner = f'<span class="text-body-secondary" title="{escape(HIDDEN_TITLE)}">&lt;5</span>'
        elif self.url:
            inner = f'<a href="{escape(self.url)}">{int(self.value)}</a>'
        elif self.value:
            inner = str(int(self.value))
        else:
            inner = '<span class="text-body-tertiary">0</span>'
        return mark_safe(f'<td class="{cls}">{inner}</td>')  # the parts are escaped above

    __html__ = __str__


@dataclass
class TableView:
    table: CaseloadTable
    # (row label, the row's cells and total as one piece of HTML): joined here, not in the
    # template, which would otherwise render each of thousands of cells through its machinery.
    lines: list[tuple[str, SafeString]]
    totals: SafeString


def _cells(figures: list[Figure]) -> SafeString:
    return mark_safe("".join(str(f) for f in figures))  # each Figure escapes its own parts


def _table_view(table: CaseloadTable, base: dict[str, str], drill: bool) -> TableView:
    """Each figure with the link to the cases behind it (only for viewers who may drill down)."""
    band_dim = "dcs_band" if table.bands == "dcs" else "knbs_band"
    # The shared part of every link once; each figure adds only its own filters.
    prefix = f"{reverse('reporting:drilldown')}?{urlencode(base)}&"

    def link(value: int | None, strong: bool = False, **filters: Any) -> Figure:
        if not drill or not value:
            return Figure(value, strong=strong)
        query = "&".join(f"{k}={quote(queries.format_filter_value(v), safe='')}" for k, v in filters.items())
        return Figure(value, f"{prefix}{query}", strong)

    dim = table.dimension
    # "office" in a link means the chosen office, not a row; services are not case facts.
    drill = drill and dim not in ("office", queries.SERVICES)
    lines = []
    for row, cells, total in table.lines():
        figures = [link(v, **{dim: row.key, "sex": c.sex, band_dim: c.band}) for c, v in cells]
        lines.append((row.label, _cells([*figures, link(total, True, **{dim: row.key})])))
    totals = [link(v, True, sex=c.sex, **{band_dim: c.band}) for c, v in table.totals_line()]
    return TableView(table, lines, _cells([*totals, link(table.total, True)]))


def _bad_request(request: HttpRequest, messages_: list[str]) -> HttpResponse:
    return render(request, "reporting/bad_request.html", {"errors": messages_}, status=400)


@login_required
@require_GET
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    """Category, closure intervention and services recorded × sex × age band (the DCS caseload
    return), plus one breakdown."""
    scope.require_perm(request.user, P.REPORT_VIEW_AGGREGATE)
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "reporting/caseload.html", {"form": form, "kind_labels": KIND_LABELS}, status=400)
    d = form.cleaned_data
    period, area, bands = d["period"], d["area"], d["bands"]
    drill = queries.can_drill_down(request.user) and queries.identified_allowed(request.user)
    base = form.params()
    base.pop("kind")
    office = d.get("office")
    tables = queries.caseload_tables(
        request.user,
        period=period,
        rows=["category", "intervention", queries.SERVICES, d["breakdown"]],
        bands=bands,
        area=area,
        org_unit=office,
    )
    views = [_table_view(table, base, drill) for table in tables]
    return render(
        request,
        "reporting/caseload.html",
        {
            "form": form,
            "kind_labels": KIND_LABELS,
            "period": period,
            "area": area,
            "office": office,
            "offices": queries.offices_in(request.user, area),
            "bands": bands,
            "breakdown": d["breakdown"],
            "breakdowns": [
                (b, queries.DIMENSION_LABELS[b])
                for b in ("status", "risk_level", "reporter_type", "place_of_event", "sub_category", "month")
            ],
            "tables": views,
            "suppressed": views[0].table.suppressed,
            "drill": drill,
            "can_export": scope.has_perm(request.user, P.REPORT_EXPORT),
            "params": base,
            "query": urlencode({**base, "kind": period.kind}),
        },
    )


def _drill_params(request: AuthenticatedRequest) -> tuple[Any, Any, Any, dict[str, Any], dict[str, str]]:
    """Period, area and filters of a drill-down from the query string (ValidationError if bad)."""
    data = request.GET if request.method == "GET" else request.POST
    from cpims.core.periods import Period

    if not data.get("period"):  # no period: this financial year so far
        period = Period.containing("fy", timezone.localdate())
    else:
        try:
            period = Period.parse(data.get("period", ""))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
    area = queries.area_from_key(request.user, data.get("area") or None, P.REPORT_VIEW)
    office = queries.org_unit_from_id(request.user, data.get("office") or None, P.REPORT_VIEW)
    # "office" is the chosen office (public id), not a filter on the office dimension.
    raw = {name: data[name] for name in queries.DIMENSIONS if name in data and name != "office"}
    filters = {name: queries.parse_filter_value(name, value) for name, value in raw.items()}
    return period, area, office, filters, raw


@login_required
@require_GET
def drilldown(request: AuthenticatedRequest) -> HttpResponse:
    """The cases behind one figure (report.view + case.view, within scope; audited)."""
    if not queries.can_drill_down(request.user):
        raise PermissionDenied
    try:
        period, area, office, filters, raw = _drill_params(request)
    except ValidationError as exc:
        return _bad_request(request, exc.messages)
    cases = queries.drilldown_cases(request.user, period=period, area=area, org_unit=office, filters=filters)
    cases = (
        cases.select_related("child", "office")
        .only(
            "public_id",
            "case_number",
            "status",
            "reported_on",
            "child__first_name",
            "child__last_name",
            "child__sex",
            "office__name",
        )
        .order_by("-reported_on", "-id")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    actions.drilldown_audit(actor=request.user, period=period, area=area, filters=raw, request=request)
    labels = queries.describe_filters(filters)
    base = {"period": period.code, "area": area.key if area else "", **raw}
    if office is not None:
        base["office"] = str(office.public_id)
    return render(
        request,
        "reporting/drilldown.html",
        {
            "page": page,
            "period": period,
            "area": area,
            "office": office,
            "labels": labels,
            "base": base,
            "query": urlencode(base),
            "can_export": scope.has_perm(request.user, P.REPORT_EXPORT),
            "back": reverse("reporting:caseload")
            + "?"
            + urlencode({"kind": period.kind, "period": period.code, "area": base["area"]}),
        },
    )


def _file_response(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _caseload_export_params(request: AuthenticatedRequest) -> dict[str, str]:
    """The posted caseload export, for a user who may export figures (else 403)."""
    if not (scope.has_perm(request.user, P.REPORT_EXPORT) and scope.has_perm(request.user, P.REPORT_VIEW_AGGREGATE)):
        raise PermissionDenied
    return {k: request.POST.get(k, "") for k in ("period", "area", "office", "bands", "format")}


@login_required
@require_POST
def caseload_export(request: AuthenticatedRequest) -> HttpResponse:
    """The caseload tables of the chosen report as Excel or CSV (small: made at once; audited)."""
    params = _caseload_export_params(request)
    try:
        filename, content_type, content = exports.caseload_file(request.user, params)
    except ValidationError as exc:
        return _bad_request(request, exc.messages)
    actions.export_audit(actor=request.user, kind="caseload", params=params, request=request)
    return _file_response(filename, content_type, content)


@login_required
@require_POST
def drilldown_export(request: AuthenticatedRequest) -> HttpResponse:
    """The cases behind a figure as Excel or CSV: at once when short, else in the background."""
    if not (queries.can_drill_down(request.user) and scope.has_perm(request.user, P.REPORT_EXPORT)):
        raise PermissionDenied
    try:
        period, area, office, filters, raw = _drill_params(request)
    except ValidationError as exc:
        return _bad_request(request, exc.messages)
    fmt = request.POST.get("format") or "xlsx"
    params = {
        "period": period.code,
        "area": area.key if area else "",
        "office": str(office.public_id) if office else "",
        "format": fmt,
        "filters": raw,
    }
    count = queries.drilldown_cases(request.user, period=period, area=area, org_unit=office, filters=filters).count()
    try:
        if count > exports.DIRECT_LIMIT:
            download = downloads.download_start(
                actor=request.user, kind="case_list_export", params=params, request=request
            )
            return redirect("reporting:download_detail", public_id=download.public_id)
        filename, content_type, content = exports.case_list_file(request.user, params)
    except ValidationError as exc:
        return _bad_request(request, exc.messages)
    actions.export_audit(actor=request.user, kind="case_list", params=params, request=request, rows=count)
    return _file_response(filename, content_type, content)


@login_required
@require_POST
def caseload_export_background(request: AuthenticatedRequest) -> HttpResponse:
    """The caseload tables made in the background (for slow connections or big areas)."""
    params = _caseload_export_params(request)
    try:
        exports.parse_params(request.user, params)
        download = downloads.download_start(actor=request.user, kind="caseload_export", params=params, request=request)
    except ValidationError as exc:
        return _bad_request(request, exc.messages)
    return redirect("reporting:download_detail", public_id=download.public_id)


# --- downloads ---------------------------------------------------------------------------------------


@login_required
@require_GET
def download_list(request: AuthenticatedRequest) -> HttpResponse:
    items = list(downloads.downloads_of(request.user)[:50])
    return render(
        request, "reporting/download_list.html", {"items": [(d, downloads.kind_label(d.kind)) for d in items]}
    )


@login_required
@require_GET
def download_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Progress of one of the user's downloads; htmx polls the status part every 2 s."""
    download = downloads.download_for(request.user, public_id)
    context = {"download": download, "label": downloads.kind_label(download.kind)}
    if request.headers.get("HX-Request"):
        return render(request, "reporting/_download_status.html", context)
    return render(request, "reporting/download_detail.html", context)


@login_required
@require_GET
def download_file(request: AuthenticatedRequest, public_id: Any) -> FileResponse:
    return files.stream(downloads.download_private_file(request.user, public_id, request=request))
