"""The packs checked by eye: the Nairobi AAC pack for the latest complete quarter and the national
annual pack, in English and Kiswahili, rendered to PDF and to PNG and checked for layout: nothing
beyond the margins, no overlapping boxes, a sensible number of pages, the cover first, and only
embedded DejaVu fonts."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from cpims.geo.models import Area
from cpims.reporting.dashboards import packs, render
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.tests.dashboards.conftest import case_on
from cpims.reporting.tests.dashboards.layout import box_problems, pages_as_png, pixel_problems

pytestmark = pytest.mark.django_db

COVER = {
    "en": ("REPUBLIC OF KENYA", "Directorate of Children Services"),
    "sw": ("JAMHURI YA KENYA", "Kurugenzi ya Huduma za Watoto"),
}


def _seed(cast: Any) -> None:
    """Cases in the latest complete quarter (which lies in the current financial year) and in the
    latest complete financial year, in Nairobi and Turkana, with a few categories."""
    quarter = packs.complete_periods(packs.AAC_QUARTERLY)[0]
    year = packs.complete_periods(packs.NATIONAL_ANNUAL)[0]
    n = 0
    for when, cats, count in (
        (quarter.start + dt.timedelta(days=20), ("CSIC",), 6),
        (quarter.start + dt.timedelta(days=40), ("CSRC", "CSIC"), 3),
        (quarter.previous().start + dt.timedelta(days=10), ("CSRC",), 4),
        (year.start + dt.timedelta(days=100), ("CSIC",), 3),
    ):
        for _i in range(count):
            case_on(cast.nairobi_officer, cast.westlands_office, when, *cats, n=n)
            n += 1
    for _i in range(5):
        case_on(cast.turkana_officer, cast.turkana_central_office, year.start + dt.timedelta(days=200), n=n)
        n += 1


def _fonts(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"].get_object() if "/FontDescriptor" in font else {}
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
    return names


def _first_page_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize(
    ("kind", "pages"),
    [(packs.AAC_QUARTERLY, (5, 12)), (packs.NATIONAL_ANNUAL, (6, 16))],
    ids=["aac-nairobi-latest-quarter", "national-annual"],
)
def test_pack_passes_the_layout_checks(cast: Any, kind: str, pages: tuple[int, int], language: str) -> None:
    _seed(cast)
    if kind == packs.AAC_QUARTERLY:
        user, target = cast.nairobi_coordinator, Q.Target(Q.COUNTY, Area.objects.get(level="county", code="047"))
    else:
        user, target = cast.national_me, Q.Target(Q.NATIONAL)
    period = packs.default_period(user, kind, target.area)
    assert period == packs.complete_periods(kind)[0]  # the latest complete one, which has data
    layout = render.Layout()
    with translation.override(language):
        pack = packs.pack_data(user, kind, target, period)
        pdf = render.pdf(pack, layout)
        heading, period_label, area_label = render._kind_heading(pack), period.label, target.label

    assert pages[0] <= layout.pages <= pages[1], layout.pages
    assert box_problems(layout) == []
    images = pages_as_png(pdf)
    assert len(images) == layout.pages
    if os.environ.get("CPIMS_PACK_PNG_DIR"):  # to look at the pages: set it to a folder
        for n, image in enumerate(pages_as_png(pdf, dpi=60), start=1):
            image.save(Path(os.environ["CPIMS_PACK_PNG_DIR"]) / f"{kind}-{language}-{n:02d}.png")
    assert pixel_problems(images) == []
    assert images[0].size[0] > images[0].size[1]  # A4 landscape

    cover = _first_page_text(pdf)
    for words in (*COVER[language], heading, period_label, area_label):
        assert words in cover, (words, cover)
    assert "Page" not in cover and "Ukurasa" not in cover  # no footer on the cover
    assert _fonts(pdf) and all("DejaVuSans" in name for name in _fonts(pdf)), _fonts(pdf)


def test_the_checks_can_fail() -> None:
    """A box beyond the right margin, two boxes on top of each other, and ink in the margin."""
    from PIL import Image

    layout = render.Layout(page_width=842, page_height=595, margin=42, pages=1)
    layout.boxes = [
        render.Box(1, 42, 300, 800, 20, "Table"),
        render.Box(1, 42, 100, 200, 50, "Paragraph"),
        render.Box(1, 42, 120, 200, 50, "Drawing"),
    ]
    problems = box_problems(layout)
    assert any("Table" in p and "margins" in p for p in problems)
    assert any("overlaps" in p for p in problems)
    page = Image.new("L", (421, 298), 255)
    page.putpixel((2, 150), 0)
    page.putpixel((200, 150), 0)
    assert pixel_problems([page]) and "outer" in pixel_problems([page])[0]
    assert pixel_problems([Image.new("L", (421, 298), 255)]) == ["page 1 is blank"]
