"""Server-side SVG charts: light on a 3G phone, printable, and allowed by the strict CSP.

No script and no style attribute: every colour comes from classes in
``static/dashboards/dashboards.css``. Each chart carries a ``<title>`` and ``<desc>`` for screen
readers, and the template shows the same figures as a table (the text alternative). A value of
``None`` is a suppressed figure (fewer than 5, hidden from aggregate-only viewers) and is drawn
as an empty bar marked "<5".
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SUPPRESSED = "<5"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Item:
    label: str
    value: float | None  # None = suppressed
    url: str = ""
    display: str = ""  # text shown instead of the number (e.g. "83%")
    axis: str = ""  # a short label for a time axis ("Oct 26")

    @property
    def text(self) -> str:
        if self.value is None:
            return SUPPRESSED
        return self.display or f"{self.value:,.0f}"


@dataclass
class Chart:
    title: str
    items: list[Item]
    svg: SafeString
    kind: str
    value_header: str = ""
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(i.value for i in self.items)


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above ``value`` (a round top for the axis)."""
    if value <= 1:
        return 1
    magnitude = 1.0
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _open(title: str, desc: str, width: int, height: int, css: str) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart{n}-t", f"chart{n}-d"
    head = (
        f'<svg class="dash-chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _describe(items: Sequence[Item]) -> str:
    return "; ".join(f"{i.label}: {i.text}" for i in items) or _("No data")


def bar_chart(title: str, items: Sequence[Item], *, value_header: str = "", max_value: float | None = None) -> Chart:
    """Horizontal bars, one row per item, labels above the bars (readable on a narrow phone)."""
    width, row, top = 320, 34, 4
    height = top + row * max(len(items), 1) + 4
    head, tail = _open(title, _describe(items), width, height, "dash-bars")
    peak = max_value or _nice_max(max((i.value or 0) for i in items) if items else 0)
    parts = [head]
    if not items:
        parts.append(f'<text class="dash-label" x="0" y="20">{escape(_("No data"))}</text>')
    for n, item in enumerate(items):
        y = top + n * row
        bar_w = 0.0 if not item.value else max(2.0, (width - 60) * item.value / peak)
        label = escape(item.label if len(item.label) <= 48 else item.label[:47] + "…")
        row_svg = (
            f'<text class="dash-label" x="0" y="{y + 11}">{label}</text>'
            f'<rect class="dash-track" x="0" y="{y + 15}" width="{width - 60}" height="12"></rect>'
        )
        if item.value is None:
            row_svg += f'<rect class="dash-bar-suppressed" x="0" y="{y + 15}" width="{width - 60}" height="12"></rect>'
        else:
            row_svg += f'<rect class="dash-bar" x="0" y="{y + 15}" width="{bar_w:.1f}" height="12"></rect>'
        row_svg += f'<text class="dash-value" x="{width - 55}" y="{y + 26}">{escape(item.text)}</text>'
        if item.url:
            row_svg = f'<a href="{escape(item.url)}">{row_svg}</a>'
        parts.append(row_svg)
    parts.append(tail)
    return Chart(title, list(items), mark_safe("".join(parts)), "bars", value_header)


def line_chart(title: str, items: Sequence[Item], *, value_header: str = "") -> Chart:
    """A line over time (months); suppressed or missing points break the line."""
    width, height, left, bottom, top = 320, 150, 34, 24, 10
    head, tail = _open(title, _describe(items), width, height, "dash-line-chart")
    peak = _nice_max(max((i.value or 0) for i in items) if items else 0)
    plot_w, plot_h = width - left - 6, height - top - bottom
    parts = [head]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line class="dash-grid" x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}"></line>')
        parts.append(f'<text class="dash-axis" x="{left - 4}" y="{y + 4:.1f}">{peak * frac:,.0f}</text>')
    step = plot_w / max(len(items) - 1, 1)
    segments: list[list[tuple[float, float]]] = [[]]
    for n, item in enumerate(items):
        x = left + n * step
        if item.value is None:
            segments.append([])
            continue
        y = top + plot_h * (1 - item.value / peak)
        segments[-1].append((x, y))
        parts.append(f'<circle class="dash-point" cx="{x:.1f}" cy="{y:.1f}" r="2.5"></circle>')
    for seg in segments:
        if len(seg) > 1:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            parts.append(f'<polyline class="dash-line" points="{pts}"></polyline>')
    every = max(1, (len(items) + 3) // 4)
    for n, item in enumerate(items):
        if (len(items) - 1 - n) % every == 0:  # count back from the latest month, always labelled
            x = left + n * step
            label = escape(item.axis or item.label)
            parts.append(f'<text class="dash-axis dash-axis-x" x="{x:.1f}" y="{height - 6}">{label}</text>')
    parts.append(tail)
    return Chart(title, list(items), mark_safe("".join(parts)), "line", value_header)
