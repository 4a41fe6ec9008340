"""The county map: a choropleth of Kenya's 47 counties drawn as server-side SVG.

The boundaries were simplified once, offline (``manage.py simplify_county_map``), into
``data/counties.svgpaths.json`` (about 30 KB, committed). Colours are classes (``dash-c0`` …
``dash-c5``) styled in ``static/dashboards/dashboards.css``: no style attribute, no script, nothing
from a CDN. Each county the user may open is a link to that county's dashboard; counties outside
the user's reach are grey and carry no figure.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import queries as Q

DATA = Path(__file__).resolve().parent / "data" / "counties.svgpaths.json"
CASES, COMPLETENESS, TIMELINESS = "cases", "completeness", "timeliness"
INDICATORS = {
    CASES: gettext_lazy("Cases reported"),
    COMPLETENESS: gettext_lazy("Returns completeness (%)"),
    TIMELINESS: gettext_lazy("Returns timeliness (%)"),
}
PCT_BREAKS = (50, 75, 90, 100)  # completeness classes: <50, 50–74, 75–89, 90–99, 100


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass
class CountyCell:
    code: str
    name: str
    d: str
    value: float | None  # None: suppressed (cases) or no return expected (percentages)
    css: str
    url: str
    in_scope: bool
    text: str


@dataclass
class CountyMap:
    indicator: str
    indicator_label: str
    period: Period
    width: float
    height: float
    counties: list[CountyCell]
    legend: list[tuple[str, str]]
    suppressed: bool
    available: bool = True

    @property
    def in_scope(self) -> list[CountyCell]:
        return [c for c in self.counties if c.in_scope]


def _case_classes(values: list[int]) -> tuple[list[float], list[tuple[str, str]]]:
    """Five equal steps up to the highest count, so the busiest county is always the darkest."""
    top = max(values, default=0)
    bounds = sorted({max(1, math.ceil(top * k / 5)) for k in range(1, 6)})
    legend = [("dash-c0", _("none"))]
    low = 1
    offset = 5 - len(bounds)  # few distinct bounds (small counts): use the darker classes
    for k, high in enumerate(bounds, start=1 + offset):
        legend.append((f"dash-c{k}", f"{low:,}" if low == high else f"{low:,}–{high:,}"))
        low = high + 1
    return bounds, legend


def _class_for(value: float, bounds: list[float]) -> str:
    if value <= 0:
        return "dash-c0"
    offset = 5 - len(bounds)
    for k, high in enumerate(bounds, start=1 + offset):
        if value <= high:
            return f"dash-c{k}"
    return "dash-c5"


def _pct_class(value: float | None) -> str:
    if value is None:
        return "dash-c-none"
    if value >= 100:
        return "dash-c5"
    for k, high in enumerate(PCT_BREAKS, start=1):
        if value < high:
            return f"dash-c{k}"
    return "dash-c5"


def _area_key(row: Q.CompletenessFigure, by_id: dict[int, Area], by_code: dict[str, Area]) -> Area | None:
    key = row.key
    if isinstance(key, Area):
        return key
    if isinstance(key, int) and key in by_id:
        return by_id[key]
    if isinstance(key, str):
        code = key.rsplit("-", 1)[-1]
        return by_code.get(code) or by_code.get(code.zfill(3))
    return None


def _partial_links(user: User, by_id: dict[int, Area], reach: set[str]) -> dict[str, str]:
    """A sub-county officer reaches part of a county: the county links to their sub-county."""
    partial: dict[str, str] = {}
    for g in scope.grants_for(user).with_perm(P.REPORT_VIEW_AGGREGATE):
        if g.scope == "area" and g.sub_county_id and g.county_id in by_id:
            code = by_id[g.county_id].code
            if code not in reach:
                sub = Area.objects.get(pk=g.sub_county_id)
                partial[code] = Q.Target(Q.SUB_COUNTY, sub).url
    return partial


def _case_values(
    user: User, period: Period, reach: set[str], by_code: dict[str, Area], suppressed: bool
) -> tuple[dict[str, float | None], list[float], list[tuple[str, str]]]:
    """Cases per county in reach (small ones hidden from aggregate-only viewers), class bounds, legend."""
    counts = Q.cases_by_area(user, Q.Target(Q.NATIONAL), period) if reach else {}
    codes = sorted(reach)
    shown = Q.hide_parts([counts.get(by_code[c].pk, 0) for c in codes], suppressed)
    bounds, legend = _case_classes([v for v in shown if v])
    return dict(zip(codes, shown, strict=True)), bounds, legend


def _pct_values(
    user: User,
    period: Period,
    indicator: str,
    reach: set[str],
    by_id: dict[int, Area],
    by_code: dict[str, Area],
) -> tuple[dict[str, float | None], bool]:
    """Completeness or timeliness per county in reach, and whether returns could be measured."""
    rows = Q.completeness_rows(user, Q.Target(Q.NATIONAL), period, Q.COUNTY) if reach else []
    if rows is None:
        return {}, False
    values: dict[str, float | None] = {}
    for row in rows:
        area = _area_key(row, by_id, by_code)
        if area is not None and area.code in reach:
            values[area.code] = row.completeness_pct if indicator == COMPLETENESS else row.timeliness_pct
    return values, True


def _pct_legend() -> list[tuple[str, str]]:
    return [
        ("dash-c1", _("under 50%")),
        ("dash-c2", "50–74%"),
        ("dash-c3", "75–89%"),
        ("dash-c4", "90–99%"),
        ("dash-c5", "100%"),
        ("dash-c-none", _("no return expected")),
    ]


def _colour(indicator: str, value: float | None, bounds: list[float]) -> tuple[str, str]:
    """(CSS class, text) of a county in reach."""
    if indicator == CASES:
        if value is None:
            return "dash-c-supp", "<5"
        return _class_for(value, bounds), f"{value:,.0f}"
    return _pct_class(value), _("no return expected") if value is None else f"{value:g}%"


def county_map(user: User, period: Period, indicator: str = CASES) -> CountyMap:
    """The map for ``user``: values only for counties wholly in their reach, links likewise (or, for
    a sub-county officer, to their own sub-county's dashboard)."""
    scope.require_perm(user, P.REPORT_VIEW_AGGREGATE)
    indicator = indicator if indicator in INDICATORS else CASES
    data = shapes()
    counties = list(Area.objects.filter(level=Area.Level.COUNTY))
    by_code = {a.code: a for a in counties}
    by_id = {a.pk: a for a in counties}
    targets = {a.code: Q.Target(Q.COUNTY, a) for a in counties}
    reach = {code for code, t in targets.items() if Q.covers(user, t)}
    national = Q.Target(Q.NATIONAL)
    suppressed = (
        Q.aggregate_only(user, national)
        if Q.covers(user, national)
        else any(Q.aggregate_only(user, targets[c]) for c in reach)
    )
    partial = _partial_links(user, by_id, reach)
    available = True
    bounds: list[float] = []
    if indicator == CASES:
        values, bounds, legend = _case_values(user, period, reach, by_code, suppressed)
        if suppressed:
            legend.append(("dash-c-supp", _("fewer than 5 (hidden)")))
    else:
        values, available = _pct_values(user, period, indicator, reach, by_id, by_code)
        legend = _pct_legend()
    legend.append(("dash-c-out", _("outside your area")))

    cells: list[CountyCell] = []
    for code, shape in data["counties"].items():
        area = by_code.get(code)
        name = area.name if area else shape["name"]
        in_scope = code in reach
        value = values.get(code) if in_scope else None
        css, text = _colour(indicator, value, bounds) if in_scope else ("dash-c-out", _("outside your area"))
        url = targets[code].url if in_scope and area else partial.get(code, "")
        cells.append(CountyCell(code, name, shape["d"], value, css, url, in_scope, text))
    return CountyMap(
        indicator=indicator,
        indicator_label=str(INDICATORS[indicator]),
        period=period,
        width=data["width"],
        height=data["height"],
        counties=cells,
        legend=legend,
        suppressed=suppressed,
        available=available,
    )
