"""The SVG charts: accessible, escaped, CSP-safe, suppressed bars marked."""

from __future__ import annotations

from cpims.reporting.dashboards import charts
from cpims.reporting.management.commands.simplify_county_map import douglas_peucker


def test_bar_chart_is_accessible_and_escaped() -> None:
    chart = charts.bar_chart("Top <categories>", [charts.Item("<b>Neglect</b>", 12), charts.Item("Abandoned", None)])
    svg = str(chart.svg)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "<b>" not in svg and "&lt;b&gt;Neglect" in svg
    assert "style=" not in svg
    assert "dash-bar-suppressed" in svg and "&lt;5" in svg
    assert [i.text for i in chart.items] == ["12", "<5"]


def test_line_chart_breaks_at_hidden_points() -> None:
    chart = charts.line_chart(
        "Trend", [charts.Item(m, v) for m, v in (("Jan", 5), ("Feb", 7), ("Mar", None), ("Apr", 9), ("May", 10))]
    )
    svg = str(chart.svg)
    assert svg.count("<polyline") == 2
    assert "style=" not in svg


def test_empty_chart() -> None:
    chart = charts.bar_chart("Nothing", [])
    assert chart.empty and "No data" in str(chart.svg)


def test_nice_axis_top() -> None:
    assert [charts._nice_max(v) for v in (0, 1, 3, 7, 12, 180, 4999)] == [1, 1, 5, 10, 20, 200, 5000]


def test_douglas_peucker_keeps_corners_and_drops_noise() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, -0.01), (3.0, 0.0), (3.0, 3.0)]
    assert douglas_peucker(line, 0.1) == [(0.0, 0.0), (3.0, 0.0), (3.0, 3.0)]
    assert douglas_peucker(line, 0.0) == line
