"""The case list costs a fixed number of queries, however many cases (and categories) a page
holds, filtered or not."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.cases.tests.conftest import open_case

CASE_LIST_QUERIES = 8


def _queries(client: Any, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:case_list"), data or {}).status_code == 200
    return len(captured)


def test_case_list_queries_do_not_grow(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    client.get(reverse("cases:case_list"))
    few = [_queries(client), _queries(client, {"status": "reported"})]
    for _ in range(6):
        open_case(cast.nairobi_officer, cast.westlands_office)
    many = [_queries(client), _queries(client, {"status": "reported"})]
    assert few == many
    assert max(many) <= CASE_LIST_QUERIES


def test_case_list_queries_for_county_and_national(client: Any, cast: Any, login: Any) -> None:
    for _ in range(3):
        open_case(cast.nairobi_officer, cast.westlands_office)
    for user in (cast.nairobi_coordinator, cast.national_me):
        login(client, user)
        client.get(reverse("cases:case_list"))
        assert _queries(client) <= CASE_LIST_QUERIES


def test_case_list_scope(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    assert case.case_number not in client.get(reverse("cases:case_list")).content.decode()
    login(client, cast.stakeholder)
    assert client.get(reverse("cases:case_list")).status_code == 403
