"""Writing a pack as PDF (ReportLab, bar charts drawn with reportlab.graphics) and as Excel
(XlsxWriter, with a native bar chart). Text cells are always written as text, so a label that
begins with "=" can never become a formula."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from cpims.reporting.dashboards.packs import Pack, Table
from cpims.reporting.exports import workbook

HIDDEN = "<5"


def _cell(value: Any) -> str:
    if value is None:
        return HIDDEN
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# --- PDF --------------------------------------------------------------------------------------


def _bar_drawing(title: str, items: list[tuple[str, int | None]], width: float) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    rows = max(len(items), 1)
    height = 30 + rows * 18
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=9))
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 8
    chart.width, chart.height = width - 190, rows * 18
    labels = [label if len(label) <= 32 else label[:31] + "…" for label, _n in reversed(items)] or [_("No data")]
    chart.data = [[(n or 0) for _label, n in reversed(items)] or [0]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2f6f9f")
    chart.barLabelFormat = lambda v: ""  # values are in the table beside it
    drawing.add(chart)
    return drawing


def _pdf_table(t: Table, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    data = [[Paragraph(str(h), small) for h in t.header]]
    for row in t.rows:
        data.append([Paragraph(_cell(row[0]), small)] + [_cell(v) for v in row[1:]])
    n = len(t.header)
    first = min(150.0, width * 0.3) if n > 3 else width * 0.45
    rest = (width - first) / max(n - 1, 1)
    table = RLTable(data, colWidths=[first] + [rest] * (n - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    out: list[Any] = [Paragraph(t.title, styles["Heading3"]), table]
    if t.note:
        out.append(Paragraph(t.note, small))
    out.append(Spacer(1, 8))
    return out


def pdf(pack: Pack) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=pack.title,
        author=_("Department of Children Services, Kenya"),
    )
    width = page[0] - 24 * mm
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(pack.title, styles["Title"]),
        Paragraph(
            _("Generated on %(date)s from CPIMS Kenya.") % {"date": pack.generated_at.strftime("%Y-%m-%d %H:%M")},
            styles["Normal"],
        ),
        Spacer(1, 6),
        Paragraph(_("Summary"), styles["Heading2"]),
    ]
    story += [Paragraph(line, styles["BodyText"]) for line in pack.narrative]
    story.append(Spacer(1, 6))
    story += _pdf_table(pack.headline, width)
    story.append(_bar_drawing(_("Top case categories"), pack.top_categories, width))
    if len(pack.trend) > 1:
        story.append(_bar_drawing(_("Cases reported per month"), pack.trend, width))
    for t in pack.tables:
        story += _pdf_table(t, width)
    doc.build(story)
    return buffer.getvalue()


# --- Excel ------------------------------------------------------------------------------------


def _write_table(ws: Any, row: int, t: Table, fmt: dict[str, Any]) -> int:
    ws.write_string(row, 0, t.title, fmt["h"])
    row += 1
    for col, h in enumerate(t.header):
        ws.write_string(row, col, str(h), fmt["th"])
    row += 1
    for values in t.rows:
        for col, v in enumerate(values):
            if isinstance(v, bool) or v is None or not isinstance(v, int | float):
                ws.write_string(row, col, HIDDEN if v is None else str(v))
            else:
                ws.write_number(row, col, v)
        row += 1
    if t.note:
        ws.write_string(row, 0, t.note, fmt["note"])
        row += 1
    return row + 1


def xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    wb = workbook(buffer)
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "h": wb.add_format({"bold": True, "font_size": 11}),
        "th": wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
    summary = wb.add_worksheet(_("Summary")[:31])
    summary.set_column(0, 0, 48)
    summary.set_column(1, 3, 24)
    summary.write_string(0, 0, pack.title, fmt["title"])
    summary.write_string(
        1, 0, _("Generated on %(date)s from CPIMS Kenya.") % {"date": pack.generated_at.strftime("%Y-%m-%d %H:%M")}
    )
    row = 3
    summary.write_string(row, 0, _("Summary"), fmt["h"])
    row += 1
    for line in pack.narrative:
        summary.write_string(row, 0, line)
        row += 1
    row = _write_table(summary, row + 1, pack.headline, fmt)

    cats = wb.add_worksheet(_("Top categories")[:31])
    cats.set_column(0, 0, 40)
    cats.write_string(0, 0, _("Category"), fmt["th"])
    cats.write_string(0, 1, _("Cases"), fmt["th"])
    for n, (label, value) in enumerate(pack.top_categories, start=1):
        cats.write_string(n, 0, label)
        if value is None:
            cats.write_string(n, 1, HIDDEN)
        else:
            cats.write_number(n, 1, value)
    if pack.top_categories:
        chart = wb.add_chart({"type": "bar"})
        last = len(pack.top_categories)
        chart.add_series(
            {"categories": [cats.name, 1, 0, last, 0], "values": [cats.name, 1, 1, last, 1], "name": _("Cases")}
        )
        chart.set_title({"name": _("Top case categories")})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        cats.insert_chart(1, 3, chart)

    for index, t in enumerate(pack.tables, start=1):
        name = f"{index} {t.title}"[:31]
        for ch in "[]:*?/\\":
            name = name.replace(ch, " ")
        ws = wb.add_worksheet(name)
        ws.set_column(0, 0, 36)
        ws.set_column(1, len(t.header), 11)
        _write_table(ws, 0, t, fmt)
    wb.close()
    return buffer.getvalue()
