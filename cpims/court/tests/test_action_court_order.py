"""court_order_add / court_order_update: expiry from a period, dates checked, scope enforced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cpims.audit.models import AuditEvent
from cpims.core.validation import add_months
from cpims.court.actions import court_order_add, court_order_update
from cpims.court.models import CourtOrder
from cpims.court.tests.conftest import advance, days, order_type, session_type

pytestmark = pytest.mark.django_db


def test_order_with_a_period_gets_its_expiry(cast: Any, session: Any) -> None:
    order = court_order_add(actor=cast.nairobi_officer, session=session, order_type=order_type(), period_months=6)
    assert order.made_on == session.held_on and order.expires_on == add_months(session.held_on, 6)
    assert AuditEvent.objects.filter(action="case.court_order_add").count() == 1


def test_add_months_keeps_to_the_month_end() -> None:
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 1, 15), 12) == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_on": "before"}, "expires_on"),
        ({"made_on": "future"}, "made_on"),
        ({"made_on": "before_session"}, "made_on"),
        ({"order_type": "wrong_list"}, "order_type"),
        ({"period_months": 0}, "period_months"),
    ],
)
def test_bad_orders_are_refused(cast: Any, session: Any, changes: dict, field: str) -> None:
    values: dict[str, Any] = {"order_type": order_type(), "made_on": session.held_on}
    for key, value in changes.items():
        values[key] = {
            "before": session.held_on - dt.timedelta(days=1),
            "future": days(1),
            "before_session": session.held_on - dt.timedelta(days=2),
            "wrong_list": session_type(),
        }.get(value, value)
    with pytest.raises(ValidationError) as err:
        court_order_add(actor=cast.nairobi_officer, session=session, **values)
    assert field in err.value.message_dict
    assert not CourtOrder.objects.exists()


def test_scope(cast: Any, session: Any) -> None:
    with pytest.raises(Http404):
        court_order_add(actor=cast.partner, session=session, order_type=order_type())
    with pytest.raises(PermissionDenied):
        court_order_add(actor=cast.national_me, session=session, order_type=order_type())
    assert not CourtOrder.objects.exists()


def test_update_and_closed_case(cast: Any, session: Any) -> None:
    order = court_order_add(actor=cast.nairobi_officer, session=session, order_type=order_type())
    order = court_order_update(
        actor=cast.nairobi_officer,
        order=order,
        order_type=order_type("OCCR"),
        made_on=session.held_on,
        expires_on=days(100),
    )
    assert order.order_type.code == "OCCR" and order.expires_on == days(100)
    advance(session.case, cast, "closed")
    with pytest.raises(ValidationError):
        court_order_add(actor=cast.nairobi_officer, session=session, order_type=order_type())
    assert CourtOrder.objects.count() == 1
