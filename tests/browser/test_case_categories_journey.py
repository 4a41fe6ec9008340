"""Journey: a Westlands officer opens a case with two categories on a phone-sized page, in Debian's
chromium. The sub-category list follows the category chosen (in the first row and in a row added
on the page), a third row is added and removed again without losing what was typed, and the case
page shows both categories. The form fits the phone and the desktop width.

Only the officer and the registered child are created beforehand, with the ORM.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _options(page: Any, select: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{select} option").all_inner_texts()]


def _fits(page: Any, width: int) -> bool:
    """No part of the case form reaches past the page's right edge (the menu bar is checked by the
    navigation journey)."""
    right = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('main form, main form *'))"
        ".filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().right))"
    )
    return bool(right <= width)


def test_open_a_case_with_two_categories_on_a_phone(crew: Actors, live_server: Any, reference: None) -> None:
    from cpims.accounts import roles as R
    from cpims.cases.models import Case, CaseCategory
    from cpims.geo.models import Area, OrgUnit
    from cpims.registry import actions as registry_actions

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=westlands.sub_county).order_by("code").first()
    child = registry_actions.child_register(
        actor=officer,
        org_unit=westlands,
        child=registry_actions.PersonInput(
            first_name="Imani", last_name="Categorytest", sex="female", age_years=14, ward=ward
        ),
    ).child

    page = crew.sign_in(officer)
    page.goto(f"{live_server.url}/cases/new/?child={child.public_id}")
    page.get_by_role("heading", name="New case").wait_for()
    page.select_option("#id_reporter_type", label="Mother")
    if page.locator("#id_hiv_status").count():
        page.select_option("#id_hiv_status", label="Unknown")

    # Row 1: Neglect. Its sub-category list fills with Neglect's sub-categories only.
    assert _options(page, "#id_cat-0-sub_category") == ["— choose —"]
    page.select_option("#id_cat-0-category", label="Neglect")
    page.locator("#id_cat-0-sub_category option", has_text="Education").wait_for(state="attached")
    assert "Ignoring (refusal to acknowledge)" not in _options(page, "#id_cat-0-sub_category")
    page.select_option("#id_cat-0-sub_category", label="Education")
    page.select_option("#id_cat-0-nature", label="Chronic/On-going event")

    # Row 2, added on the page: Emotional Abuse, with its own sub-categories.
    page.get_by_role("button", name="Add another category").click()
    page.locator("#id_cat-1-category").wait_for()
    page.select_option("#id_cat-1-category", label="Emotional Abuse")
    page.locator("#id_cat-1-sub_category option", has_text="Ignoring (refusal to acknowledge)").wait_for(
        state="attached"
    )
    assert "Education" not in _options(page, "#id_cat-1-sub_category")
    page.select_option("#id_cat-1-sub_category", label="Ignoring (refusal to acknowledge)")

    # Row 3 added, then removed: it is hidden and the other rows keep their values.
    page.get_by_role("button", name="Add another category").click()
    page.locator("#id_cat-2-category").wait_for()
    page.select_option("#id_cat-2-category", label="Custody")
    page.locator("[data-formset-row]", has=page.locator("#id_cat-2-category")).get_by_role(
        "button", name="Remove"
    ).click()
    page.locator("#id_cat-2-category").wait_for(state="hidden")
    assert page.locator("#id_cat-0-sub_category option:checked").inner_text().strip() == "Education"
    assert page.locator("#id_cat-1-category option:checked").inner_text().strip() == "Emotional Abuse"

    # The form fits the phone, and the desktop.
    assert _fits(page, 390)
    page.set_viewport_size({"width": 1366, "height": 768})
    assert _fits(page, 1366)
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("button", name="Save").click()
    page.locator("#case-heading").wait_for()
    categories = page.locator("section", has=page.get_by_role("heading", name="Case categories")).inner_text()
    assert "Neglect" in categories and "Education" in categories
    assert "Emotional Abuse" in categories and "Ignoring (refusal to acknowledge)" in categories
    assert "Custody" not in categories
    case = Case.objects.get(child=child)
    assert sorted(CaseCategory.objects.filter(case=case).values_list("category__code", flat=True)) == [
        "CCEA",
        "CSIC",
    ]
