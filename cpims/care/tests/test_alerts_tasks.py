"""Alerts and task-list entries at their date edges. An order whose expiry date is today shows
as "expires today" (expiring, not yet expired); one that expired yesterday is expired. A review due
today is due, not overdue; one due yesterday is overdue. Escaped children; institutions over
capacity."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.care import queries
from cpims.care.actions import CapacityInput, OrderInput, institution_save, placement_status_change, review_add
from cpims.care.models import Placement
from cpims.care.tests.conftest import admit, code, days, make_child, make_institution, manager_of
from cpims.cases.tasks import tasks_for

pytestmark = pytest.mark.django_db


def _with_expiry(p: Placement, expires_on: Any) -> Placement:
    Placement.objects.filter(pk=p.pk).update(order_date=days(-100), order_expires_on=expires_on)
    p.refresh_from_db()
    return p


@pytest.mark.parametrize(
    ("expires", "expired", "expiring"),
    [(-1, True, False), (0, False, True), (1, False, True), (30, False, True), (31, False, False)],
)
def test_order_expiry_edges(cast: Any, placement: Any, expires: int, expired: bool, expiring: bool) -> None:
    _with_expiry(placement, days(expires))
    user = cast.nairobi_officer
    assert queries.expired_orders(user).filter(pk=placement.pk).exists() is expired
    assert queries.expiring_orders(user).filter(pk=placement.pk).exists() is expiring
    a = queries.alerts(user)
    assert (placement in a.expired) is expired


def test_ended_placement_raises_no_expiry_alert(cast: Any, placement: Any) -> None:
    _with_expiry(placement, days(-5))
    placement_status_change(
        actor=cast.nairobi_officer,
        placement=placement,
        status="discharged",
        on=days(-1),
        discharge_type=code("discharge_type_id", "TDEX"),
    )
    assert not queries.expired_orders(cast.nairobi_officer).exists()


def test_expiry_from_period_matches_court_convention(cast: Any, child: Any, cci: Any) -> None:
    from cpims.core.validation import add_months

    p = admit(cast.nairobi_officer, child, cci, order=OrderInput(court_name="C", date=days(-40), period_months=1))
    assert p.order_expires_on == add_months(days(-40), 1)
    assert queries.expired_orders(cast.nairobi_officer).filter(pk=p.pk).exists() is (p.order_expires_on < days(0))


@pytest.mark.parametrize(("due", "overdue"), [(-1, True), (0, False), (1, False)])
def test_review_overdue_edges(cast: Any, placement: Any, due: int, overdue: bool) -> None:
    review_add(actor=cast.nairobi_officer, placement=placement, kind="care_plan", due_on=days(due))
    assert queries.overdue_reviews(cast.nairobi_officer).exists() is overdue
    tasks = [t for t in tasks_for(cast.nairobi_officer) if t.kind == "care_review"]
    assert len(tasks) == 1 and tasks[0].due_on == days(due) and tasks[0].overdue is overdue
    assert ("overdue" in tasks[0].title) is overdue


def test_held_review_is_no_longer_due(cast: Any, placement: Any) -> None:
    review_add(actor=cast.nairobi_officer, placement=placement, kind="care_plan", due_on=days(-3))
    review_add(actor=cast.nairobi_officer, placement=placement, kind="care_plan", held_on=days(-1))
    assert not queries.overdue_reviews(cast.nairobi_officer).exists()


def test_escaped_until_found(cast: Any, placement: Any) -> None:
    p = placement_status_change(actor=cast.nairobi_officer, placement=placement, status="escaped", on=days(-2))
    assert list(queries.escaped(cast.nairobi_officer)) == [p]
    assert any(t.kind == "care_escaped" for t in tasks_for(cast.nairobi_officer))
    placement_status_change(actor=cast.nairobi_officer, placement=p, status="resident", on=days(0))
    assert not queries.escaped(cast.nairobi_officer).exists()


def test_over_capacity_alert_and_task(cast: Any, cci: Any) -> None:
    institution_save(
        actor=cast.nairobi_officer,
        org_unit=cci,
        expected_version=None,
        registration_status="registered",
        registration_number="R",
        capacity=[CapacityInput("any", "any", 1)],
    )
    for name in ("Imani", "Jabari"):
        admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first=name), cci)
    assert [u.pk for u in queries.alerts(cast.nairobi_officer).over_capacity] == [cci.pk]
    assert any(t.kind == "care_capacity" for t in tasks_for(manager_of(cci)))
    assert queries.alerts(cast.turkana_officer).over_capacity == []


def test_alerts_are_scoped(cast: Any, placement: Any, tcci: Any) -> None:
    _with_expiry(placement, days(-1))
    assert queries.alerts(cast.turkana_officer).expired == []
    assert queries.alerts(cast.national_me).expired == [placement]
    assert tasks_for(cast.national_me) == [] or all(t.source != "care" for t in tasks_for(cast.national_me))


def test_alerts_page_query_count(
    cast: Any, cci: Any, client: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:alerts")

    def make(n: int) -> None:
        for i in range(n):
            child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Alert{i}")
            p = admit(cast.nairobi_officer, child, cci)
            _with_expiry(p, days(-1))
            placement_status_change(actor=cast.nairobi_officer, placement=p, status="escaped", on=days(-1))

    make(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.content.count(b"Alert") >= 7


def test_task_list_page_shows_care_tasks(cast: Any, client: Any, login: Any, placement: Any) -> None:
    review_add(actor=cast.nairobi_officer, placement=placement, kind="care_plan", due_on=days(-2))
    login(client, manager_of(placement.institution))
    response = client.get(reverse("cases:task_list") + "?view=office")
    assert response.status_code == 200
    assert b"Review overdue: Individual care plan review" in response.content


def test_over_capacity_is_found_past_the_list_limit(cast: Any, cci: Any, monkeypatch: Any) -> None:
    """Only institutions over capacity fill the (limited) list: one late in the alphabet is shown
    even when institutions before it have room."""
    monkeypatch.setattr(queries, "ALERT_LIMIT", 1)
    full = make_institution(cast.westlands_office, "CCI-TEST-Z", "Zz Test Home", places=[("any", "any", 1)])
    for name in ("Imani", "Jabari"):
        admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first=name), full)
    assert [u.pk for u in queries.over_capacity(cast.nairobi_officer)] == [full.pk]
