"""Journey (issue 12, "Must show"): a sub-county officer's day, through the real pages, in Debian's
chromium on a phone-sized screen.

The Westlands officer registers a child whose mother is already registered: typing her national ID
number, the form offers the registered mother and the officer picks her (one mother in the
registry). From the child's profile the officer opens a case with two categories, each
sub-category list holding only its own category's sub-categories; records a service on the case;
starts the assessment and proposes the closure, which the Nairobi coordinator approves. The
coordinator's caseload report for the month counts both categories and the service given, and the
dashboard counts the case and both categories. A child placed in foster care is counted in
family-based care and does not raise "Children in institutional care".

Created beforehand, with the ORM and the actions: the users, the registered mother (with the sibling
she was registered with), an institution with one child in it, and later the foster placement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOTHER_ID = "27182818"


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _options(page: Any, select: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{select} option").all_inner_texts()]


def _row_total(page: Any, table_id: str, label: str) -> str:
    """The Total cell of the row ``label`` in the caseload table headed ``table_id``."""
    section = page.locator("section", has=page.locator(f"#{table_id}"))
    row = section.locator("tbody tr", has=page.get_by_role("rowheader", name=label, exact=True))
    return row.locator("td").last.inner_text().strip()


def _figure(page: Any, name: str) -> str:
    return page.locator(f'[data-figure="{name}"] .dash-card-value').inner_text().strip()


def _registered_mother(officer: Any, westlands: Any, ward: Any) -> Any:
    """The mother, registered with her first child before the story begins."""
    from cpims.core.models import Code
    from cpims.registry import actions as registry_actions
    from cpims.registry.models import Person

    national_id = Code.objects.get(code_list__name="identifier_type_id", code="INTL")
    registry_actions.child_register(
        actor=officer,
        org_unit=westlands,
        child=registry_actions.PersonInput(
            first_name="Baraka", last_name="Daytest", sex="male", age_years=9, ward=ward
        ),
        relatives=[
            registry_actions.RelativeInput(
                kind="mother",
                person=registry_actions.PersonInput(
                    kind=Person.Kind.CAREGIVER,
                    first_name="Njeri",
                    last_name="Daytest",
                    sex="female",
                    age_years=34,
                    ward=ward,
                    identifiers=[(national_id, MOTHER_ID)],
                ),
            )
        ],
    )
    return Person.objects.get(first_name="Njeri", last_name="Daytest")


def _place(officer: Any, westlands: Any, ward: Any, first: str, **placement: Any) -> None:
    from cpims.care.actions import OrderInput, placement_admit
    from cpims.care.tests.conftest import days
    from cpims.cases.tests.conftest import code
    from cpims.registry import actions as registry_actions

    child = registry_actions.child_register(
        actor=officer,
        org_unit=westlands,
        child=registry_actions.PersonInput(first_name=first, last_name="Daytest", sex="female", age_years=7, ward=ward),
    ).child
    fields: dict[str, Any] = {
        "care_type": code("alternative_family_care_type_id", "AFIC"),
        "admitted_on": days(-10),
        "admission_type": code("admission_type_id", "TANA"),
        "admission_reason": code("admission_reason_id", "RACP"),
        "institution": None,
        "order": OrderInput(),
    }
    fields.update(placement)
    placement_admit(actor=officer, child=child, **fields)


def test_an_officers_day_from_registration_to_the_figures(crew: Actors, live_server: Any, reference: None) -> None:
    from django.utils import timezone

    from cpims.accounts import roles as R
    from cpims.care.tests.conftest import make_institution
    from cpims.cases.models import Case, CaseCategory, ServiceRecord
    from cpims.cases.tests.conftest import code
    from cpims.core.periods import Period
    from cpims.geo.models import Area, OrgUnit
    from cpims.registry.models import Identifier, Person, Relationship

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    nairobi = OrgUnit.objects.get(code="DCS-C047")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    coordinator = _user("nairobi_coordinator", R.COUNTY_COORDINATOR, nairobi)
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=westlands.sub_county).order_by("code").first()
    assert ward is not None
    mother = _registered_mother(officer, westlands, ward)
    home = make_institution(westlands, "CCI-DAY-W", "Day Test Childrens Home")
    _place(officer, westlands, ward, "Amani", institution=home)
    month = Period.containing("month", timezone.localdate())

    # 1. The officer registers the mother's new child, typing her national ID number.
    west = crew.sign_in(officer)
    west.goto(f"{base}/children/register/")
    west.get_by_role("heading", name="Register a child").wait_for()
    west.fill("#id_child-first_name", "Imani")
    west.fill("#id_child-last_name", "Daytest")
    west.select_option("#id_child-sex", value="female")
    west.fill("#id_child-age_years", "13")
    # The officer's county and sub-county come chosen; the ward list is Westlands' wards.
    west.select_option("#id_child-ward", value=str(ward.pk))
    west.select_option("#id_carer-0-kind", value="mother")
    west.fill("#id_carer-0-first_name", "Njeri")
    west.fill("#id_carer-0-last_name", "Daytest")
    west.select_option("#id_carer-0-sex", value="female")
    west.select_option("#id_carer-0-identifier_type", label="National ID")
    west.fill("#id_carer-0-identifier_value", MOTHER_ID)
    west.get_by_role("button", name="Check for duplicates and register").click()
    # The form offers the registered mother; the officer picks her.
    west.get_by_text("Already registered: is this the same person?").wait_for()
    offer = west.get_by_label(re.compile(f"Yes, use Njeri Daytest {mother.cpims_number}"))
    assert "same ID number" in offer.locator("xpath=..").inner_text()
    offer.check()
    west.get_by_role("button", name="Continue").click()
    west.get_by_text(re.compile("Registered with CPIMS number")).wait_for()
    child = Person.objects.get(first_name="Imani", last_name="Daytest")
    assert f"/children/{child.public_id}/" in west.url
    family = west.locator("section", has=west.get_by_role("heading", name="Family and household")).inner_text()
    assert "Njeri Daytest" in family
    # One mother in the registry, linked to both her children; her ID number held once.
    assert Person.objects.filter(first_name="Njeri", last_name="Daytest").count() == 1
    assert Identifier.objects.filter(value_normalised=MOTHER_ID).count() == 1
    assert Relationship.objects.filter(relative=mother, kind="mother").count() == 2

    # 2. From the profile, "Open a case" with two categories; each sub-category list is its own.
    west.get_by_role("link", name="Open a case").click()
    west.get_by_role("heading", name="New case").wait_for()
    west.select_option("#id_reporter_type", label="Mother")
    west.select_option("#id_hiv_status", label="Unknown")
    west.select_option("#id_cat-0-category", label="Neglect")
    west.locator("#id_cat-0-sub_category option", has_text="Education").wait_for(state="attached")
    assert "Ignoring (refusal to acknowledge)" not in _options(west, "#id_cat-0-sub_category")
    west.select_option("#id_cat-0-sub_category", label="Education")
    west.select_option("#id_cat-0-nature", label="Chronic/On-going event")
    west.get_by_role("button", name="Add another category").click()
    west.select_option("#id_cat-1-category", label="Emotional Abuse")
    west.locator("#id_cat-1-sub_category option", has_text="Ignoring (refusal to acknowledge)").wait_for(
        state="attached"
    )
    assert "Education" not in _options(west, "#id_cat-1-sub_category")
    west.select_option("#id_cat-1-sub_category", label="Ignoring (refusal to acknowledge)")
    west.select_option("#id_cat-1-nature", label="Chronic/On-going event")
    west.get_by_role("button", name="Save").click()
    west.locator("#case-heading").wait_for()
    case = Case.objects.get(child=child)
    case_url = f"{base}/cases/{case.public_id}/"
    categories = west.locator("section", has=west.get_by_role("heading", name="Case categories")).inner_text()
    assert "Neglect" in categories and "Education" in categories
    assert "Emotional Abuse" in categories and "Ignoring (refusal to acknowledge)" in categories
    assert CaseCategory.objects.filter(case=case).count() == 2

    # 3. A service is recorded on the case.
    west.get_by_role("link", name="Record a service").click()
    west.select_option("#id_service", label="Family support")
    west.fill("#id_notes", "First family session.")
    west.locator("main form button[type=submit]").first.click()
    west.get_by_text("Service recorded.").wait_for()
    assert "Family support" in west.locator("#services").inner_text()
    assert ServiceRecord.objects.filter(case=case).count() == 1

    # 4. The case is assessed and its closure proposed; the coordinator approves it.
    west.get_by_role("link", name="Start assessment").click()
    west.get_by_role("button", name="Start assessment").click()
    west.locator("#case-heading .badge", has_text="Under assessment").wait_for()
    west.get_by_role("link", name="Propose closure").click()
    west.select_option("#id_outcome", label="Case Ended")
    interventions = west.locator("select[id^=id_intervention_]")
    assert interventions.count() == 2
    for i in range(2):
        interventions.nth(i).select_option(label="Professional counseling")
    west.fill("#id_notes", "Child back in school; family supported.")
    west.get_by_role("button", name="Propose closure").click()
    west.locator(".alert", has_text="Closure awaiting approval").wait_for()

    coord = crew.sign_in(coordinator)
    coord.goto(case_url)
    coord.get_by_role("link", name="Approve closure").click()
    coord.get_by_role("button", name="Approve closure").click()
    coord.locator("#case-heading .badge", has_text="Closed").wait_for()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    # 5. The coordinator's caseload report for the month (Nairobi, the default area).
    coord.goto(f"{base}/reports/?kind=month&period={month.code}")
    coord.get_by_role("heading", name="Caseload report").wait_for()
    assert "Nairobi" in coord.locator("#id_area option:checked").inner_text()
    assert _row_total(coord, "t-category", "Neglect") == "1"
    assert _row_total(coord, "t-category", "Emotional Abuse") == "1"
    assert _row_total(coord, "t-intervention", "Professional counseling") == "2"
    assert _row_total(coord, "t-service", "Family support") == "1"

    # The dashboard counts the case, closed, and both its categories.
    coord.goto(f"{base}/dashboards/?period={month.code}")
    coord.locator('[data-figure="cases"]').wait_for()
    assert _figure(coord, "cases") == "1"
    assert _figure(coord, "open") == "0 / 1"
    top = coord.locator("figure", has=coord.get_by_text("Top case categories", exact=True))
    top.get_by_text("Show as a table").click()
    rows = {
        r.locator("td").first.inner_text().strip(): r.locator("td").last.inner_text().strip()
        for r in top.locator("tbody tr").all()
    }
    assert rows.get("Neglect") == "1" and rows.get("Emotional Abuse") == "1"

    # 6. Foster care is family-based care, not institutional care.
    assert (_figure(coord, "care"), _figure(coord, "family_care")) == ("1", "0")
    _place(
        officer,
        westlands,
        ward,
        "Neema",
        care_type=code("alternative_family_care_type_id", "AFFC"),
        caregiver_name="A foster family",
    )
    coord.reload()
    coord.locator('[data-figure="care"]').wait_for()
    assert (_figure(coord, "care"), _figure(coord, "family_care")) == ("1", "1")
