"""Journey: a child in care, through the real pages, in Debian's chromium on a phone-sized screen.

A Westlands child with a case is admitted by the sub-county officer to a rescue centre under a
court order (from the case page); the officer transfers the child to a CCI (one action that closes
the rescue-centre placement and opens the CCI one); the CCI's manager records a case conference,
then discharges the child, reintegrated with family, and records a post-discharge follow-up. The
whole history shows on the child's profile timeline, and the admission and the exit show in the
CCI's population figures for the month.

Only the users, the institutions, a court, the child and the case are created beforehand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import make_user
from cpims.accounts import roles as R
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-care-journey-passphrase-2026"
PHONE = {"width": 390, "height": 844}


class Actors:
    """One browser context per actor, each signed in once (a second-factor code is single-use)."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[Any] = []

    def sign_in(self, user: Any) -> Any:

        context = self.browser.new_context(viewport=PHONE, locale="en-GB")
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


def _unit(name: str, code: str, kind: str, office: Any) -> Any:
    from cpims.geo.models import OrgUnit

    return OrgUnit.objects.create(
        name=name,
        code=code,
        kind=kind,
        parent=office,
        area=office.area,
        county=office.county,
        sub_county=office.sub_county,
    )


def _status(page: Any) -> str:
    return page.locator("#placement-status").inner_text().strip()


def test_child_in_care_from_rescue_centre_to_family(actors: Actors, live_server: Any, reference: None) -> None:
    from cpims.care.actions import CapacityInput, institution_save
    from cpims.care.models import Placement
    from cpims.cases.tests.conftest import make_child, open_case
    from cpims.geo.models import OrgUnit

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    rescue = _unit("Journey Rescue Centre", "RES-JOURNEY", OrgUnit.Kind.RESCUE_CENTRE, westlands)
    cci = _unit("Journey Childrens Home", "CCI-JOURNEY", OrgUnit.Kind.CCI, westlands)
    _unit("Journey Children Court", "CRT-JOURNEY", OrgUnit.Kind.COURT, westlands)
    for unit, places in ((rescue, 10), (cci, 8)):
        institution_save(
            actor=officer,
            org_unit=unit,
            expected_version=None,
            registration_status="registered",
            registration_number=f"REG-{unit.code}",
            capacity=[CapacityInput("any", "any", places)],
        )
    manager = _user("cci_manager", R.INSTITUTION_MANAGER, cci)
    child = make_child(officer, westlands, first="Wanjiku", last="Journeycare")
    case = open_case(officer, westlands, child=child)

    # 1. The officer admits the child to the rescue centre from the case page, under a court order.
    page = actors.sign_in(officer)
    page.goto(f"{base}/cases/{case.public_id}/")
    page.get_by_role("heading", name="Care and placements").wait_for()
    page.get_by_role("link", name="Admit to care").click()
    page.select_option("#id_care_type", label="Places of Safety and temporal shelter")
    page.select_option("#id_institution", label="Journey Rescue Centre")
    page.select_option("#id_admission_type", label="New admission")
    page.select_option("#id_admission_reason", label="Child in need of care and protection")
    page.select_option("#id_court", label="Journey Children Court")
    page.fill("#id_order_number", "CP 21/2026")
    page.fill("#id_order_date", case.reported_on.isoformat())
    page.fill("#id_order_period_months", "6")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Child admitted.").wait_for()
    assert _status(page) == "Resident"
    assert page.get_by_role("heading", name="Journey Rescue Centre").is_visible()
    assert "CP 21/2026" in page.locator("main").inner_text()

    # 2. The officer transfers the child to the CCI: one action closes one placement, opens the next.
    page.get_by_role("link", name="Transfer", exact=True).click()
    page.select_option("#id_to_institution", label="Journey Childrens Home")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Child transferred.").wait_for()
    assert page.get_by_role("heading", name="Journey Childrens Home").is_visible()
    assert "Journey Rescue Centre" in page.locator("main").inner_text()  # transferred from
    assert Placement.objects.filter(child=child, ended_on__isnull=True).get().institution_id == cci.pk

    # 3. The CCI manager finds the child among those in their care and records a case conference.
    mpage = actors.sign_in(manager)
    mpage.goto(f"{base}/care/placements/")
    mpage.get_by_role("link", name=re.compile("Wanjiku Journeycare")).click()
    mpage.get_by_role("link", name="Review", exact=True).click()
    mpage.select_option("#id_kind", label="Case conference")
    mpage.fill("#id_notes", "Family traced; plan to reintegrate.")
    mpage.get_by_role("button", name="Save").click()
    mpage.get_by_text("Review saved.").wait_for()
    assert "Case conference" in mpage.locator("main").inner_text()

    # 4. The manager discharges the child, reintegrated with family.
    mpage.get_by_role("link", name="Change status or discharge").click()
    mpage.select_option("#id_status", label="Reintegrated with family")
    mpage.get_by_role("button", name="Save").click()
    mpage.get_by_text("Status recorded.").wait_for()
    assert _status(mpage) == "Reintegrated with family"

    # 5. A post-discharge follow-up visit.
    mpage.get_by_role("link", name="Record a follow-up").click()
    mpage.select_option("#id_outcome", label="Settled well")
    mpage.fill("#id_notes", "Back in school.")
    mpage.get_by_role("button", name="Save").click()
    mpage.get_by_text("Follow-up saved.").wait_for()
    assert "Settled well" in mpage.locator("main").inner_text()

    # 6. The CCI's population figures show this month's admission and exit.
    mpage.goto(f"{base}/care/institutions/")
    mpage.get_by_role("link", name=re.compile("Journey Childrens Home")).click()
    mpage.locator("#population").wait_for()
    assert mpage.locator("#pop-admissions").inner_text() == "1"
    assert mpage.locator("#pop-discharges").inner_text() == "1"
    assert mpage.locator("#pop-total").inner_text() == "0"
    assert mpage.locator("#pop-vacancies").inner_text() == "8"

    # 7. The whole history is on the child's profile.
    page.goto(f"{base}/children/{child.public_id}/")
    timeline = page.locator("section[aria-labelledby=timeline-h]").inner_text()
    for text in (
        "Admitted to Journey Rescue Centre",
        "Admitted to Journey Childrens Home",
        "Care: Transferred to another institution",
        "Care review held: Case conference",
        "Care: Reintegrated with family",
        "Post-discharge follow-up",
    ):
        assert text in timeline, text
