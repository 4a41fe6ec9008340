"""Journey (issue 19, IPRS): a Westlands officer checks a child's birth registration number with IPRS
on a phone, in Debian's chromium, against the fake IPRS gateway of the iprs tests.

IPRS holds the number with another date of birth: the result page shows our record and IPRS's side
by side and says our record was not changed; the child's page shows the "does not match" badge with
who checked it. IPRS then goes down: a second check says so and records nothing. The pages fit the
phone and the desktop width without sideways scroll.

Created beforehand, with the ORM and the actions: the officer and the child with its number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cpims.integrations.iprs.tests.conftest import NUMBER, fake_iprs, iprs  # noqa: F401 - fixtures
from tests.browser.test_case_journey import Actors, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def crew(browser: Any, live_server: Any) -> Iterator[Actors]:
    actors = Actors(browser, live_server.url)
    yield actors
    actors.close()


def _fits(page: Any) -> bool:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll <= inner


def test_officer_checks_a_birth_certificate_with_iprs(
    crew: Actors,
    live_server: Any,
    iprs: Any,  # noqa: F811 - the fixture imported above
    reference: None,
) -> None:
    from cpims.accounts import roles as R
    from cpims.core.models import Code
    from cpims.geo.models import Area, OrgUnit
    from cpims.registry import actions
    from cpims.registry.models import IdentifierVerification

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("iprs_officer", R.SUBCOUNTY_OFFICER, westlands)
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=westlands.sub_county).order_by("code").first()
    child = actions.person_create(
        actor=officer,
        org_unit=westlands,
        data=actions.PersonInput(
            first_name="Zawadi", last_name="Iprstest", sex="female", date_of_birth=dt.date(2017, 5, 2), ward=ward
        ),
    )
    birth_reg = Code.objects.get(code_list__name="identifier_type_id", code="ISOV")
    actions.identifier_add(actor=officer, person=child, id_type=birth_reg, value=NUMBER)
    iprs.hold(NUMBER, "Zawadi", "", "Iprstest", "2016-05-02")

    page = crew.sign_in(officer)
    page.goto(f"{live_server.url}/children/{child.public_id}/")
    page.get_by_role("button", name="Verify with IPRS").click()
    page.get_by_role("heading", name="Latest check").wait_for()
    assert "our record was not changed" in page.locator("main").inner_text()
    table = page.locator("main table").first
    assert "2 May 2017" in table.inner_text() and "2 May 2016" in table.inner_text()
    assert _fits(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    assert _fits(page)
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("link", name="Zawadi Iprstest").click()
    badge = page.get_by_text("IPRS: does not match")
    badge.wait_for()
    assert str(officer) in page.locator("#ids-h + ul").inner_text()
    assert _fits(page)

    iprs.status = 503  # IPRS goes down
    page.get_by_role("button", name="Verify with IPRS").click()
    page.get_by_text("IPRS is not working at the moment").wait_for()
    assert IdentifierVerification.objects.count() == 1
