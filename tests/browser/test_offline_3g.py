"""Journey: the field app on a phone over a 3G connection (Chromium's network throttling).

An officer with 50 open cases opens the field app on a 390 px screen over a throttled 3G link,
sets her PIN and syncs her caseload down: the app shell and the sync finish (waiting for what she
sees, never a fixed time), the sync down is under 200 KB, and her 50 cases are listed offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from cpims.accounts import roles as R
from tests.browser.test_offline_journey import _set_pin_and_sync, _sign_in, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium DevTools' "Regular 3G" profile: 100 ms latency, 750 kbit/s down, 250 kbit/s up.
REGULAR_3G = {
    "offline": False,
    "latency": 100,
    "downloadThroughput": 750 * 1024 // 8,
    "uploadThroughput": 250 * 1024 // 8,
}
CASES = 50


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    # Generous: a loaded 2-core machine, a throttled link and 310,000 PBKDF2 rounds on the PIN.
    context.set_default_timeout(60_000)
    yield context
    context.close()


def test_sync_down_of_fifty_cases_over_3g(phone: Any, live_server: Any, reference: None) -> None:
    from cpims.cases.tests.conftest import make_child, open_case
    from cpims.geo.models import OrgUnit

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("field_officer_3g", R.SUBCOUNTY_OFFICER, westlands)
    for i in range(CASES):
        child = make_child(officer, westlands, "Wanjiru", f"Threegtest{i:02d}")
        open_case(officer, westlands, child=child)

    page = phone.new_page()
    _sign_in(page, live_server.url, officer)
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", REGULAR_3G)

    sync_sizes: list[int] = []

    def on_response(response: Any) -> None:
        if "/api/v1/offline/sync/" in response.url and response.request.method == "GET":
            sync_sizes.append(len(response.body()))

    page.on("response", on_response)
    _set_pin_and_sync(page, live_server.url)

    assert sync_sizes, "no sync down was made"
    assert max(sync_sizes) < 200 * 1024, sync_sizes
    page.locator("#tabs").get_by_role("link", name="My caseload").click()
    page.locator("#case-list li", has_text="Threegtest49").wait_for()
    assert page.locator("#case-list li", has_text="Threegtest").count() == CASES
    # The bound of what the phone holds is said on screen.
    page.locator("#caseload-bound", has_text=re.compile(r"keeps at most \d+ of your open cases")).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
