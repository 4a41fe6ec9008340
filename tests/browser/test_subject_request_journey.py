"""Journey (issue 15, "Must show"): a mother asks for her child's data. The data protection officer
registers the request, sees it in the task list with its statutory due date, makes the export,
reviews what it withholds and closes the request within the deadline, on a phone; the request page
fits the phone and the desktop.

Created beforehand, with the ORM and the actions: the users, the child (with a case whose reporter,
perpetrator and notes name other people) and another child of the same office.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERPETRATOR = "Kazungu Journeyperp"
REPORTER = "Wafula Journeyreporter"
OTHER = ("Baraka", "Otherjourney")


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _no_sideways_scroll(page: Any) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return bool(scroll <= inner)


def _the_childs_file(officer: Any, westlands: Any) -> Any:
    from cpims.cases.tests.conftest import code, make_child, open_case

    child = make_child(officer, westlands, first="Zawadi", last="Journeytest")
    open_case(
        officer,
        westlands,
        child=child,
        reporter_name=REPORTER,
        perpetrators=[{"name": PERPETRATOR, "relationship": code("perpetrator_id", "RCEP"), "sex": "male", "age": 40}],
        notes=f"Zawadi says {PERPETRATOR} shouted at her.",
    )
    other = make_child(officer, westlands, first=OTHER[0], last=OTHER[1])
    open_case(officer, westlands, child=other)
    return child


def test_a_mother_asks_for_her_childs_data(crew: Actors, live_server: Any, reference: None) -> None:
    from django.utils import timezone

    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit
    from cpims.privacy.models import SubjectRequest

    base = live_server.url
    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("westlands_officer", R.SUBCOUNTY_OFFICER, westlands)
    dpo = _user("data_protection_officer", R.DATA_PROTECTION_OFFICER, OrgUnit.objects.get(code="DCS-HQ"))
    child = _the_childs_file(officer, westlands)
    today = timezone.localdate()

    # 1. The mother's request is registered: who asked, how her identity was checked, received today.
    page = crew.sign_in(dpo)
    page.goto(f"{base}/privacy/requests/")
    page.get_by_role("link", name="Register a request").click()
    page.get_by_role("heading", name="Register a subject request").wait_for()
    assert _no_sideways_scroll(page)
    page.select_option("#id_kind", value="access")
    page.fill("#id_cpims_number", child.cpims_number)
    page.fill("#id_requester_name", "Rehema Journeytest")
    page.select_option("#id_requester_relationship", value="mother")
    page.select_option("#id_identity_checked", value="national_id")
    page.fill("#id_details", "A copy of everything held about my daughter.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("registered.").wait_for()
    req = SubjectRequest.objects.get()
    assert req.due_on == today + dt.timedelta(days=7)
    assert page.get_by_test_id("due-on").inner_text().strip()

    # 2. It is in the officer's task list, with its due date.
    page.goto(f"{base}/cases/tasks/")
    page.get_by_text(f"Subject request {req.reference}").wait_for()

    # 3. The export is made; the page shows what it holds and what it withholds.
    page.goto(f"{base}/privacy/requests/{req.public_id}/")
    page.get_by_role("button", name="Make the export (PDF and JSON)").click()
    page.get_by_role("heading", name="Review the redaction").wait_for()
    review = page.locator("section", has=page.get_by_role("heading", name="Export")).inner_text()
    assert "Cases: 1" in review and "perpetrators 1" in review
    files = page.get_by_test_id("export-files")
    files.get_by_role("link", name="Download").first.wait_for()
    links = [a.get_attribute("href") for a in files.get_by_role("link", name="Download").all()]
    assert len(links) == 2
    bodies = [page.request.get(f"{base}{href}") for href in links]
    assert all(b.status == 200 for b in bodies)
    pdf = next(b for b in bodies if b.headers["content-type"].startswith("application/pdf"))
    assert pdf.body().startswith(b"%PDF")
    data = json.loads(next(b for b in bodies if "json" in b.headers["content-type"]).body())
    text = json.dumps(data)
    # The child's data, and no other child's name; third parties withheld.
    assert data["child"]["name"] == "Zawadi Journeytest" and data["child"]["cpims_number"] == child.cpims_number
    for name in (*OTHER, PERPETRATOR, REPORTER, "Kazungu", "Wafula"):
        assert name not in text, name
    assert data["cases"][0]["notes"] == "Zawadi says [withheld] shouted at her."

    # 4. The officer records the review, then closes the request within the deadline.
    page.get_by_role("button", name="I have reviewed the redaction").click()
    page.get_by_test_id("reviewed").wait_for()
    page.fill("#id_outcome_note", "Copy given to the mother in person.")
    page.get_by_role("button", name="Mark as completed").click()
    page.get_by_text("The request is completed.").wait_for()
    req.refresh_from_db()
    assert req.status == SubjectRequest.Status.COMPLETED
    assert req.closed_on is not None and req.closed_on <= req.due_on
    assert "late" not in page.locator("dl").inner_text()

    # The request page fits the phone, and the desktop.
    assert _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    assert _no_sideways_scroll(page)
    page.goto(f"{base}/privacy/requests/?show=all")
    page.get_by_text(req.reference).wait_for()
    assert _no_sideways_scroll(page)
