"""The referrals inbox and sent list cost a fixed number of queries, however many referrals."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.cases.tests.conftest import make_child, open_case
from cpims.referrals.tests.conftest import refer

LIST_QUERIES = 8


def _queries(client: Any, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured)


def _referrals(cast: Any, count: int) -> None:
    for i in range(count):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Imani{i}", last="Listtest")
        refer(cast, open_case(cast.nairobi_officer, cast.westlands_office, child=child))


def test_inbox_and_sent_queries_do_not_grow(client: Any, cast: Any, login: Any) -> None:
    _referrals(cast, 1)
    login(client, cast.partner)
    client.get(reverse("referrals:inbox"))
    few_inbox = _queries(client, "referrals:inbox")
    login(client, cast.nairobi_officer)
    client.get(reverse("referrals:sent"))
    few_sent = _queries(client, "referrals:sent")
    _referrals(cast, 5)
    assert _queries(client, "referrals:sent") == few_sent <= LIST_QUERIES
    login(client, cast.partner)
    assert _queries(client, "referrals:inbox") == few_inbox <= LIST_QUERIES


def test_inbox_scope(client: Any, cast: Any, login: Any) -> None:
    _referrals(cast, 1)
    login(client, cast.turkana_officer)
    assert "Imani0" not in client.get(reverse("referrals:inbox")).content.decode()
