"""The monthly return page shows the caseload tool's imported paper rows (category × sex × age
band), in English and Kiswahili; the figures shown equal an independent count of the file's rows."""

from __future__ import annotations

import random
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from cpims.core import ages
from cpims.core.models import Code
from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx
from cpims.imports.tests.test_caseload_import import HEADERS, _row
from cpims.returns.models import MonthlyReturn

pytestmark = pytest.mark.django_db
DCS_BANDS = {"1": "0-5", "2": "6-10", "3": "11-15", "4": "16-18"}


class _Table(HTMLParser):
    """Cells of the table with the given id: {category code: [cell texts]}."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.code = table_id, False, ""
        self.cell: str | None = None
        self.rows: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr" and a.get("data-code"):
            self.code = a["data-code"] or ""
            self.rows[self.code] = []
        elif self.inside and self.code and tag == "td":
            self.cell = ""

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[self.code].append(self.cell.strip())
            self.cell = None
        elif tag == "tr":
            self.code = ""
        elif tag == "table":
            self.inside = False


def _shown(html: str) -> dict[str, list[str]]:
    parser = _Table("paper-categories")
    parser.feed(html)
    return parser.rows


def _imported_return(cast: Any) -> tuple[MonthlyReturn, list[list[str]]]:
    categories = list(Code.objects.filter(code_list__name="case_category_id").values_list("code", flat=True)[:3])
    intervention = Code.objects.filter(code_list__name="intervention_id").values_list("code", flat=True).first()
    assert len(categories) == 3 and intervention
    pick = random.Random(14)
    rows = [
        _row(
            (pick.choice(categories), intervention),
            case_number=str(700 + i),
            sex=pick.choice(["male", "female"]),
            age_band=pick.choice(list(DCS_BANDS)),
        )
        for i in range(40)
    ]
    batch, report = actions.import_upload(actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, rows))
    assert report.is_clean, report.results
    assert actions.import_run(actor=cast.nairobi_officer, batch=batch).committed
    return MonthlyReturn.objects.get(org_unit=cast.westlands_office), rows


def test_shown_figures_equal_an_independent_count_of_the_rows(cast: Any, client: Any, login: Any) -> None:
    ret, rows = _imported_return(cast)
    col = {h: i for i, h in enumerate(HEADERS)}
    counted = Counter((r[col["case_category"]], r[col["sex"]], DCS_BANDS[r[col["age_band"]]]) for r in rows)
    page = login(client, cast.nairobi_officer).get(reverse("returns:detail", kwargs={"public_id": ret.public_id}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Paper register rows (DCS caseload tool)" in html
    shown = _shown(html)
    assert set(shown) == {c for c, _s, _b in counted}
    for code, cells in shown.items():
        bands = ages.band_keys(ages.DCS)
        expected = [counted.get((code, sex, band), 0) for band in bands for sex in ("male", "female")]
        assert [int(v or 0) for v in cells[:-1]] == expected
        assert int(cells[-1]) == sum(n for (c, _s, _b), n in counted.items() if c == code)
    assert sum(int(cells[-1]) for cells in shown.values()) == len(rows)


def test_kiswahili_page_shows_the_rows(cast: Any, client: Any, login: Any) -> None:
    ret, rows = _imported_return(cast)
    reader = login(client, cast.nairobi_coordinator)
    client.post(reverse("set_language"), {"language": "sw", "next": "/"})
    html = reader.get(reverse("returns:detail", kwargs={"public_id": ret.public_id})).content.decode()
    assert "Paper register rows" not in html and "zana ya Excel ya DCS" in html
    assert sum(int(cells[-1]) for cells in _shown(html).values()) == len(rows)


def test_other_county_cannot_see_the_rows(cast: Any, client: Any, login: Any) -> None:
    ret, _rows = _imported_return(cast)
    page = login(client, cast.turkana_coordinator).get(reverse("returns:detail", kwargs={"public_id": ret.public_id}))
    assert page.status_code == 404


def test_no_rows_no_table(cast: Any, client: Any, login: Any) -> None:
    from cpims.returns.tests.conftest import opened

    ret = opened(cast)
    html = login(client, cast.nairobi_officer).get(reverse("returns:detail", kwargs={"public_id": ret.public_id}))
    assert 'id="paper-categories"' not in html.content.decode()
