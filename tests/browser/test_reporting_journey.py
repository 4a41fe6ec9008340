"""Journey: a monthly return from a sub-county to the national map, then the county's quarterly
pack for its Area Advisory Council — through the real pages, in Debian's chromium on a phone.

The Westlands officer submits last month's return; the Nairobi coordinator returns it with a
comment; the officer reads the comment and resubmits; the coordinator approves it. The national
M&E officer's map and dashboard show Nairobi's returns completeness change for that month. The
coordinator then asks for the AAC pack of the quarter, watches its progress, and downloads it as
PDF and as Excel, and both files are opened and read.

Only the users and a few cases of the month are made beforehand, with the ORM.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from conftest import make_user
from cpims.accounts import roles as R
from tests.browser.signin import sign_in
from tests.browser.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-reporting-passphrase-2026"
PHONE = {"width": 390, "height": 844}
# The test settings run tasks at once (ImmediateBackend), which would make the progress page
# appear already finished. For the pack we switch to the real database backend, so the request
# only queues the task and the progress page shows it waiting; the test then plays the worker
# (`db_worker --batch`, the command production runs) between two htmx polls, and the page turns
# to "ready" by itself on its next poll. Running the worker in the test's own thread, right after
# a poll has answered, keeps SQLite (one in-memory database shared with the live server) from
# seeing a write and a read at the same moment.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Actors:
    """One browser context per actor, each signed in once (a second factor code is single-use)."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[Any] = []

    def sign_in(self, user: Any) -> Any:

        context = self.browser.new_context(viewport=PHONE, locale="en-GB", accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, self.base_url, user, PASSWORD)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def actors(browser: Any, live_server: Any) -> Iterator[Actors]:
    crew = Actors(browser, live_server.url)
    yield crew
    crew.close()


