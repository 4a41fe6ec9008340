"""Pages: the officer prepares and submits; the coordinator returns with a comment and approves;
scope (other county 404); bad input; query counts on the lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.returns.models import MonthlyReturn
from cpims.returns.tests.conftest import last_month, opened, submitted


def test_officer_to_coordinator_journey(cast: Any, client: Any, login: Any) -> None:
    period = last_month()
    officer = login(client, cast.nairobi_officer)
    page = officer.get(reverse("returns:index"))
    assert page.status_code == 200 and "Start return" in page.content.decode()

    response = officer.post(
        reverse("returns:open", kwargs={"unit_id": cast.westlands_office.public_id}), {"month": period.code}
    )
    ret = MonthlyReturn.objects.get(org_unit=cast.westlands_office, month=period.start)
    assert response.status_code == 302 and response["Location"] == reverse(
        "returns:detail", kwargs={"public_id": ret.public_id}
    )
    detail = officer.get(response["Location"]).content.decode()
    assert 'id="save-draft"' in detail and 'id="submit-return"' in detail

    # Bad input: a clear message, nothing written.
    bad = officer.post(
        reverse("returns:save", kwargs={"public_id": ret.public_id}), {"version": ret.version, "vco_cases": "-3"}
    )
    assert bad.status_code == 400 and "0 or more" in bad.content.decode()
    ret.refresh_from_db()
    assert ret.version == 1

    data = {
        "version": ret.version,
        "vco_cases": "5",
        "chief_cases": "1",
        "line_ministry_cases": "",
        "community_forums": "2",
    }
    assert officer.post(reverse("returns:submit", kwargs={"public_id": ret.public_id}), data).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "submitted" and ret.paper["vco_cases"] == 5

    coordinator = login(client, cast.nairobi_coordinator)
    queue = coordinator.get(reverse("returns:review")).content.decode()
    assert str(ret.public_id) in queue
    page = coordinator.get(reverse("returns:detail", kwargs={"public_id": ret.public_id})).content.decode()
    assert "Approve return" in page and "Return with comment" in page
    empty = coordinator.post(
        reverse("returns:send_back", kwargs={"public_id": ret.public_id}), {"version": ret.version, "comment": ""}
    )
    assert empty.status_code == 400
    coordinator.post(
        reverse("returns:send_back", kwargs={"public_id": ret.public_id}),
        {"version": ret.version, "comment": "Add the chiefs' cases"},
    )
    ret.refresh_from_db()
    assert ret.status == "returned"

    officer = login(client, cast.nairobi_officer)
    page = officer.get(reverse("returns:detail", kwargs={"public_id": ret.public_id})).content.decode()
    assert "Add the chiefs" in page and "Resubmit return" in page
    officer.post(
        reverse("returns:submit", kwargs={"public_id": ret.public_id}),
        {**data, "version": ret.version, "chief_cases": "4"},
    )
    ret.refresh_from_db()
    assert ret.status == "submitted" and ret.paper["chief_cases"] == 4

    coordinator = login(client, cast.nairobi_coordinator)
    coordinator.post(reverse("returns:approve", kwargs={"public_id": ret.public_id}), {"version": ret.version})
    ret.refresh_from_db()
    assert ret.status == "approved"
    page = coordinator.get(reverse("returns:detail", kwargs={"public_id": ret.public_id})).content.decode()
    assert 'id="reopen-return"' in page and 'data-event="resubmitted"' in page


def test_stale_form_is_refused_with_a_message(cast: Any, client: Any, login: Any) -> None:
    ret = opened(cast)
    officer = login(client, cast.nairobi_officer)
    url = reverse("returns:save", kwargs={"public_id": ret.public_id})
    officer.post(url, {"version": 1, "vco_cases": "1"})
    response = officer.post(url, {"version": 1, "vco_cases": "9"})
    assert response.status_code == 400 and "changed by someone else" in response.content.decode()
    ret.refresh_from_db()
    assert ret.paper["vco_cases"] == 1


def test_other_county_gets_404(cast: Any, client: Any, login: Any) -> None:
    ret = submitted(cast)
    turkana = login(client, cast.turkana_coordinator)
    assert turkana.get(reverse("returns:detail", kwargs={"public_id": ret.public_id})).status_code == 404
    assert str(ret.public_id) not in turkana.get(reverse("returns:review") + "?status=all").content.decode()
    area = cast.nairobi_office.county.key
    assert turkana.get(reverse("returns:completeness") + f"?area={area}").status_code == 404


def test_national_me_sees_all(cast: Any, client: Any, login: Any) -> None:
    ret = submitted(cast)
    national = login(client, cast.national_me)
    assert str(ret.public_id) in national.get(reverse("returns:review")).content.decode()


def test_review_list_query_count(cast: Any, client: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    from cpims.geo.models import OrgUnit
    from cpims.returns import actions
    from cpims.returns.tests.test_completeness import _officer_of

    for unit in OrgUnit.objects.filter(county=cast.nairobi_office.county, kind="sub_county_office")[:8]:
        user = cast.nairobi_officer if unit.pk == cast.westlands_office.pk else _officer_of(unit)
        ret = actions.return_open(actor=user, org_unit=unit, period=last_month())
        actions.return_submit(actor=user, ret=ret, expected_version=ret.version)
    coordinator = login(client, cast.nairobi_coordinator)
    with django_assert_max_num_queries(15):
        response = coordinator.get(reverse("returns:review"))
    assert response.content.decode().count('data-status="submitted"') == 8


@pytest.mark.parametrize("area", ["", "county-047", "sub_county-274"])
def test_completeness_page(cast: Any, client: Any, login: Any, area: str, django_assert_max_num_queries: Any) -> None:
    submitted(cast)
    national = login(client, cast.national_me)
    url = reverse("returns:completeness") + f"?period={last_month().code}" + (f"&area={area}" if area else "")
    with django_assert_max_num_queries(20):
        response = national.get(url)
    assert response.status_code == 200
    assert 'id="completeness-table"' in response.content.decode()


def test_bad_period_is_a_message_not_an_error(cast: Any, client: Any, login: Any) -> None:
    national = login(client, cast.national_me)
    response = national.get(reverse("returns:completeness") + "?period=nonsense")
    assert response.status_code == 200 and "is not a reporting period" in response.content.decode()


def test_index_and_task_list_pages(cast: Any, client: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    submitted(cast)
    officer = login(client, cast.nairobi_officer)
    with django_assert_max_num_queries(15):
        page = officer.get(reverse("returns:index"))
    assert page.status_code == 200 and 'data-status="submitted"' in page.content.decode()
    tasks = officer.get(reverse("cases:task_list") + "?view=mine")
    assert tasks.status_code == 200
    coordinator = login(client, cast.nairobi_coordinator)
    tasks = coordinator.get(reverse("cases:task_list") + "?view=mine").content.decode()
    assert "Review the monthly return of" in tasks


def test_detail_page_query_count(cast: Any, client: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    ret = submitted(cast)
    coordinator = login(client, cast.nairobi_coordinator)
    with django_assert_max_num_queries(20):
        response = coordinator.get(reverse("returns:detail", kwargs={"public_id": ret.public_id}))
    assert response.status_code == 200


def test_kiswahili_page(cast: Any, client: Any, login: Any) -> None:
    officer = login(client, cast.nairobi_officer)
    client.post(reverse("set_language"), {"language": "sw", "next": "/"})
    assert "Ripoti za kila mwezi" in officer.get(reverse("returns:index")).content.decode()
