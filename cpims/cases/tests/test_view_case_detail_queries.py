"""The case page and the panels other apps register on it cost a fixed number of queries,
however many follow-ups, services, categories, referrals and timeline events the case has."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions
from cpims.cases.tests.conftest import code, open_case
from cpims.referrals.tests.conftest import refer

CASE_PAGE_QUERIES = 24


def _url(case: Any) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def _queries(client: Any, case: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(case)).status_code == 200
    return len(captured)


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
    refer(cast, case)


def test_case_page_queries_do_not_grow(client: Any, cast: Any, login: Any) -> None:
    small = open_case(cast.nairobi_officer, cast.westlands_office)
    large = open_case(cast.nairobi_officer, cast.westlands_office)
    _fill(cast, small, 1)
    _fill(cast, large, 5)
    login(client, cast.nairobi_officer)
    client.get(_url(small))
    few, many = _queries(client, small), _queries(client, large)
    assert few == many
    assert many <= CASE_PAGE_QUERIES


def test_case_page_queries_for_a_county_coordinator(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    _fill(cast, case, 3)
    login(client, cast.nairobi_coordinator)
    client.get(_url(case))
    assert _queries(client, case) <= CASE_PAGE_QUERIES


def test_case_page_scope(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    assert client.get(_url(case)).status_code == 404
