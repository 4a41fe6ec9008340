"""The inbox (referrals received) and the sent list."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.referrals.tests.conftest import make_child, open_case, refer


def _referrals(cast: Any, n: int) -> list[Any]:
    out = []
    for i in range(n):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Child{i}", last="Inboxtest")
        out.append(refer(cast, open_case(cast.nairobi_officer, cast.westlands_office, child=child)))
    return out


def test_inbox_lists_referrals_to_my_unit(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.partner)
    response = client.get(reverse("referrals:inbox"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"]] == [referral.pk]
    assert b"Zawadi" in response.content
    assert list(client.get(reverse("referrals:inbox"), {"status": "declined"}).context["page"]) == []


def test_inbox_of_other_units_is_empty(client: Any, cast: Any, login: Any, referral: Any) -> None:
    for user in (cast.nairobi_officer, cast.turkana_officer, cast.nairobi_coordinator):
        login(client, user)
        assert list(client.get(reverse("referrals:inbox")).context["page"]) == []
    for user in (cast.national_me, cast.stakeholder, cast.admin):
        login(client, user)
        assert client.get(reverse("referrals:inbox")).status_code == 403


def test_sent_list(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(reverse("referrals:sent"))
    assert [r.pk for r in response.context["page"]] == [referral.pk]
    login(client, cast.nairobi_coordinator)
    assert [r.pk for r in client.get(reverse("referrals:sent")).context["page"]] == [referral.pk]
    login(client, cast.turkana_officer)
    assert list(client.get(reverse("referrals:sent")).context["page"]) == []
    login(client, cast.partner)  # may refer, but does not see the case: not in its sent list
    assert list(client.get(reverse("referrals:sent")).context["page"]) == []


def test_inbox_query_count_is_constant(client: Any, cast: Any, login: Any) -> None:
    _referrals(cast, 1)
    login(client, cast.partner)
    client.get(reverse("referrals:inbox"))  # warm up (session, grants)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("referrals:inbox")).status_code == 200
    _referrals(cast, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("referrals:inbox"))
    assert len(response.context["page"]) == 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
    assert len(five) <= 12
