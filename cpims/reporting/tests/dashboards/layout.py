"""Checking a pack by eye, automatically: the boxes ReportLab drew, and the pages as pictures.

Two independent checks. ReportLab tells us every box it placed (``render.Layout``): each must lie
within the page's margins (the footer within the page) and no two on a page may overlap. Then
poppler's ``pdftoppm`` turns the pages into PNG images and we look at the pixels: the outer band
of every page must be blank paper (no text beyond the margins) and no page may be empty.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from cpims.reporting.dashboards.render import Box, Layout

TOLERANCE = 1.0  # points
BAND_MM = 6  # the outer band of the page that must stay blank
DPI = 36


def box_problems(layout: Layout) -> list[str]:
    problems: list[str] = []
    boxes = [b for b in layout.boxes or [] if b.height > 0.5]
    m, w, h = layout.margin, layout.page_width, layout.page_height
    for b in boxes:
        low = 0 if b.what == "footer" else m - TOLERANCE
        if b.x < m - TOLERANCE or b.x + b.width > w - m + TOLERANCE or b.y < low or b.y + b.height > h - m + TOLERANCE:
            problems.append(
                f"page {b.page}: {b.what} at ({b.x:.0f}, {b.y:.0f}) {b.width:.0f}×{b.height:.0f} leaves the margins"
            )
    by_page: dict[int, list[Box]] = {}
    for b in boxes:
        by_page.setdefault(b.page, []).append(b)
    for page, items in by_page.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a.overlaps(b):
                    problems.append(f"page {page}: {a.what} overlaps {b.what}")
    return problems


def pages_as_png(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """The pages as images (pdftoppm, from Debian's poppler-utils)."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is missing: apt-get install poppler-utils"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "pack.pdf"
        source.write_bytes(pdf)
        args = [exe, "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")]
        subprocess.run(args, check=True, timeout=120)  # noqa: S603 (our own file, a fixed program)
        return [Image.open(io.BytesIO(p.read_bytes())).convert("L") for p in sorted(Path(tmp).glob("page*.png"))]


def pixel_problems(images: list[Image.Image], dpi: int = DPI) -> list[str]:
    problems: list[str] = []
    band = round(BAND_MM / 25.4 * dpi)
    for n, image in enumerate(images, start=1):
        width, height = image.size
        values = image.tobytes()  # greyscale, one byte a pixel, row by row
        inked = [
            (x, y)
            for y in range(height)
            for x in range(width)
            if (x < band or x >= width - band or y < band or y >= height - band) and values[y * width + x] < 235
        ]
        if inked:
            problems.append(f"page {n}: {len(inked)} dark pixels in the outer {BAND_MM} mm, e.g. {inked[0]}")
        inner = image.crop((band, band, width - band, height - band))
        if min(inner.tobytes()) > 200:
            problems.append(f"page {n} is blank")
    return problems
