"""The home page is a work queue: each count the user's roles call for, linking to its list, and
a fixed number of queries however much is waiting."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions
from cpims.cases.tests.conftest import open_case


def _counts(client: Client) -> dict[str, int]:
    return {str(c.label): c.count for c in client.get(reverse("site:home")).context["work_counts"]}


def _overdue(actor: Any, case: Any, n: int) -> None:
    for i in range(n):
        actions.followup_add(
            actor=actor, case=case, due_on=timezone.localdate() - dt.timedelta(days=1 + i), purpose=f"Visit {i}"
        )


def test_an_officer_sees_the_counts_of_their_roles(client: Client, cast: Any, login: Any) -> None:
    _overdue(cast.nairobi_officer, open_case(cast.nairobi_officer, cast.westlands_office), 2)
    login(client, cast.nairobi_officer)
    counts = _counts(client)
    assert counts["Overdue follow-ups"] == 2
    assert counts["My open cases"] == 1
    assert {"Reports to triage", "Referrals to answer", "Care alerts", "Monthly returns due"} <= set(counts)
    assert "Approvals waiting" not in counts and "Returns awaiting your review" not in counts
    body = client.get(reverse("site:home")).content.decode()
    assert "?view=office&amp;kind=followup&amp;overdue=1" in body  # the count links to its list


def test_a_turkana_officer_does_not_count_nairobis_work(client: Client, cast: Any, login: Any) -> None:
    _overdue(cast.nairobi_officer, open_case(cast.nairobi_officer, cast.westlands_office), 2)
    login(client, cast.turkana_officer)
    counts = _counts(client)
    assert counts["Overdue follow-ups"] == 0 and counts["My open cases"] == 0


def test_a_stakeholder_has_no_work_queue(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.stakeholder)
    assert _counts(client) == {}
    assert "Waiting for you" not in client.get(reverse("site:home")).content.decode()


def test_zero_counts_are_shown_quietly_in_kiswahili(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    client.post(reverse("set_language"), {"language": "sw", "next": "/"})
    body = client.get(reverse("site:home")).content.decode()
    assert "Ufuatiliaji uliopitwa na wakati" in body
    assert re.search(r'text-bg-light border" data-count="0">0<', body)


def test_home_queries_do_not_grow_with_the_work_waiting(client: Client, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    _overdue(cast.nairobi_officer, case, 3)
    client.get(reverse("site:home"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("site:home")).status_code == 200
    _overdue(cast.nairobi_officer, case, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("site:home"))
    assert _counts(client)["Overdue follow-ups"] == 30
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 30
