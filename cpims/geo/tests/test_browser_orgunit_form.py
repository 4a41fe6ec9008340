"""Browser journey: create an org unit on a phone, with the htmx area pickers and live search.

Runs in Debian's chromium through Playwright (``make test-browser``); marked ``browser``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cpims.geo.models import OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CPIMS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def phone(live_server: Any, cast: Any, login: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls beside it are
    # ordinary synchronous calls. Set for this test only (never at import: it would leak).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    client = login(Client(), cast.nairobi_coordinator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []

        def on_console(msg: Any) -> None:
            # The browser's own favicon probe is not ours to fail on.
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
                errors.append(msg.text)

        page.on("console", on_console)
        page.live_server_url = live_server.url  # type: ignore[attr-defined]
        yield page
        assert errors == [], errors  # no CSP violations or script errors
        browser.close()


def test_create_with_cascading_area_pickers(phone: Any) -> None:
    from playwright.sync_api import expect

    phone.goto(f"{phone.live_server_url}/org-units/new/")
    phone.fill("#id_name", "Westlands Children's Home")
    phone.fill("#id_code", "cci-wl-9")
    phone.select_option("#id_kind", "cci")
    phone.select_option("#id_county", label="Nairobi")
    phone.wait_for_selector("#id_sub_county option:text('Westlands')", state="attached")
    phone.select_option("#id_sub_county", label="Westlands")
    expect(phone.locator("#id_ward option")).to_have_count(6)
    ward_label = phone.locator("#id_ward option").nth(1).inner_text()
    phone.select_option("#id_ward", label=ward_label)
    # Changing the county again reloads the sub-counties and empties the wards.
    phone.select_option("#id_county", label="Mombasa")
    phone.wait_for_selector("#id_sub_county option:text('Changamwe')", state="attached")
    expect(phone.locator("#id_ward option")).to_have_count(1)
    phone.select_option("#id_county", label="Nairobi")
    phone.wait_for_selector("#id_sub_county option:text('Westlands')", state="attached")
    phone.select_option("#id_sub_county", label="Westlands")
    expect(phone.locator("#id_ward option")).to_have_count(6)
    phone.select_option("#id_ward", label=ward_label)
    phone.click("form.cpims-form button[type=submit]")
    phone.wait_for_selector('h1:text("Westlands Children\'s Home")')
    unit = OrgUnit.objects.select_related("area").get(code="CCI-WL-9")
    assert unit.area.name == ward_label and unit.sub_county.code == "274"


def test_live_search(phone: Any) -> None:
    from playwright.sync_api import expect

    phone.goto(f"{phone.live_server_url}/org-units/")
    expect(phone.locator("#orgunit-results tbody tr")).to_have_count(19)  # Nairobi's units
    phone.fill("#id_q", "westlands")
    expect(phone.locator("#orgunit-results tbody tr")).to_have_count(1)
    expect(phone.locator("#orgunit-results")).to_contain_text("Units found: 1")
    expect(phone).to_have_url(re.compile(r"q=westlands"))
