"""Browser journey: create an org unit on a phone, with the htmx area pickers and live search.

Runs in Debian's chromium through Playwright (``make test-browser``); marked ``browser``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from cpims.core.tests.browser import phone_page
from cpims.geo.models import OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(live_server: Any, cast: Any, login: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with phone_page(live_server, login(Client(), cast.nairobi_coordinator), monkeypatch) as page:
        yield page


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
