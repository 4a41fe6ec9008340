"""court:diary — upcoming (and missed) court dates in the user's scope, paged, constant queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.court.tests.conftest import days, make_child, open_case, record_session

pytestmark = pytest.mark.django_db
URL = reverse("court:diary")


def westlands_cases(cast: Any, n: int) -> list[Any]:
    out = []
    for i in range(n):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Child{i}", last="Testdiary")
        case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
        record_session(cast.nairobi_officer, case, next_date=days(i + 1))
        out.append(case)
    return out


def queries_for(client: Any, url: str = URL) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_upcoming_and_missed(
    client: Any, login: Any, cast: Any, westlands_case: Any, turkana_case: Any, court: Any
) -> None:
    record_session(cast.nairobi_officer, westlands_case, next_date=days(3))
    record_session(
        cast.turkana_officer, turkana_case, held_on=days(-9), next_date=days(-2), court=None, court_name="Lodwar"
    )
    login(client, cast.nairobi_officer)
    body = client.get(URL).content.decode()
    assert westlands_case.case_number in body and turkana_case.case_number not in body
    assert westlands_case.case_number not in client.get(URL + "?show=missed").content.decode()
    client.logout()
    login(client, cast.turkana_officer)
    assert turkana_case.case_number in client.get(URL + "?show=missed").content.decode()
    assert turkana_case.case_number not in client.get(URL).content.decode()


def test_query_count_is_constant(client: Any, login: Any, cast: Any, court: Any) -> None:
    westlands_cases(cast, 2)
    login(client, cast.nairobi_officer)
    few = queries_for(client)
    westlands_cases(cast, 6)
    assert queries_for(client) == few
    assert few <= 10


def test_paged(client: Any, login: Any, cast: Any, court: Any, monkeypatch: Any) -> None:
    from cpims.court import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    cases = westlands_cases(cast, 3)
    login(client, cast.nairobi_officer)
    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2").content.decode()
    assert cases[0].case_number in first and cases[2].case_number not in first
    assert cases[2].case_number in second
    assert client.get(URL + "?page=zzz").status_code == 200


@pytest.mark.parametrize(("user", "status"), [("stakeholder", 403), ("admin", 403), ("partner", 200)])
def test_who_may_open_it(client: Any, login: Any, cast: Any, session: Any, user: str, status: int) -> None:
    login(client, getattr(cast, user))
    response = client.get(URL)
    assert response.status_code == status
    if status == 200:
        assert session.case.case_number not in response.content.decode()


def test_in_kiswahili(client: Any, login: Any, cast: Any, session: Any) -> None:
    login(client, cast.nairobi_officer)
    client.cookies["django_language"] = "sw"
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Shajara ya mahakama" in body and session.case.case_number in body