def _user(username: str, role: str, unit: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(username, role, unit)
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def _status(page: Any) -> str:
    return page.locator("[data-status]").first.get_attribute("data-status") or ""


def _nairobi_on_map(page: Any) -> str:
    return page.locator('#map-table tr[data-county="047"] td.text-end').inner_text().strip()


def _generate_pack(page: Any, base: str, fmt_button: str, quarter: str) -> bytes:
    """Ask for the pack, see its progress, let the worker make it, and download it."""
    page.goto(f"{base}/dashboards/packs/")
    # Choosing the pack reloads the list of periods that fit it (htmx): wait for the new list.
    page.evaluate("() => { document.getElementById('id_period').dataset.stale = '1'; }")
    page.select_option("#id_kind", value="pack_aac_quarterly")
    wait_until(page, "!document.getElementById('id_period').dataset.stale")
    options = page.locator("#id_period option").all_inner_texts()
    assert options[0].endswith("(not complete yet)") and all("FY" in o for o in options)
    page.select_option("#id_period", value=quarter)
    page.select_option("#id_county", label="Nairobi")
    with override_settings(TASKS=DATABASE_TASKS):
        page.get_by_role("button", name=fmt_button).click()
        page.wait_for_url(re.compile(r"/downloads/[0-9a-f-]+/$"))
        progress = page.locator("#download-status progress")
        progress.wait_for()
        assert "Waiting to start" in page.locator("#download-status").inner_text()
        # Between two polls (every 2 s): wait for one to answer, then the worker runs.
        with page.expect_response(lambda r: "/downloads/" in r.url and r.request.headers.get("hx-request")):
            pass
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    page.get_by_text("Your file is ready.").wait_for()
    with page.expect_download() as info:
        page.locator("#download-status a[download]").click()
    path = info.value.path()
    with open(path, "rb") as fh:
        return fh.read()


def _show_first_page(actors: Actors, pdf: bytes) -> None:
    """Open the pack's first page (PNG from pdftoppm) in a phone-sized and a desktop-sized page,
    and check that it shows, that it is the cover and that nothing runs off the page."""
    import base64

    from pypdf import PdfReader

    from cpims.reporting.tests.dashboards.layout import pages_as_png, pixel_problems

    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "REPUBLIC OF KENYA" in cover and "Page" not in cover
    images = pages_as_png(pdf, dpi=50)
    assert pixel_problems(images) == []
    png = io.BytesIO()
    images[0].save(png, format="PNG")
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    for viewport in (PHONE, {"width": 1366, "height": 900}):
        context = actors.browser.new_context(viewport=viewport)
        actors.contexts.append(context)
        page = context.new_page()
        page.set_content(
            '<main><h1>First page of the pack</h1><img id="cover" alt="The first page of the pack" '
            f'style="max-width:100%;border:1px solid #999" src="{src}"></main>'
        )
        wait_until(page, "document.getElementById('cover').complete")
        size = page.evaluate("() => [cover.naturalWidth, cover.naturalHeight, cover.clientWidth]")
        assert size[0] > size[1] > 0  # A4 landscape, decoded
        assert 0 < size[2] <= viewport["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


def test_return_to_map_and_aac_pack(actors: Actors, live_server: Any, reference: None) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from cpims.audit.models import AuditEvent
    from cpims.core.periods import Period
    from cpims.geo.models import OrgUnit
    from cpims.reporting.tests.dashboards.conftest import case_on
    from cpims.returns.queries import nairobi_today

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    coordinator = _user("nairobi_coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    national = _user("national_me", R.NATIONAL_ME, OrgUnit.objects.get(code="DCS-HQ"))
    month = Period.containing("month", nairobi_today()).previous()
    quarter = Period.containing("quarter", month.start)
    for n, cats in enumerate((("CSRC",), ("CSRC", "CSIC"), ("CSIC",), ("CSNG",), ("CSRC",), ("CSIC",))):
        case_on(officer, westlands, month.start.replace(day=10), *cats, sex="female" if n % 2 else "male", n=n)

    # The national M&E officer looks at returns completeness by county for last month.
    national_page = actors.sign_in(national)
    map_url = f"{base}/dashboards/map/?indicator=completeness&period={month.code}"
    national_page.goto(map_url)
    before = _nairobi_on_map(national_page)

    # 1. The Westlands officer starts last month's return and submits it.
    office = actors.sign_in(officer)
    office.goto(f"{base}/returns/")
    office.locator(f"[id='start-{month.code}']").first.click()
    office.locator("#submit-return").click()
    wait_until(office, "document.querySelector('[data-status]')?.dataset.status === 'submitted'")
    return_url = office.url

    # 2. The Nairobi coordinator returns it with a comment.
    county = actors.sign_in(coordinator)
    county.goto(return_url)
    county.fill("#id_comment", "Please add the figures from the chief's paper register.")
    county.locator("#send-back").click()
    wait_until(county, "document.querySelector('[data-status]')?.dataset.status === 'returned'")

    # 3. The officer reads the comment and resubmits.
    office.goto(return_url)
    assert "chief's paper register" in office.locator("#return-comment").inner_text()
    office.locator("#submit-return").click()
    wait_until(office, "document.querySelector('[data-status]')?.dataset.status === 'submitted'")

    # 4. The coordinator approves it.
    county.goto(return_url)
    county.locator("#approve-return").click()
    wait_until(county, "document.querySelector('[data-status]')?.dataset.status === 'approved'")
    assert _status(county) == "approved"

    # 5. The national map and dashboard show Nairobi's completeness changed for that month.
    national_page.goto(map_url)
    after = _nairobi_on_map(national_page)
    assert after != before and after.endswith("%") and float(after.rstrip("%")) > float(before.rstrip("%") or 0)
    assert national_page.locator('path.dash-county[data-county="047"], a[data-county="047"] path').count() == 1
    national_page.goto(f"{base}/dashboards/national/?period={month.code}")
    national_page.get_by_text("Completeness and timeliness by area").click()  # 47 rows: folded
    row = national_page.locator("#completeness-table tr", has_text="Nairobi")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[2] == "1"  # received
    # Drilling into Nairobi from the national map opens the county dashboard.
    national_page.goto(map_url)
    national_page.locator("#map-table a", has_text="Nairobi").click()
    national_page.get_by_role("heading", name="Nairobi County").wait_for()

    # 6. The coordinator makes the quarter's AAC pack, as PDF and as Excel, watching progress.
    pdf = _generate_pack(county, base, "Generate PDF", quarter.code)
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Quarterly report to the Area Advisory Council" in text and "Nairobi County" in text
    assert "Sexual assault" in text
    # The pack's first page, as the council will see it: rendered by poppler, shown in the browser.
    _show_first_page(actors, pdf)

    xlsx = _generate_pack(county, base, "Generate Excel", quarter.code)
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb.worksheets[0].title == "About this pack"
    caseload = wb["Categories"]
    assert caseload.freeze_panes == "B2" and caseload["A1"].value == "Case category"
    totals = {r[0]: r[-1] for r in caseload.iter_rows(values_only=True) if r and r[0]}
    assert totals["Sexual assault"] == 3 and totals["Neglect"] == 3 and totals["Physical abuse/violence"] == 1

    # Both packs were audited when asked for and when fetched.
    actions = list(AuditEvent.objects.filter(actor=coordinator).values_list("action", "object_label"))
    assert actions.count(("download.start", "pack_aac_quarterly")) == 2
    assert actions.count(("download.file", "pack_aac_quarterly")) == 2
