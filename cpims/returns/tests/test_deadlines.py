"""Deadlines: the end of the due day in Africa/Nairobi, whatever timezone the instant is given in."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cpims.core.periods import Period
from cpims.returns import actions, registry
from cpims.returns.tests.conftest import eat, opened

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_due_dates_follow_the_dcs_guidelines() -> None:
    sub, partner = registry.get_kind("subcounty"), registry.get_kind("partner")
    assert sub.due_date(Period.parse("2026-07")) == dt.date(2026, 8, 5)
    assert sub.due_date(Period.parse("2026-12")) == dt.date(2027, 1, 5)  # over the year end
    assert partner.due_date(Period.parse("2026-07")) == dt.date(2026, 7, 31)
    assert partner.due_date(Period.parse("2028-02")) == dt.date(2028, 2, 29)  # leap year
    assert partner.due_date(Period.parse("2026-02")) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("instant", "on_time"),
    [
        (eat(2026, 8, 5, 23, 59, 59), True),
        (eat(2026, 8, 6, 0, 0, 0), False),
        (dt.datetime(2026, 8, 5, 20, 59, 59, tzinfo=UTC), True),  # = 23:59:59 EAT
        (dt.datetime(2026, 8, 5, 21, 0, 0, tzinfo=UTC), False),  # = 00:00:00 EAT on the 6th
        (dt.datetime(2026, 8, 5, 16, 59, 59, tzinfo=NEW_YORK), True),  # EDT, UTC-4
        (dt.datetime(2026, 8, 5, 17, 0, 0, tzinfo=NEW_YORK), False),
        (dt.datetime(2026, 8, 6, 5, 59, 59, tzinfo=TOKYO), True),  # UTC+9: already the 6th in Tokyo
        (dt.datetime(2026, 8, 6, 6, 0, 0, tzinfo=TOKYO), False),
    ],
)
def test_subcounty_deadline_edges(instant: dt.datetime, on_time: bool) -> None:
    assert registry.get_kind("subcounty").is_on_time(Period.parse("2026-07"), instant) is on_time


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        registry.get_kind("subcounty").is_on_time(Period.parse("2026-07"), dt.datetime(2026, 8, 5, 12))


@pytest.mark.parametrize(
    ("instant", "on_time"),
    [(eat(2026, 8, 5, 23, 59, 59), True), (dt.datetime(2026, 8, 5, 21, 0, 0, tzinfo=UTC), False)],
)
def test_submission_records_timeliness_at_the_edge(cast: Any, instant: dt.datetime, on_time: bool) -> None:
    ret = opened(cast, period=Period.parse("2026-07"), now=eat(2026, 7, 31, 9))
    ret = actions.return_submit(actor=cast.nairobi_officer, ret=ret, expected_version=ret.version, now=instant)
    assert ret.on_time is on_time
    assert ret.first_submitted_at == instant


def test_partner_deadline_is_the_last_day_of_the_month(cast: Any) -> None:
    kind = registry.get_kind("partner")
    july = Period.parse("2026-07")
    assert kind.is_on_time(july, eat(2026, 7, 31, 23, 59, 59))
    assert not kind.is_on_time(july, eat(2026, 8, 1, 0, 0, 0))
    ret = opened(cast, unit=cast.nairobi_ngo, user=cast.partner, period=july, now=eat(2026, 7, 20))
    ret = actions.return_submit(
        actor=cast.partner, ret=ret, expected_version=ret.version, now=eat(2026, 7, 31, 23, 59, 59)
    )
    assert ret.on_time is True


def test_a_return_cannot_be_submitted_before_the_last_day_of_its_month(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    ret = opened(cast, period=Period.parse("2026-07"), now=eat(2026, 7, 10))
    with pytest.raises(ValidationError):
        actions.return_submit(
            actor=cast.nairobi_officer, ret=ret, expected_version=ret.version, now=eat(2026, 7, 30, 23)
        )
    ret.refresh_from_db()
    assert ret.status == "draft" and ret.first_submitted_at is None


def test_a_return_cannot_be_opened_for_a_future_month(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        opened(cast, period=Period.parse("2026-08"), now=eat(2026, 7, 31, 23, 59, 59))
