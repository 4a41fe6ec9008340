"""Simplify Kenya's county boundaries once, offline, into SVG paths for the dashboard map.

    .venv/bin/python manage.py simplify_county_map \
        --source ../shared/reference/kenya-cpims/static/maps/county.geojson

writes ``cpims/reporting/dashboards/data/counties.svgpaths.json`` (committed; a few tens of KB), so pages
never parse the 1.3 MB GeoJSON and never load a map library or tiles from anywhere. Pure Python:
an equirectangular projection (Kenya straddles the equator, so it barely distorts) and
Douglas–Peucker per ring.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cpims.reporting.dashboards.countymap import DATA as OUT

SCALE = 60.0  # SVG units per degree: Kenya is about 8° wide and 10° tall -> ~500 x 600
Point = tuple[float, float]


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Iterative Douglas–Peucker (no recursion limit on long coastlines)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify(geojson: dict[str, Any], tolerance: float) -> dict[str, Any]:
    features = geojson["features"]
    lons = [pt[0] for f in features for poly in f["geometry"]["coordinates"] for ring in poly for pt in ring]
    lats = [pt[1] for f in features for poly in f["geometry"]["coordinates"] for ring in poly for pt in ring]
    west, north = min(lons), max(lats)
    width = round((max(lons) - west) * SCALE, 1)
    height = round((north - min(lats)) * SCALE, 1)
    counties: dict[str, Any] = {}
    for f in features:
        code = f"{int(f['properties']['AREA_CODE']):03d}"
        parts: list[str] = []
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                pts = [((lon - west) * SCALE, (north - lat) * SCALE) for lon, lat in ring]
                simple = douglas_peucker(pts, tolerance)
                if len(simple) < 4:  # islets smaller than the tolerance vanish
                    continue
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in simple[:-1])
                parts.append(f"M{coords}Z")
        xs = [(lon - west) * SCALE for poly in f["geometry"]["coordinates"] for lon, _ in poly[0]]
        ys = [(north - lat) * SCALE for poly in f["geometry"]["coordinates"] for _, lat in poly[0]]
        counties[code] = {
            "name": f["properties"]["AREA_NAME"].title(),
            "d": "".join(parts),
            # A point for a label or marker: the centre of the outer ring's bounding box.
            "cx": round((min(xs) + max(xs)) / 2, 1),
            "cy": round((min(ys) + max(ys)) / 2, 1),
        }
    return {"width": width, "height": height, "counties": dict(sorted(counties.items()))}


class Command(BaseCommand):
    help = "Simplify county.geojson into SVG paths for the dashboard map (run once; commit the output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help="path to county.geojson (AREA_CODE = county code)")
        parser.add_argument("--tolerance", type=float, default=0.6, help="in SVG units (1 unit = 1/60 degree)")
        parser.add_argument("--out", default=str(OUT))

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["source"], encoding="utf-8") as fh:
            data = simplify(json.load(fh), options["tolerance"])
        Path(options["out"]).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        size = Path(options["out"]).stat().st_size
        self.stdout.write(f"{len(data['counties'])} counties, {size // 1024} KB -> {options['out']}")
