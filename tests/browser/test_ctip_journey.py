"""Journey (issue 19, CTiP): a trafficked child is identified, sheltered, the family traced, the
child repatriated and followed up, through the real pages in Debian's chromium, on a phone
(390px) and then on a laptop (1366px), without sideways scrolling.

Created beforehand, with the ORM and the actions: the Westlands officer and the child's case
(category "trafficked child"), as the officer would have opened it from the child's profile.
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


def _no_sideways_scroll(page: Any, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: the page scrolls sideways ({scroll} > {inner})"


def _stage(page: Any, expected: str) -> None:
    page.locator(f'main [data-ctip-stage="{expected}"]').first.wait_for()


def _save(page: Any, where: str) -> None:
    _no_sideways_scroll(page, where)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Counter-trafficking (CTiP)").wait_for()


def test_a_trafficked_child_from_identification_to_follow_up(crew: Actors, live_server: Any, reference: None) -> None:
    from cpims.accounts import roles as R
    from cpims.ctip.models import CtipTrack
    from cpims.ctip.tests.conftest import ctip_case, make_child
    from cpims.geo.models import OrgUnit

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    case = ctip_case(officer, westlands, make_child(officer, westlands, first="Amani", last="Journeytest"))

    page = crew.sign_in(officer)
    # 1. The case page shows the CTiP section; the officer starts the track and identifies the child.
    page.goto(f"{base}/cases/{case.public_id}/")
    page.get_by_role("link", name="Start the CTiP track").click()
    page.get_by_role("link", name="Identify and screen the child").click()
    page.get_by_role("heading", name="Identification and screening").wait_for()
    page.select_option("#id_trafficking_type", label="Transnational")
    page.select_option("#id_nationality", label="Uganda")
    page.select_option("#id_country_of_origin", label="Uganda")
    page.fill("#id_route", "Busia border point, Nairobi")
    page.select_option("#id_purpose", label="Forced Labour")
    page.get_by_label("Deception").check()
    _save(page, "identification form (phone)")
    _stage(page, "identified")
    _no_sideways_scroll(page, "CTiP track (phone)")

    # 2. Sheltered.
    page.get_by_role("link", name="Record assistance").click()
    page.select_option("#id_kind", label="Shelter")
    _save(page, "assistance form (phone)")
    _stage(page, "assisted")
    page.locator("#ctip-assistance").get_by_text("Shelter").wait_for()

    # 3. The family traced in Uganda and assessed.
    page.get_by_role("link", name="Record tracing").click()
    page.select_option("#id_outcome", label="Family found")
    page.select_option("#id_country", label="Uganda")
    page.select_option("#id_assessment", label="Suitable for the child's return")
    _save(page, "tracing form (phone)")
    _stage(page, "traced")

    # 4. Repatriated to Uganda with an emergency travel document and an escort.
    page.get_by_role("link", name="Record travel").click()
    page.select_option("#id_kind", label="Repatriation to another country")
    page.select_option("#id_country", label="Uganda")
    page.select_option("#id_travel_document", label="Emergency travel document")
    page.fill("#id_escort", "Social worker")
    page.select_option("#id_receiving_agency", label="Uganda: Ministry of Gender, Labour and Social Development")
    _save(page, "return form (phone)")
    _stage(page, "returned")

    # 5. A reintegration plan, then a follow-up visit.
    page.get_by_role("link", name="Write the plan").click()
    page.fill("#id_reintegration_plan", "Back to school; family supported.")
    _save(page, "plan form (phone)")
    page.get_by_role("link", name="Record a follow-up").click()
    page.select_option("#id_status", label="Settling well")
    _save(page, "follow-up form (phone)")
    _stage(page, "reintegration")
    page.locator("#ctip-reintegration").get_by_text("Settling well").wait_for()
    _no_sideways_scroll(page, "CTiP track, every step filled (phone)")

    track = CtipTrack.objects.get(case=case)
    assert (track.stage, track.nationality.code, track.purpose.code) == ("reintegration", "UG", "TPLB")

    # 6. On a laptop: the track and a form fit the width too.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    _stage(page, "reintegration")
    _no_sideways_scroll(page, "CTiP track (laptop)")
    page.get_by_role("link", name="Record a follow-up").click()
    page.select_option("#id_status", label="Needs more support")
    _save(page, "follow-up form (laptop)")
    page.locator("#ctip-reintegration").get_by_text("Needs more support").wait_for()
