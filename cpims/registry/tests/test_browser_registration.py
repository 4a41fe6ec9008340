"""Browser journey on a phone: register a child with a caregiver and a sibling, be warned of a
likely duplicate, search for the child with a misspelled name, open the profile.

Runs in Debian's chromium through Playwright (``make test-browser``); marked ``browser``.
"""

from __future__ import annotations

from typing import Any

import pytest

from cpims.registry.models import Person, Relationship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_warned_of_duplicate_then_find_misspelled(phone: Any, people: Any) -> None:
    from playwright.sync_api import expect

    from cpims.registry.tests.conftest import years_ago

    born = years_ago(8, 40)
    existing = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=born)
    base = phone.live_server_url

    phone.goto(f"{base}/children/register/")
    expect(phone.locator("#id_child-sub_county option:checked")).to_have_text("Westlands")
    ward = phone.locator("#id_child-ward option").nth(1).inner_text()
    phone.fill("#id_child-first_name", "Wanjiko")
    phone.fill("#id_child-last_name", "Kamau")
    phone.select_option("#id_child-sex", "female")
    phone.fill("#id_child-date_of_birth", born.isoformat())
    phone.select_option("#id_child-ward", label=ward)
    # The live check warns while the form is being filled in.
    expect(phone.locator("#live-duplicates")).to_contain_text(existing.cpims_number)
    phone.select_option("#id_carer-0-kind", "mother")
    phone.fill("#id_carer-0-first_name", "Njeri")
    phone.fill("#id_carer-0-last_name", "Wambui")
    phone.select_option("#id_carer-0-sex", "female")
    phone.fill("#id_sibling-0-first_name", "Mwangi")
    phone.fill("#id_sibling-0-last_name", "Kamau")
    phone.select_option("#id_sibling-0-sex", "male")
    phone.fill("#id_sibling-0-age_years", "5")
    phone.click("form button[type=submit].btn-primary")

    # Warned before saving: nothing written yet.
    expect(phone.locator("#duplicates")).to_contain_text("may already be registered")
    expect(phone.locator("#duplicates")).to_contain_text(existing.cpims_number)
    assert not Person.objects.filter(first_name="Wanjiko").exists()
    phone.check("#id_child-register_anyway")
    phone.click("form button[type=submit].btn-primary")
    expect(phone.locator("h1")).to_contain_text("Wanjiko")
    child = Person.objects.get(first_name="Wanjiko")
    assert Relationship.objects.filter(child=child, kind="mother", relative__first_name="Njeri").exists()
    assert Relationship.objects.filter(kind="sibling", relative__first_name="Mwangi").exists()

    # Find the child again with a misspelled, reordered name and open the profile.
    phone.goto(f"{base}/children/")
    phone.fill("#id_q", "Kamao Wanjikko")
    phone.click("form[role=search] button[type=submit]")
    result = phone.locator("#results a", has_text=child.cpims_number)
    expect(result).to_be_visible()
    result.click()
    expect(phone.locator("h1")).to_contain_text("Wanjiko")
    expect(phone.locator("body")).to_contain_text("Njeri")
    expect(phone.locator("body")).to_contain_text("Mwangi")
