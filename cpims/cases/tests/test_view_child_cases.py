"""The child's profile lists the child's cases (open and closed, newest first) and offers "Open a
case" to those who may; the number of queries does not grow with the number of cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases.tests.conftest import advance, make_child, open_case


def profile(child: Any) -> str:
    return reverse("registry:child_detail", kwargs={"public_id": child.public_id})


def test_open_and_closed_cases_newest_first_with_open_a_case(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    today = timezone.localdate()
    old = open_case(cast.nairobi_officer, cast.westlands_office, child=child, reported_on=today - dt.timedelta(days=30))
    old = advance(old, cast, "closed")
    new = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
    login(client, cast.nairobi_officer)
    body = client.get(profile(child)).content.decode()
    assert body.index(new.case_number) < body.index(old.case_number)
    assert reverse("cases:case_detail", kwargs={"public_id": old.public_id}) in body
    assert "Closed" in body
    assert f"{reverse('cases:case_create')}?child={child.public_id}" in body
    assert "Open a case" in body


def test_no_open_a_case_without_case_create(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.national_me)
    body = client.get(profile(case.child)).content.decode()
    assert case.case_number in body
    assert "Open a case" not in body


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_cases(client: Any, cast: Any, login: Any) -> None:
    one = make_child(cast.nairobi_officer, cast.westlands_office, first="Onecase")
    open_case(cast.nairobi_officer, cast.westlands_office, child=one)
    ten = make_child(cast.nairobi_officer, cast.westlands_office, first="Tencases")
    for _i in range(10):
        open_case(cast.nairobi_officer, cast.westlands_office, child=ten)
    login(client, cast.nairobi_officer)
    _queries(client, profile(one))  # warm the per-session caches
    assert _queries(client, profile(one)) == _queries(client, profile(ten))
