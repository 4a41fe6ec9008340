"""Journey (issue 19): a child in conflict with the law, from arrest to committal and aftercare,
through the real pages, in Debian's chromium on a phone (390px) and checked on a laptop (1366px).

The Westlands officer opens the case of a synthetic child with the category "Child offender",
records the arrest, takes the case to court, links the plea session and records that bail was
refused, records the remand in the remand home and the probation officer's report, then the
committal to the rehabilitation school under the court order (which admits the child there through
the care app and ends the remand), and starts aftercare. The track fits both widths without
sideways scroll.

Created beforehand, with the ORM and the actions: the officer, the units (police station, remand
home, rehabilitation school, court), the child and case, and the court records (the plea session
and the committal order), which belong to the court pages' own journey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _fits(page: Any, width: int) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner <= width, f"sideways scroll at {width}px: {scroll} > {inner}"


def _save(page: Any) -> None:
    page.locator("main form button[type=submit]").click()


def test_arrest_to_committal_and_aftercare(crew: Actors, live_server: Any, reference: None) -> None:
    from cpims.accounts import roles as R
    from cpims.cases.tests.conftest import code
    from cpims.court.actions import court_order_add, court_session_record
    from cpims.geo.models import OrgUnit
    from cpims.justice.models import JusticeTrack, Remand
    from cpims.justice.tests.conftest import Units, offender_case

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("justice_officer", R.SUBCOUNTY_OFFICER, westlands)
    units = Units(westlands)
    case = offender_case(officer, westlands, first="Tumaini", last="Journeytest")
    today = timezone.localdate()
    iso = today.isoformat()

    page = crew.sign_in(officer)
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    page.locator("#justice").get_by_role("link", name="Justice track").click()
    page.get_by_role("link", name="Record the arrest").click()
    page.locator("#id_ob_number").fill("OB 7/12/2026")
    page.locator("#id_police_station").select_option(label=units.police.name)
    page.locator("#id_charge").fill("Stealing a bicycle")
    page.locator("#id_arrested_on").fill((today - dt.timedelta(days=10)).isoformat())
    _save(page)
    page.get_by_text("Justice track opened.").wait_for()
    assert page.locator("#police").get_by_text("OB 7/12/2026").is_visible()

    page.locator("#route").get_by_role("link", name="Record").click()
    page.locator("#id_route").select_option("court")
    page.locator("#id_decided_on").fill((today - dt.timedelta(days=9)).isoformat())
    _save(page)
    page.locator("#route").get_by_text("Court", exact=True).wait_for()

    plea = court_session_record(
        actor=officer,
        case=case,
        session_type=code("courtsession_type_id", "STPL"),
        held_on=today - dt.timedelta(days=9),
        court=units.court,
        plea=code("plea_type_id", "PLNG"),
    )
    page.get_by_role("link", name="Plea and bail").click()
    page.locator("#id_plea_session").select_option(str(plea.pk))
    page.locator("#id_bail").select_option("refused")
    page.locator("#id_bail_on").fill(plea.held_on.isoformat())
    _save(page)
    page.locator("#route").get_by_text("Bail refused (remanded)").wait_for()

    page.get_by_role("link", name="Record a remand").click()
    page.locator("#id_institution").select_option(label=units.remand.name)
    page.locator("#id_started_on").fill(plea.held_on.isoformat())
    _save(page)
    page.locator("#remand").get_by_text("on remand").wait_for()

    page.get_by_role("link", name="Record a report").click()
    page.locator("#id_kind").select_option("probation")
    page.locator("#id_submitted_on").fill(iso)
    page.locator("#id_recommendation").fill("Committal to a rehabilitation school")
    _save(page)
    page.locator("#reports").get_by_text("Probation officer's report").wait_for()

    hearing = court_session_record(
        actor=officer,
        case=case,
        session_type=code("courtsession_type_id", "STHR"),
        held_on=today,
        court=units.court,
    )
    order = court_order_add(actor=officer, session=hearing, order_type=code("court_order_id", "OLCR"), period_months=36)
    page.get_by_role("link", name="Record the disposition").click()
    page.locator("#id_disposition").select_option("committal_rehabilitation")
    page.locator("#id_decided_on").fill(iso)
    page.locator("#id_court_order").select_option(str(order.pk))
    page.locator("#id_institution").select_option(label=units.rehab.name)
    _save(page)
    page.get_by_text("Disposition recorded.").wait_for()
    assert page.locator("#disposition").get_by_role("link", name=units.rehab.name).is_visible()
    assert page.locator("#remand").get_by_text("on remand").count() == 0

    page.get_by_role("link", name="Start aftercare").click()
    page.locator("#id_started_on").fill(iso)
    page.locator("#id_plan").fill("Return to school; monthly visits by the children officer")
    _save(page)
    page.locator("#aftercare").get_by_text("monthly visits").wait_for()
    _fits(page, PHONE["width"])
    page.set_viewport_size(LAPTOP)
    _fits(page, LAPTOP["width"])

    track = JusticeTrack.objects.get(case=case)
    assert track.disposition == "committal_rehabilitation" and track.aftercare_started_on == today
    placement = track.placement
    assert placement is not None
    assert placement.institution == units.rehab and placement.ended_on is None
    assert Remand.objects.get(track=track).ended_on == today
