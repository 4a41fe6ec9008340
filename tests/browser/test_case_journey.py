"""Journey: one case from a public concern to an approved closure, through the real pages, in
Debian's chromium on a phone-sized screen.

A member of the public reports a concern (no login); the Westlands officer triages it into a case
for a registered child with two categories, records the assessment and a case plan that the
Nairobi coordinator approves; the case is referred to an NGO whose caseworker accepts it and
records a service; a court session is recorded; the case is transferred to Dagoretti North, whose
officer accepts it and proposes the closure (an outcome and an intervention per category); the
coordinator approves it. Every actor signs in through the login page with a password and a
second factor, and each step checks what that actor sees (status, timeline rows).

Only the cast (users, the NGO) and the registered child are created beforehand, with the ORM.
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

PASSWORD = "a-Long-journey-passphrase-2026"
PHONE = {"width": 390, "height": 844}


class Actors:
    """One browser context per actor, each signed in once (a second factor code is single-use)."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[Any] = []

    def new_page(self) -> Any:
        context = self.browser.new_context(viewport=PHONE, locale="en-GB")
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def sign_in(self, user: Any) -> Any:

        page = self.new_page()
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
    # The second factor was set up earlier (the login journey shows how); the journey signs in with it.
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def _timeline(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#timeline li").all_inner_texts()]


def _status(page: Any) -> str:
    return page.locator("#case-heading .badge").inner_text().strip()


def _select(page: Any, selector: str, label: str) -> None:
    page.select_option(selector, label=label)


def test_case_from_public_concern_to_approved_closure(actors: Actors, live_server: Any, reference: None) -> None:
    from cpims.cases.models import Case
    from cpims.geo.models import Area, OrgUnit
    from cpims.registry import actions as registry_actions

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    dagoretti = OrgUnit.objects.get(code="DCS-SC275")
    nairobi = OrgUnit.objects.get(code="DCS-C047")
    ngo = OrgUnit.objects.create(
        name="Journey Children NGO",
        code="NGO-JOURNEY",
        kind=OrgUnit.Kind.NGO,
        area=westlands.area,
        county=westlands.county,
        sub_county=westlands.sub_county,
    )
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    coordinator = _user("nairobi_coordinator", R.COUNTY_COORDINATOR, nairobi)
    caseworker = _user("ngo_caseworker", R.PARTNER_CASEWORKER, ngo)
    receiver = _user("dagoretti_officer", R.SUBCOUNTY_OFFICER, dagoretti)
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=westlands.sub_county).order_by("code").first()
    child = registry_actions.child_register(
        actor=officer,
        org_unit=westlands,
        child=registry_actions.PersonInput(
            first_name="Zawadi", last_name="Journeytest", sex="female", age_years=9, ward=ward
        ),
    ).child

    # 1. A member of the public reports a concern, anonymously, without signing in.
    public = actors.new_page()
    public.goto(f"{base}/report-a-concern/")
    public.fill("#id_what_happened", "A girl of about nine is left alone for days and was beaten by a neighbour.")
    _select(public, "#id_county", "Nairobi")
    public.locator("#id_sub_county option", has_text="Westlands").wait_for(state="attached")
    _select(public, "#id_sub_county", "Westlands")
    public.fill("#id_child_name", "Zawadi")
    public.check("#id_anonymous")
    public.get_by_role("button", name="Send the report").click()
    public.get_by_role("heading", name=re.compile("your report was received")).wait_for()
    reference_number = public.locator("#reference").inner_text().strip()
    assert reference_number
    assert "Journeytest" not in public.content()  # the public page never reveals a record

    # 2. The Westlands officer triages it into a case for the registered child, two categories.
    west = actors.sign_in(officer)
    west.goto(f"{base}/intake/")
    west.locator("main a", has_text=reference_number).first.click()
    west.get_by_role("link", name="Open a case").click()
    west.fill("#id_cpims_number", child.cpims_number)
    _select(west, "#id_cat-0-category", "Neglect")
    _select(west, "#id_cat-0-nature", "One-off event")
    _select(west, "#id_cat-1-category", "Physical abuse/violence")
    _select(west, "#id_cat-1-nature", "One-off event")
    west.get_by_role("button", name="Open the case").click()
    west.locator("#case-heading").wait_for()
    case = Case.objects.get(child=child)
    case_url = f"{base}/cases/{case.public_id}/"
    assert west.url == case_url
    assert _status(west) == "Reported"
    assert case.case_number in west.locator("#case-heading").inner_text()
    categories = west.locator("section", has=west.get_by_role("heading", name="Case categories"))
    assert "Neglect" in categories.inner_text() and "Physical abuse/violence" in categories.inner_text()
    assert any("opened" in row.lower() for row in _timeline(west))

    # 3. Assessment and a case plan, submitted for approval.
    west.get_by_role("link", name="Start assessment").click()
    west.get_by_role("button", name="Start assessment").click()
    west.locator("#case-heading").wait_for()
    assert _status(west) == "Under assessment"
    west.get_by_role("link", name="Record assessment").click()
    west.fill("#id_summary", "Left alone for long periods; a neighbour hits her. Needs care and safety at home.")
    west.get_by_role("button", name="Record assessment").click()
    west.locator("#case-heading").wait_for()
    assert _status(west) == "Case plan"
    west.get_by_role("link", name="Add a goal").click()
    _select(west, "#id_domain", "Care")
    west.fill("#id_goal", "Safe, supervised care at home")
    west.fill("#id_actions", "Family conference; daily check by a neighbour volunteer")
    west.fill("#id_responsible", "Children officer and mother")
    west.fill("#id_due_on", "2030-06-30")
    west.locator("main form button[type=submit]").first.click()
    west.locator("#case-heading").wait_for()
    assert "Safe, supervised care at home" in west.locator("#plan").inner_text()
    west.get_by_role("link", name="Submit plan for approval").click()
    west.get_by_role("button", name="Submit plan for approval").click()
    west.get_by_text("Case plan awaiting approval", exact=True).wait_for()

    # 4. The Nairobi coordinator sees the plan on the task list and approves it.
    coord = actors.sign_in(coordinator)
    coord.goto(f"{base}/cases/tasks/?view=office")
    assert case.case_number in coord.locator("main").inner_text()
    coord.goto(case_url)
    coord.get_by_role("link", name="Approve plan").click()
    coord.get_by_role("button", name="Approve plan").click()
    coord.locator("#case-heading").wait_for()
    assert _status(coord) == "Services in progress"
    assert any("approved" in row.lower() for row in _timeline(coord))

    # 5. The officer records the child's consent to share with the NGO, then refers the case there.
    west.goto(f"{base}/children/{child.public_id}/")
    west.get_by_role("link", name="Record consent").click()
    _select(west, "#id_purpose", "Sharing data with a named organisation")
    west.select_option("#id_shared_with", label=ngo.name)
    _select(west, "#id_given_by", "Parent or guardian")
    west.locator("main form button[type=submit]").first.click()
    west.get_by_role("heading", name="Consent").wait_for()
    west.goto(case_url)
    west.locator("#referrals").get_by_role("link", name="Refer").click()
    west.select_option("#id_to_unit", label=f"{ngo.name} ({ngo.get_kind_display()})")
    _select(west, "#id_urgency", "Urgent")
    west.fill("#id_reason", "Counselling and a safe-home visit schedule.")
    west.locator("main form button[type=submit]").last.click()
    west.locator("#case-heading").wait_for()
    assert "Awaiting an answer" in west.locator("#referrals").inner_text()
    assert any(ngo.name in row and "Referred" in row for row in _timeline(west))

    # 6. The NGO caseworker finds it in the inbox, accepts it and records a service.
    partner = actors.sign_in(caseworker)
    # Before accepting, the NGO sees the referral but not the case.
    partner.goto(case_url)
    assert partner.get_by_role("heading", name=re.compile("not found", re.I)).count() == 1
    partner.goto(f"{base}/referrals/")
    partner.locator("main a", has_text=case.case_number).first.click()
    partner.get_by_role("button", name="Accept").click()
    partner.get_by_role("link", name="Record a service").wait_for()
    assert "Accepted" in partner.locator("h1").inner_text()
    partner.get_by_role("link", name="Record a service").click()
    _select(partner, "#id_service", "Family support")
    partner.fill("#id_notes", "First counselling session with the child and mother.")
    partner.locator("main form button[type=submit]").first.click()
    partner.get_by_role("link", name="Open the case").click()
    partner.locator("#case-heading").wait_for()
    assert "Family support" in partner.locator("#services").inner_text()
    assert ngo.name in partner.locator("#services").inner_text()
    rows = _timeline(partner)
    assert any("accepted" in row.lower() and ngo.name in row for row in rows)
    # The access was given in the name of the caseworker who accepted, not the referring officer.
    assert any(f"Access given to {ngo.name}" in row and caseworker.username in row for row in rows)
    # The NGO sees this one case only.
    partner.goto(f"{base}/cases/")
    assert "Cases found: 1" in partner.locator("main").inner_text()
    west.goto(case_url)
    assert "Accepted" in west.locator("#referrals").inner_text()
    assert "Family support" in west.locator("#services").inner_text()

    # 7. A court session is recorded.
    west.get_by_role("link", name="Record a session").click()
    west.locator("#id_session_type option").nth(1).wait_for(state="attached")
    west.select_option("#id_session_type", index=1)
    session_type = west.locator("#id_session_type option:checked").inner_text().strip()
    west.fill("#id_court_name", "Milimani Children's Court")
    west.fill("#id_next_date", "2030-01-15")
    west.locator("main form button[type=submit]").first.click()
    west.get_by_text("Court session recorded.").wait_for()
    assert f"{session_type} · Milimani Children's Court" in west.locator("main").inner_text()
    west.goto(case_url)
    assert "Milimani Children's Court" in west.locator("main").inner_text()  # the court panel
    assert any("court" in row.lower() for row in _timeline(west))

    # 8. The case is transferred to Dagoretti North, whose officer accepts it.
    west.locator("#referrals").get_by_role("link", name="Transfer").click()
    west.select_option("#id_to_office", label=f"{dagoretti.name} ({dagoretti.get_kind_display()})")
    west.fill("#id_reason", "The family moved to Dagoretti North.")
    west.locator("main form button[type=submit]").last.click()
    west.locator("#case-heading").wait_for()
    assert any("Transfer to" in row for row in _timeline(west))

    dago = actors.sign_in(receiver)
    dago.goto(f"{base}/referrals/transfers/")
    dago.locator("main a", has_text=case.case_number).first.click()
    dago.get_by_role("button", name="Accept and take over the case").click()
    dago.goto(case_url)
    dago.locator("#case-heading").wait_for()
    assert dagoretti.name in dago.locator("main").inner_text()
    assert any("Transfer accepted" in row for row in _timeline(dago))
    # The history stays with the case.
    assert any("Referred" in row for row in _timeline(dago))
    # The old office keeps no access.
    west.goto(case_url)
    assert west.get_by_role("heading", name=re.compile("not found", re.I)).count() == 1

    # 9. Closure with an outcome and an intervention per category, approved by the coordinator.
    dago.get_by_role("link", name="Propose closure").click()
    _select(dago, "#id_outcome", "Case Ended")
    interventions = dago.locator("select[id^=id_intervention_]")
    assert interventions.count() == 2
    for i in range(2):
        interventions.nth(i).select_option(label="Family support")
    dago.fill("#id_notes", "Child safe at home; family supported.")
    dago.get_by_role("button", name="Propose closure").click()
    dago.locator(".alert", has_text="Closure awaiting approval").wait_for()

    coord.goto(case_url)
    coord.get_by_role("link", name="Approve closure").click()
    coord.get_by_role("button", name="Approve closure").click()
    coord.locator("#case-heading").wait_for()
    assert _status(coord) == "Closed"
    assert "Case Ended" in coord.locator("main").inner_text()
    categories = coord.locator("section", has=coord.get_by_role("heading", name="Case categories")).inner_text()
    assert categories.count("Intervention: Family support") == 2
    rows = _timeline(coord)
    assert any("Case closed" in row and coordinator.username in row for row in rows)
    assert any("Closure proposed: Case Ended" in row and receiver.username in row for row in rows)

    dago.goto(case_url)
    assert _status(dago) == "Closed"
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.office_id == dagoretti.pk
