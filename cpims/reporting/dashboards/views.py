"""Dashboard, map and pack pages. Thin: resolve the target and period, call a query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.reporting.dashboards import charts, countymap
from cpims.reporting.dashboards import packs as pack_queries
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.dashboards.forms import PackForm

CHART_ROWS = 10  # longer lists are charted in part; the table below the chart has them all


def _render_dashboard(request: AuthenticatedRequest, target: Q.Target) -> HttpResponse:
    period = Q.parse_period(request.GET.get("period"))
    board = Q.dashboard(request.user, target, period)
    context: dict[str, Any] = {
        "board": board,
        "period": period,
        "period_groups": Q.period_choices(period),
        # The current period compared with a whole one reads as a fall: say it is not over.
        "period_open": period.end >= timezone.localdate(),
        "charts": _charts(board),
        "cases_url": _drill(board),
        "can_see_national": Q.can_see_national(request.user),
        "can_pack": scope.has_perm(request.user, P.REPORT_VIEW_AGGREGATE),
    }
    if target.level == Q.NATIONAL:
        context["map"] = countymap.county_map(request.user, period, countymap.CASES)
    return render(request, "dashboards/dashboard.html", context)


def _drill(board: Q.Dashboard, **filters: Any) -> str:
    """A link to the cases behind a figure (reporting's drill-down), for those who may open them."""
    if not board.can_drill:
        return ""
    query = {"period": board.period.code, **({"area": board.target.key} if board.target.area else {}), **filters}
    return f"{reverse('reporting:drilldown')}?{urlencode(query)}"


def _charts(board: Q.Dashboard) -> dict[str, charts.Chart]:
    p = board.period
    cases_header = _("Cases")
    out = {
        "compare": charts.bar_chart(
            _("Cases reported: this period, the previous one and a year before"),
            [
                charts.Item(p.label, board.cases.value),
                charts.Item(p.previous().label, board.cases_previous.value),
                charts.Item(p.same_last_year().label, board.cases_last_year.value),
            ],
            value_header=cases_header,
        ),
        "trend": charts.line_chart(
            _("Cases reported per month"),
            [charts.Item(m.label, v, axis=date_format(m.start, "M y")) for m, v in board.trend],
            value_header=cases_header,
        ),
        "categories": charts.bar_chart(
            _("Top case categories"),
            [
                charts.Item(label, n, url=_drill(board, category=cid) if cid else "")
                for label, n, cid in board.top_categories
            ],
            value_header=_("Case categories"),
        ),
        "status": charts.bar_chart(
            _("Cases reported in the period: open and closed"),
            [
                charts.Item(board.open_cases.label, board.open_cases.value),
                charts.Item(board.closed_cases.label, board.closed_cases.value),
            ],
            value_header=cases_header,
        ),
    }
    if board.by_area:
        out["areas"] = charts.bar_chart(
            _("Cases reported by county") if board.target.level == Q.NATIONAL else _("Cases reported by sub-county"),
            [
                charts.Item(
                    a.name,
                    v,
                    url=Q.Target(Q.COUNTY if board.target.level == Q.NATIONAL else Q.SUB_COUNTY, a).url
                    + f"?period={p.code}",
                )
                for a, v in sorted(board.by_area, key=lambda t: (-(t[1] or 0), t[0].name))
                if v != 0
            ],
            value_header=cases_header,
        )
    if board.completeness_rows:
        rows = board.completeness_rows
        title = _("Returns completeness")
        if len(rows) > CHART_ROWS:  # 47 counties: the chart shows the lowest, the table all
            rows = sorted(rows, key=lambda r: (r.completeness_pct is None, r.completeness_pct or 0, r.label))
            rows = rows[:CHART_ROWS]
            title = _("Returns completeness: the %(n)s lowest") % {"n": CHART_ROWS}
        out["completeness"] = charts.bar_chart(
            title,
            [charts.Item(r.label, r.completeness_pct or 0, display=f"{r.completeness_pct or 0:g}%") for r in rows],
            value_header=_("Completeness"),
            max_value=100,
        )
    return out


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own dashboard: national, their county's or their sub-county's."""
    return _render_dashboard(request, Q.default_target(request.user))


@login_required
def national(request: AuthenticatedRequest) -> HttpResponse:
    return _render_dashboard(request, Q.target_for(request.user, Q.NATIONAL))


@login_required
def area(request: AuthenticatedRequest, key: str) -> HttpResponse:
    return _render_dashboard(request, Q.target_for(request.user, key))


@login_required
def county_map(request: AuthenticatedRequest) -> HttpResponse:
    period = Q.parse_period(request.GET.get("period"))
    indicator = request.GET.get("indicator", countymap.CASES)
    the_map = countymap.county_map(request.user, period, indicator)
    return render(
        request,
        "dashboards/map.html",
        {
            "map": the_map,
            "period": period,
            "period_groups": Q.period_choices(period),
            "indicators": list(countymap.INDICATORS.items()),
        },
    )


@login_required
def packs(request: AuthenticatedRequest) -> HttpResponse:
    """Generate a report pack in the background (then follow its progress), and list mine."""
    scope.require_perm(request.user, P.REPORT_VIEW_AGGREGATE)
    form = PackForm(
        request.POST or None,
        user=request.user,
        kind=request.GET.get("kind"),
        language="sw" if (translation.get_language() or "").startswith("sw") else "en",
    )
    if request.method == "POST" and form.is_valid():
        try:
            download = pack_queries.pack_start(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied:
            form.add_error("county", _("You may generate packs only for the areas you work in."))
        else:
            messages.info(request, _("The pack is being prepared."))
            return redirect("reporting:download_detail", public_id=download.public_id)
    return render(
        request,
        "dashboards/packs.html",
        {"form": form, "downloads": pack_queries.my_packs(request.user)},
    )
