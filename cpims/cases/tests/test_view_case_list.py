from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.cases.tests.conftest import open_case


def test_list_filters_and_scope(client: Any, cast: Any, login: Any) -> None:
    mine = open_case(cast.nairobi_officer, cast.westlands_office)
    theirs = open_case(cast.turkana_officer, cast.turkana_central_office)
    login(client, cast.nairobi_officer)
    body = client.get(reverse("cases:case_list")).content.decode()
    assert mine.case_number in body and theirs.case_number not in body
    body = client.get(reverse("cases:case_list"), {"status": "closed"}).content.decode()
    assert mine.case_number not in body
    body = client.get(
        reverse("cases:case_list"), {"status": "reported", "category": mine.categories.first().category_id}
    ).content.decode()
    assert mine.case_number in body
    assert client.get(reverse("cases:case_list"), {"reported_from": "not a date"}).status_code == 200


def test_query_count_is_constant(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        open_case(cast.nairobi_officer, cast.westlands_office)
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)
