"""Browser journey on a phone, then a desktop: search a common name, refine it by age, see the
child of that age first; the form fits both widths.

Runs in Debian's chromium through Playwright (``make test-browser``); marked ``browser``.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refine_a_common_name_by_age(phone: Any, people: Any) -> None:
    from playwright.sync_api import expect

    from cpims.registry.tests.conftest import years_ago

    young = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(4))
    old = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(13))
    first = phone.locator("#results .list-group-item").first

    for width in (390, 1366):
        phone.set_viewport_size({"width": width, "height": 900})
        phone.goto(f"{phone.live_server_url}/children/")
        phone.fill("#id_q", "Brian Otieno")
        phone.click("#search-form button[type=submit]")
        expect(first).to_contain_text(young.cpims_number)  # the older record first
        phone.click("#search-form summary")
        phone.fill("#id_age", "13")
        phone.click("#search-form button[type=submit]")
        expect(first).to_contain_text(old.cpims_number)
        expect(phone.locator("#results .list-group-item")).to_have_count(2)  # the age ranks, never hides
        assert phone.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
