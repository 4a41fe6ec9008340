"""The statutory time limits and the 72-hour clock, tested at the edge."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from cpims.privacy.deadlines import clock, request_due_on

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_access_due_in_7_days_and_correction_in_14() -> None:
    received = dt.date(2026, 12, 1)
    assert request_due_on("access", received) == dt.date(2026, 12, 8)
    assert request_due_on("correction", received) == dt.date(2026, 12, 15)


@override_settings(CPIMS_PRIVACY_ACCESS_DAYS=21)
def test_the_limits_are_settings() -> None:
    assert request_due_on("access", dt.date(2026, 12, 1)) == dt.date(2026, 12, 22)


def test_deadline_is_72_hours_after_discovery() -> None:
    assert clock(T0, None, T0).deadline == T0 + dt.timedelta(hours=72)


def test_hours_left_count_down() -> None:
    c = clock(T0, None, T0 + dt.timedelta(hours=1, minutes=30))
    assert (c.hours_left, c.overdue) == (70, False)


def test_one_second_before_the_deadline_is_not_overdue() -> None:
    c = clock(T0, None, T0 + dt.timedelta(hours=72) - dt.timedelta(seconds=1))
    assert (c.hours_left, c.overdue) == (0, False)


def test_at_the_deadline_it_is_overdue() -> None:
    c = clock(T0, None, T0 + dt.timedelta(hours=72))
    assert c.overdue and c.hours_overdue == 0


def test_overdue_hours_count_up() -> None:
    c = clock(T0, None, T0 + dt.timedelta(hours=75, minutes=10))
    assert c.overdue and c.hours_overdue == 3


def test_a_notification_stops_the_clock() -> None:
    on_time = clock(T0, T0 + dt.timedelta(hours=71), T0 + dt.timedelta(hours=200))
    assert not on_time.overdue and not on_time.notified_late and on_time.hours_left == 1
    late = clock(T0, T0 + dt.timedelta(hours=73), T0 + dt.timedelta(hours=200))
    assert not late.overdue and late.notified_late
