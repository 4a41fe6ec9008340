"""Journey (issue 14, bulk import): the national data manager (the system administrator, who holds
data.import nationally) downloads nothing but uploads an org-unit sheet with one bad row, sees the
row's error, uploads the corrected sheet, imports it, and finds the new units in the org-unit list;
on a phone (390 px) and on a desktop (1366 px), without sideways scrolling.

Created beforehand with the ORM: the administrator. The sheets are synthetic.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import Workbook

from cpims.accounts import roles as R
from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["code", "name", "kind", "area_level", "area_code"]


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _sheet(rows: list[list[str]]) -> dict[str, Any]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "units.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}


def _no_sideways_scroll(page: Any, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: page is {scroll}px wide in a {inner}px window"


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}])
def test_data_manager_fixes_a_bad_row_and_imports(
    crew: Actors, live_server: Any, reference: None, viewport: dict[str, int]
) -> None:
    from cpims.geo.models import OrgUnit

    admin = _user("data_manager", R.SYSTEM_ADMIN, OrgUnit.objects.get(code="DCS-HQ"))
    page = crew.sign_in(admin)
    page.set_viewport_size(viewport)
    base = live_server.url
    good = ["JRN-CCI-1", "Journey Children Home", "cci", "sub_county", "274"]
    bad = ["JRN-SCH-1", "Journey School", "school", "ward", "9999"]

    page.goto(f"{base}/imports/")
    page.get_by_role("heading", name="Bulk import", exact=True).wait_for()
    page.select_option("#id_kind", "orgunits")
    page.set_input_files("#id_file", _sheet([good, bad]))
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#import-problems")
    problems.get_by_text("No ward has the code 9999.").wait_for()
    assert "area_code" in problems.locator("tbody tr").first.inner_text()
    _no_sideways_scroll(page, "dry run result")
    assert not OrgUnit.objects.filter(code__startswith="JRN-").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    bad[4] = "1366"
    page.select_option("#id_kind", "orgunits")
    page.set_input_files("#id_file", _sheet([good, bad]))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Every row is ready. Nothing has been saved yet.").wait_for()
    page.get_by_role("button", name="Import", exact=True).click()
    page.locator("#import-done").get_by_text("2 rows imported.").wait_for()
    _no_sideways_scroll(page, "import done")

    page.goto(f"{base}/org-units/?q=Journey")
    page.get_by_role("link", name="Journey Children Home", exact=True).wait_for()
    page.get_by_role("link", name="Journey School", exact=True).wait_for()
    _no_sideways_scroll(page, "org-unit list")
