"""Writing a pack as PDF (ReportLab) and as Excel (XlsxWriter).

The PDF is meant to be handed to a council: a cover with the national heading, a page of key
messages in plain words, charts read at a glance (whole-number axes, labelled, largest first; the
county map in national packs, the sub-counties in county packs), tables of the categories that
occurred, notes on definitions, and page numbers in a footer. Text is set in DejaVu Sans, vendored
in ``fonts/`` and embedded in the file, so every English and Kiswahili character prints.

The Excel file is for a data officer: a sheet about the pack (area, period, when, by whom,
definitions), then one sheet per table with a header row, frozen panes, number formats and no
merged cells. Text cells are always written as text, so a label that begins with "=" can never
become a formula.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils import formats
from django.utils.translation import gettext as _

from cpims.reporting.dashboards.packs import HIDDEN_SUM, Pack, Table
from cpims.reporting.exports import workbook

HIDDEN = "<5"
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONTS = Path(__file__).resolve().parent / "fonts"
BLUE, GREY, LIGHT = "#2f6f9f", "#5c6670", "#e8eef4"
MAP_COLOURS = {
    "dash-c0": "#f4f7fa",
    "dash-c1": "#c6dbef",
    "dash-c2": "#9ecae1",
    "dash-c3": "#6baed6",
    "dash-c4": "#3182bd",
    "dash-c5": "#08519c",
    "dash-c-none": "#ffffff",
    "dash-c-supp": "#e7e1f0",
    "dash-c-out": "#d9d9d9",
}
CHART_ROWS = 12


def _cell(value: Any) -> str:
    if value is None:
        return HIDDEN
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _date(pack: Pack) -> str:
    return formats.date_format(pack.generated_at, "j F Y")


def _kind_heading(pack: Pack) -> str:
    if pack.kind.county:
        return _("Quarterly report to the Area Advisory Council")
    if pack.kind.period_kind == "half":
        return _("Semi-annual report to the CPIMS steering committee")
    return _("Annual report to the CPIMS steering committee")


# --- PDF: fonts, styles, layout record --------------------------------------------------------


@cache
def register_fonts() -> None:
    """Register the vendored DejaVu Sans (regular and bold) with ReportLab, once."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    for bold, italic, name in ((0, 0, FONT), (1, 0, BOLD), (0, 1, FONT), (1, 1, BOLD)):
        addMapping(FONT, bold, italic, name)


def text_paragraph(text: Any, style: Any, **kwargs: Any) -> Any:
    """A paragraph of plain text: "<5", "&" and the like are printed, never read as markup."""
    from reportlab.platypus import Paragraph

    return Paragraph(xml_escape(str(text)), style, **kwargs)


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, spaceAfter=4)
    th = ParagraphStyle("th", body, fontName=BOLD, fontSize=7, leading=8.5, spaceAfter=0, splitLongWords=0)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=9.5, spaceAfter=0),
        "cell": ParagraphStyle("cell", body, fontSize=7.5, leading=9, spaceAfter=0),
        "th": th,
        "th_num": ParagraphStyle("th_num", th, alignment=TA_RIGHT),
        "th_centre": ParagraphStyle("th_centre", th, alignment=TA_CENTER),
        "note": ParagraphStyle("note", body, fontSize=8, leading=10, textColor=colors.HexColor(GREY)),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=18, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=13, leading=17, spaceBefore=4, spaceAfter=6),
        "bullet": ParagraphStyle("bullet", body, fontSize=11, leading=15, leftIndent=14, bulletIndent=2, spaceAfter=6),
        "cover_small": ParagraphStyle("cover_small", body, fontName=BOLD, fontSize=12, leading=16, alignment=TA_CENTER),
        "cover_big": ParagraphStyle("cover_big", body, fontName=BOLD, fontSize=24, leading=30, alignment=TA_CENTER),
        "cover": ParagraphStyle("cover", body, fontSize=14, leading=20, alignment=TA_CENTER),
        "cover_note": ParagraphStyle(
            "cover_note", body, fontSize=9, leading=12, alignment=TA_CENTER, textColor=colors.HexColor(GREY)
        ),
    }


@dataclass(frozen=True)
class Box:
    """Something drawn on a page (points from the bottom left), for the layout checks."""

    page: int
    x: float
    y: float
    width: float
    height: float
    what: str

    def overlaps(self, other: Box) -> bool:
        return (
            self.page == other.page
            and self.x < other.x + other.width - 0.5
            and other.x < self.x + self.width - 0.5
            and self.y < other.y + other.height - 0.5
            and other.y < self.y + self.height - 0.5
        )


