"""Journey (browser): the Westlands officer submits last month's return; the Nairobi coordinator
returns it with a comment; the officer corrects and resubmits; the coordinator approves it and the
completeness page counts it — in Debian's chromium on a phone-sized screen.

The button texts and element ids used here are the ones the issue's end-to-end journey relies on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import make_user
from cpims.accounts import roles as R
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-returns-passphrase-2026"
CHROMIUM = os.environ.get("CPIMS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (browser journeys cannot run)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _user(username: str, role: str, unit: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(username, role, unit)
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def _sign_in(browser: Any, base: str, user: Any) -> Any:

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user, PASSWORD)
    return page


def _status(page: Any) -> str:
    return page.locator("#return-status .badge").get_attribute("data-status") or ""


def test_return_submitted_returned_resubmitted_approved(chromium: Any, live_server: Any, reference: None) -> None:
    from cpims.geo.models import OrgUnit
    from cpims.returns.models import MonthlyReturn
    from cpims.returns.queries import last_months

    period = last_months(2)[1]
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("returns_officer", R.SUBCOUNTY_OFFICER, westlands)
    coordinator = _user("returns_coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    base = live_server.url

    # The officer starts last month's return from the menu, types the paper figures and submits.
    page = _sign_in(chromium, base, officer)
    page.goto(f"{base}/returns/")
    page.locator(f"#start-{period.code}").click()
    page.get_by_label("Cases handled by volunteer children officers (VCOs) not entered in CPIMS").fill("4")
    page.get_by_label("Cases handled by chiefs and assistant chiefs not entered in CPIMS").fill("-1")
    page.get_by_role("button", name="Save draft").click()
    assert "0 or more" in page.locator("#paper-form").inner_text()
    page.get_by_label("Cases handled by chiefs and assistant chiefs not entered in CPIMS").fill("2")
    page.get_by_role("button", name="Submit return").click()
    page.locator("#return-status").wait_for()
    assert _status(page) == "submitted"
    detail_url = page.url

    # The coordinator finds it in the review queue and returns it with a comment.
    boss = _sign_in(chromium, base, coordinator)
    boss.goto(f"{base}/returns/review/")
    boss.locator("#return-list a").filter(has_text="Westlands").first.click()
    boss.get_by_label("Comment for the unit (what must change)").fill("Add the cases from the chief's baraza")
    boss.get_by_role("button", name="Return with comment").click()
    boss.locator("#return-status").wait_for()
    assert _status(boss) == "returned"

    # The officer sees the comment, corrects and resubmits.
    page.goto(detail_url)
    assert "chief's baraza" in page.locator("#return-comment").inner_text()
    page.get_by_label("Cases handled by chiefs and assistant chiefs not entered in CPIMS").fill("5")
    page.get_by_role("button", name="Resubmit return").click()
    page.locator("#return-status").wait_for()
    assert _status(page) == "submitted"

    # The coordinator approves; the figures are locked and completeness counts it.
    boss.goto(detail_url)
    boss.get_by_role("button", name="Approve return").click()
    boss.locator("#locked-note").wait_for()
    assert _status(boss) == "approved"
    ret = MonthlyReturn.objects.get(org_unit=westlands, month=period.start)
    assert ret.paper["chief_cases"] == 5 and ret.status == "approved"
    events = [e.strip().split("·")[0].strip() for e in boss.locator("#history li").all_inner_texts()]
    assert events[-3:] == ["Returned with comments", "Resubmitted", "Approved"]

    boss.goto(f"{base}/returns/completeness/?period={period.code}&area=county-047")
    row = boss.locator(f'tr[data-area="{westlands.sub_county.key}"]')
    assert row.locator("td").nth(1).inner_text().strip() == "1"  # received
