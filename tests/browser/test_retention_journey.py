"""Journey (issue 15, retention): the system administrator, on a phone and on a desktop, opens the
retention schedule, places a legal hold on a case by its number, runs a dry run, reads its report
and marks it reviewed, which lets the schedule be applied; no page scrolls sideways.

Created beforehand with the ORM and the actions: the administrator and one Westlands case.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cpims.accounts import roles as R
from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _no_sideways_scroll(page: Any, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: page is {scroll}px wide in a {inner}px window"


def test_admin_holds_a_case_and_reviews_a_dry_run(crew: Actors, live_server: Any, reference: None) -> None:
    from cpims.cases.tests.conftest import open_case
    from cpims.geo.models import OrgUnit
    from cpims.retention import defaults
    from cpims.retention.models import LegalHold, RetentionRun

    defaults.load()
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("west_officer", R.SUBCOUNTY_OFFICER, westlands)
    admin = _user("ict_admin", R.SYSTEM_ADMIN, OrgUnit.objects.get(code="DCS-HQ"))
    case = open_case(officer, westlands)

    page = crew.sign_in(admin)
    base = live_server.url
    page.goto(f"{base}/retention/")
    page.get_by_role("heading", name="Retention schedule").wait_for()
    page.get_by_text("Closed cases (and their child, once every case is due)").wait_for()
    _no_sideways_scroll(page, "schedule on a phone")

    page.get_by_role("link", name="Legal holds").click()
    page.get_by_role("heading", name="Legal holds", exact=True).wait_for()
    page.fill("#id_number", case.case_number)
    page.fill("#id_reason", "Police investigation (synthetic)")
    page.get_by_role("button", name="Place the hold").click()
    page.get_by_text("Legal hold placed.").wait_for()
    page.locator("main .list-group-item", has_text=case.case_number).get_by_text("In force").wait_for()
    assert LegalHold.objects.filter(case=case).exists()
    _no_sideways_scroll(page, "holds on a phone")

    page.get_by_role("link", name="Runs", exact=True).click()
    page.get_by_text("A dry run must be reviewed before the first real run.").wait_for()
    assert page.get_by_role("button", name="Apply the schedule now").is_disabled()
    page.get_by_role("button", name="Dry run now").click()
    page.get_by_role("heading", name="Dry run report").wait_for()
    page.get_by_text("Would anonymise").first.wait_for()
    _no_sideways_scroll(page, "dry-run report on a phone")
    page.get_by_role("button", name="Mark as reviewed").click()
    page.get_by_text("Dry run reviewed: the job may now apply the schedule.").wait_for()
    assert RetentionRun.objects.get(dry_run=True).reviewed_by == admin

    page.get_by_role("link", name="Runs", exact=True).click()
    assert page.get_by_role("button", name="Apply the schedule now").is_enabled()

    page.set_viewport_size(DESKTOP)
    for path in ("/retention/", "/retention/holds/", "/retention/runs/"):
        page.goto(f"{base}{path}")
        page.locator("main h1").wait_for()
        _no_sideways_scroll(page, f"{path} on a desktop")