@dataclass
class Layout:
    """What a PDF was laid out as: the page size, the margins and every box drawn."""

    page_width: float = 0
    page_height: float = 0
    margin: float = 0
    pages: int = 0
    boxes: list[Box] | None = None


def _frame_class(layout: Layout | None) -> Any:
    from reportlab.platypus import Frame

    class RecordingFrame(Frame):
        """A frame that notes the box of each flowable it places."""

        def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
            top = self._y
            placed = super().add(flowable, canv, trySplit)
            if placed and layout is not None and layout.boxes is not None:
                width = getattr(flowable, "_width", None) or getattr(flowable, "width", None) or self._aW
                height = top - self._y
                layout.boxes.append(
                    Box(canv.getPageNumber(), self._x, self._y, float(width), height, type(flowable).__name__)
                )
            return placed

    return RecordingFrame


def _numbered_canvas(pack: Pack, layout: Layout | None, margin: float) -> Any:
    """A canvas that draws, on every page but the cover, a footer with "page n of N"."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    footer_left = _("CPIMS Kenya · %(area)s · %(period)s · generated on %(date)s") % {
        "area": pack.target.label,
        "period": pack.period.label,
        "date": _date(pack),
    }

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = FONT  # no PDF base font anywhere in the file
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._footer(total)
                super().showPage()
            if layout is not None:
                layout.pages = total
            super().save()

        def _footer(self, total: int) -> None:
            width = self._pagesize[0]
            y = margin * 0.55
            self.setStrokeColor(colors.HexColor("#c8d2dc"))
            self.setLineWidth(0.5)
            self.line(margin, y + 10, width - margin, y + 10)
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor(GREY))
            self.drawString(margin, y, footer_left)
            number = _("Page %(n)s of %(total)s") % {"n": self._pageNumber, "total": total}
            self.drawRightString(width - margin, y, number)
            if layout is not None and layout.boxes is not None:
                layout.boxes.append(Box(self._pageNumber, margin, y - 2, width - 2 * margin, 13, "footer"))

    return NumberedCanvas


# --- PDF: charts ------------------------------------------------------------------------------


def fit(text: str, size: float, room: float, font: str = FONT) -> str:
    """``text`` cut (with "…") to fit ``room`` points wide."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_axis(peak: float) -> tuple[int, int]:
    """(top, step) of a whole-number axis that holds ``peak``: 4 or 5 round steps, at least 1."""
    peak = max(int(peak), 1)
    step = 1
    while True:
        for mult in (1, 2, 5):
            candidate = step * mult
            if peak <= candidate * 5:
                top = candidate * -(-peak // candidate)
                return top, candidate
        step *= 10


def bar_chart(title: str, items: list[tuple[str, int | None]], width: float, *, sort: bool = True) -> Any:
    """A horizontal bar chart: labelled values, a whole-number axis, largest first (unless the
    order means something, as months do). Hidden figures get an empty bar marked "<5". When
    nothing happened, a sentence says so instead of an empty chart."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    styles = _styles()
    if not any(n for _label, n in items) and not any(n is None for _label, n in items):
        nothing = _("nothing was recorded in the period.")
        return Paragraph(f"<b>{xml_escape(title)}</b>: {xml_escape(nothing)}", styles["body"])
    if sort:
        items = sorted(items, key=lambda t: (t[1] is None, -(t[1] or 0)))
    shown = items[:CHART_ROWS]
    rows = len(shown)
    row_h = 16
    label_w = min(220.0, width * 0.4)
    height = 34 + rows * row_h + 14
    drawing = Drawing(width, height, initialFontName=FONT)
    drawing.add(String(0, height - 12, fit(title, 10, width, BOLD), fontName=BOLD, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 16
    chart.width, chart.height = width - label_w - 50, rows * row_h
    peak = max((n or 0) for _label, n in shown)
    top, step = nice_axis(peak)
    ordered = list(reversed(shown))  # ReportLab draws the first category at the bottom
    chart.data = [[(n or 0) for _label, n in ordered]]
    chart.categoryAxis.categoryNames = [fit(label, 8, label_w - 10) for label, _n in ordered]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dde3e9")
    chart.bars[0].fillColor = colors.HexColor(BLUE)
    chart.bars[0].strokeColor = None
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabelArray = [[_cell(n) for _label, n in ordered]]
    chart.barLabelFormat = "values"
    drawing.add(chart)
    return drawing


def _map_paths(d: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path of the kind ``simplify_county_map`` writes ("M x,y x,y … Z")."""
    rings = []
    for part in re.split(r"[Mm]", d):
        part = part.strip().rstrip("Zz").strip()
        if not part:
            continue
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", part)]
        rings.append(list(zip(numbers[0::2], numbers[1::2], strict=False)))
    return rings


def county_map_drawing(the_map: Any, width: float, height: float) -> Any:
    """The county map (cases reported) as vector shapes, with its legend to the right."""
    from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
    from reportlab.lib import colors

    drawing = Drawing(width, height, initialFontName=FONT)
    drawing.add(String(0, height - 12, _("Cases reported, by county"), fontName=BOLD, fontSize=10))
    map_h = height - 24
    scale = min(map_h / the_map.height, (width * 0.55) / the_map.width)
    for county in the_map.counties:
        colour = colors.HexColor(MAP_COLOURS.get(county.css, "#d9d9d9"))
        for ring in _map_paths(county.d):
            points: list[float] = []
            for x, y in ring:
                points += [x * scale, map_h - y * scale]
            drawing.add(Polygon(points, fillColor=colour, strokeColor=colors.HexColor("#7d8a97"), strokeWidth=0.3))
    left = the_map.width * scale + 20
    y = map_h - 20
    for css, label in the_map.legend:
        drawing.add(
            Rect(left, y, 12, 10, fillColor=colors.HexColor(MAP_COLOURS.get(css, "#d9d9d9")), strokeColor=colors.grey)
        )
        drawing.add(String(left + 18, y + 1.5, str(label), fontName=FONT, fontSize=8))
        y -= 16
    return drawing


# --- PDF: tables and pages --------------------------------------------------------------------


def _header_rows(t: Table, styles: dict[str, Any]) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    """The header: one row of column labels, or (caseload tables) the sexes over the age bands."""

    def cell(text: str, n: int) -> Any:
        return text_paragraph(str(text), styles["th"] if n == 0 else styles["th_num"])

    if not t.groups:
        return [[cell(h, n) for n, h in enumerate(t.header)]], []
    top: list[Any] = [""]
    spans: list[tuple[Any, ...]] = []
    col = 1
    for label, span in t.groups:
        top += [text_paragraph(str(label), styles["th_centre"])] + [""] * (span - 1)
        spans.append(("SPAN", (col, 0), (col + span - 1, 0)))
        spans.append(("LINEBELOW", (col, 0), (col + span - 1, 0), 0.5, "#8a96a3"))
        col += span
    top += [""] * (len(t.header) - col)
    return [top, [cell(h, n) for n, h in enumerate(t.short_header)]], spans


def _pdf_table(t: Table, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    styles = _styles()
    head: list[Any] = [text_paragraph(t.title, styles["h2"])]
    if t.empty:
        return [KeepTogether([*head, text_paragraph(t.empty, styles["body"])]), Spacer(1, 10)]
    data, spans = _header_rows(t, styles)
    n_head = len(data)
    for row in t.rows:
        data.append([text_paragraph(_cell(row[0]), styles["cell"])] + [_cell(v) for v in row[1:]])
    n = len(t.header)
    first = min(150.0, width * 0.25) if n > 3 else width * 0.4
    rest = min((width - first) / max(n - 1, 1), 110.0)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LINEBELOW", (0, n_head - 1), (-1, -1), 0.25, colors.HexColor("#c8d2dc")),
        ("BACKGROUND", (0, 0), (-1, n_head - 1), colors.HexColor(LIGHT)),
        ("ALIGN", (1, n_head), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *spans,
    ]
    if t.total_row:
        commands += [("FONTNAME", (1, -1), (-1, -1), BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]
    table = RLTable(data, colWidths=[first] + [rest] * (n - 1), repeatRows=n_head, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    if len(t.rows) <= 18:
        out: list[Any] = [KeepTogether([*head, table])]
    else:
        out = [*head, table]
    if t.note:
        out.append(text_paragraph(t.note, styles["note"]))
    out.append(Spacer(1, 10))
    return out


def _cover(pack: Pack, styles: dict[str, Any], height: float) -> list[Any]:
    from reportlab.platypus import HRFlowable, PageBreak, Spacer

    lines: list[Any] = [
        Spacer(1, height * 0.12),
        text_paragraph(_("REPUBLIC OF KENYA"), styles["cover_small"]),
        Spacer(1, 4),
        text_paragraph(_("Directorate of Children Services"), styles["cover_small"]),
        Spacer(1, 14),
        HRFlowable(width="60%", thickness=1.2, color=BLUE),
        Spacer(1, 24),
        text_paragraph(_kind_heading(pack), styles["cover_big"]),
        Spacer(1, 18),
        text_paragraph(pack.target.label, styles["cover"]),
        text_paragraph(pack.period.label, styles["cover"]),
        Spacer(1, 18),
        text_paragraph(_("Prepared on %(date)s from CPIMS Kenya") % {"date": _date(pack)}, styles["cover_note"]),
    ]
    if pack.suppressed:
        lines.append(text_paragraph(_("Figures under 5 are hidden (<5)."), styles["cover_note"]))
    lines.append(PageBreak())
    return lines


def _summary(pack: Pack, styles: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import PageBreak, Spacer

    out: list[Any] = [text_paragraph(_("Key messages"), styles["h1"])]
    out += [text_paragraph(line, styles["bullet"], bulletText="•") for line in pack.narrative]
    out.append(Spacer(1, 8))
    out += _pdf_table(pack.headline, width)
    out.append(PageBreak())
    return out


def _charts(pack: Pack, styles: dict[str, Any], width: float, height: float) -> list[Any]:
    """Two pages of charts: the period against the others and the top categories; then the months
    and the areas (the county map and the busiest counties, or the sub-counties)."""
    from reportlab.platypus import CondPageBreak, PageBreak, Spacer
    from reportlab.platypus import Table as RLTable

    out: list[Any] = [text_paragraph(_("Charts"), styles["h1"])]
    compare = _("Cases reported: this period, the one before and a year before")
    out += [bar_chart(compare, pack.compare, width, sort=False), Spacer(1, 14)]
    out += [bar_chart(_("The most reported case categories"), pack.top_categories, width), PageBreak()]
    if len(pack.trend) > 1:
        out += [bar_chart(_("Cases reported per month"), pack.trend, width, sort=False), Spacer(1, 14)]
    areas = [(label, n) for label, n in pack.by_area if n != 0]
    if pack.county_map is not None:
        out.append(CondPageBreak(height * 0.75))
        map_w = min(width * 0.58, 470.0)
        side = width - map_w - 10
        busiest = bar_chart(_("The counties with the most cases"), areas, side)
        grid = RLTable([[county_map_drawing(pack.county_map, map_w, height * 0.72), busiest]], colWidths=[map_w, side])
        grid.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ]
        )
        out.append(grid)
    else:
        out.append(bar_chart(_("Cases reported by sub-county"), areas, width))
    out.append(PageBreak())
    return out


def pdf(pack: Pack, layout: Layout | None = None) -> bytes:
    """The pack as a PDF (A4 landscape). ``layout``, when given, receives every box drawn."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, PageTemplate

    register_fonts()
    buffer = io.BytesIO()
    page = landscape(A4)
    margin = 15 * mm
    doc = BaseDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=pack.title,
        author=_("Directorate of Children Services, Kenya"),
        subject=pack.period.label,
        lang=pack.language,
        initialFontName=FONT,
    )
    frame = _frame_class(layout)(margin, margin, page[0] - 2 * margin, page[1] - 2 * margin, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    if layout is not None:
        layout.page_width, layout.page_height, layout.margin, layout.boxes = page[0], page[1], margin, []
    width, height = frame._aW, frame._aH
    styles = _styles()
    story: list[Any] = _cover(pack, styles, height)
    story += _summary(pack, styles, width)
    story += _charts(pack, styles, width, height)
    story.append(text_paragraph(_("Tables"), styles["h1"]))
    for t in pack.tables:
        story += _pdf_table(t, width)
    story.append(text_paragraph(_("Notes on definitions"), styles["h2"]))
    story += [text_paragraph(line, styles["bullet"], bulletText="•") for line in pack.definitions]
    doc.build(story, canvasmaker=_numbered_canvas(pack, layout, margin))
    return buffer.getvalue()


# --- Excel ------------------------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    name = title
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    name = name.strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _write_value(ws: Any, row: int, col: int, v: Any, fmt: dict[str, Any], bold: bool = False) -> None:
    if isinstance(v, bool) or v is None or not isinstance(v, int | float):
        text = HIDDEN if v is None else str(v)
        ws.write_string(row, col, text, fmt["hidden_b" if bold else "hidden"] if v is None or v == HIDDEN_SUM else None)
    elif isinstance(v, float):
        ws.write_number(row, col, v, fmt["pct_b" if bold else "pct"])
    else:
        ws.write_number(row, col, v, fmt["int_b" if bold else "int"])


def _table_sheet(wb: Any, used: set[str], t: Table, fmt: dict[str, Any]) -> Any:
    """One table on its own sheet: the header in row 1 (frozen, with filters), the data below,
    the note two rows under the data."""
    ws = wb.add_worksheet(_sheet_name(t.sheet or t.title, used))
    ws.set_column(0, 0, 42)
    ws.set_column(1, max(len(t.header) - 1, 1), 13)
    ws.set_row(0, 42)
    for col, h in enumerate(t.header):
        ws.write_string(0, col, str(h), fmt["th"])
    for r, values in enumerate(t.rows, start=1):
        bold = t.total_row and r == len(t.rows)
        ws.write_string(r, 0, str(values[0]), fmt["label_b"] if bold else None)
        for col, v in enumerate(values[1:], start=1):
            _write_value(ws, r, col, v, fmt, bold)
    ws.freeze_panes(1, 1)
    if t.rows:
        ws.autofilter(0, 0, len(t.rows), len(t.header) - 1)
    after = len(t.rows) + 2
    ws.write_string(after, 0, t.title, fmt["note"])
    if t.note:
        ws.write_string(after + 1, 0, t.note, fmt["note"])
    return ws


def _about_sheet(wb: Any, used: set[str], pack: Pack, fmt: dict[str, Any]) -> None:
    ws = wb.add_worksheet(_sheet_name(_("About this pack"), used))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, _("Field"), fmt["th"])
    ws.write_string(0, 1, _("Value"), fmt["th"])
    rows = [
        (_("Pack"), str(pack.kind.label)),
        (_("Title"), pack.title),
        (_("Area"), pack.target.label),
        (_("Period"), pack.period.label),
        (_("Period code"), pack.period.code),
        (_("From"), pack.period.start.isoformat()),
        (_("To"), pack.period.end.isoformat()),
        (_("Generated on"), pack.generated_at.strftime("%Y-%m-%d %H:%M")),
        (_("Generated by"), pack.generated_by),
        (_("Source"), _("CPIMS Kenya, Directorate of Children Services")),
        (
            _("Figures"),
            _("Counts from 1 to 4 hidden (<5)") if pack.suppressed else _("Exact, including counts under 5"),
        ),
    ]
    rows += [(_("Definition"), line) for line in pack.definitions]
    for r, (key, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, key, fmt["label_b"])
        ws.write_string(r, 1, value, fmt["wrap"])
    ws.freeze_panes(1, 0)


def xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    wb = workbook(buffer)
    wb.set_properties({"title": pack.title, "author": pack.generated_by, "company": "CPIMS Kenya"})
    fmt = {
        "th": wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "label_b": wb.add_format({"bold": True, "valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "int_b": wb.add_format({"num_format": "#,##0", "bold": True}),
        "pct": wb.add_format({"num_format": "0.0"}),
        "pct_b": wb.add_format({"num_format": "0.0", "bold": True}),
        "hidden": wb.add_format({"align": "right", "font_color": "#555555"}),
        "hidden_b": wb.add_format({"align": "right", "bold": True}),
    }
    used: set[str] = set()
    _about_sheet(wb, used, pack, fmt)

    summary = wb.add_worksheet(_sheet_name(_("Summary"), used))
    summary.set_column(0, 0, 120)
    summary.write_string(0, 0, pack.title, fmt["label_b"])
    summary.write_string(1, 0, _("Key messages"), fmt["th"])
    for r, line in enumerate(pack.narrative, start=2):
        summary.write_string(r, 0, line, fmt["wrap"])

    _table_sheet(wb, used, pack.headline, fmt)

    cats = wb.add_worksheet(_sheet_name(_("Top categories"), used))
    cats.set_column(0, 0, 42)
    cats.write_string(0, 0, _("Case category"), fmt["th"])
    cats.write_string(0, 1, _("Cases"), fmt["th"])
    for n, (label, value) in enumerate(pack.top_categories, start=1):
        cats.write_string(n, 0, label)
        _write_value(cats, n, 1, value, fmt)
    cats.freeze_panes(1, 0)
    if pack.top_categories:
        chart = wb.add_chart({"type": "bar"})
        last = len(pack.top_categories)
        chart.add_series(
            {
                "categories": [cats.name, 1, 0, last, 0],
                "values": [cats.name, 1, 1, last, 1],
                "name": _("Cases"),
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": _("The most reported case categories")})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis(
            {
                "min": 0,
                "num_format": "#,##0",
                "major_unit": nice_axis(max((v or 0) for _l, v in pack.top_categories))[1],
            }
        )
        cats.insert_chart(1, 3, chart)

    for t in pack.tables:
        _table_sheet(wb, used, t, fmt)
    wb.close()
    return buffer.getvalue()
