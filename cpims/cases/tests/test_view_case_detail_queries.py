"""The case page and the panels other apps register on it cost at most 12 queries, however many
categories, perpetrators, follow-ups, services, referrals and timeline events the case has."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions
from cpims.cases.tests.conftest import categories, code, open_case
from cpims.referrals.actions import referral_accept
from cpims.referrals.tests.conftest import refer

# session, user (with the grants and the session's device), the case (with its plan, the answers
# to every permission the page and its panels ask, whether the child may be opened, and which
# sections are empty), its categories, the audit row, perpetrators, timeline, services, needs,
# follow-ups, access grants, referrals: 12. Sections the case has no row of (transfers, court,
# care, justice, CTiP, a pending closure) cost none.
CASE_PAGE_QUERIES = 12


def _url(case: Any) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def _queries(client: Any, case: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(case)).status_code == 200
    return len(captured)


def _case(cast: Any) -> Any:
    return open_case(
        cast.nairobi_officer,
        cast.westlands_office,
        categories=categories("CSIC", "CSNG", "CCDF"),
        perpetrators=[
            {"name": f"Alleged Person{i}", "relationship": code("perpetrator_id", "RCEP"), "sex": "male", "age": 40}
            for i in range(2)
        ],
        immediate_needs=[code("immediate_need_id", "ESAS"), code("immediate_need_id", "ESCH")],
        long_term_needs=[code("long_term_support_id", "LSES")],
    )


def _fill(cast: Any, case: Any, rows: int) -> None:
    for i in range(rows):
        actions.followup_add(actor=cast.nairobi_officer, case=case, due_on=timezone.localdate(), purpose=f"Visit {i}")
        actions.service_record(
            actor=cast.nairobi_officer,
            child=case.child,
            case=case,
            service=code("intervention_id", "CMTN"),
            given_on=timezone.localdate(),
            provider=cast.westlands_office,
        )
        actions.case_update(actor=cast.nairobi_officer, case=case, expected_version=None, notes=f"n{i}")
    referral_accept(actor=cast.partner, referral=refer(cast, case))


def test_case_page_queries_do_not_grow(client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    small, large = _case(cast), _case(cast)
    _fill(cast, small, 1)
    _fill(cast, large, 5)
    login(client, cast.nairobi_officer)
    client.get(_url(small))  # warm: compiled URL patterns, templates
    few, many = _queries(client, small), _queries(client, large)
    assert few == many
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(_url(large))
    body = response.content.decode()
    for text in ("Alleged Person1", "Visit 4", cast.nairobi_ngo.name):
        assert text in body


def test_case_page_queries_for_a_county_coordinator(
    client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    case = _case(cast)
    _fill(cast, case, 3)
    login(client, cast.nairobi_coordinator)
    client.get(_url(case))
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        assert client.get(_url(case)).status_code == 200


def test_case_page_scope(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    assert client.get(_url(case)).status_code == 404
