"""Returns test helpers: Nairobi-time instants, months and a return walked through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

NAIROBI = ZoneInfo("Africa/Nairobi")


def eat(y: int, m: int, d: int, hh: int = 12, mm: int = 0, ss: int = 0) -> dt.datetime:
    """An aware instant, East Africa Time."""
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=NAIROBI)


def last_month() -> Any:
    from cpims.returns.queries import last_months

    return last_months(2)[1]


def month(code: str) -> Any:
    from cpims.core.periods import Period

    return Period.parse(code)


def opened(cast: Any, unit: Any = None, user: Any = None, period: Any = None, now: dt.datetime | None = None) -> Any:
    """The unit's draft (Westlands by default, opened by its officer) for ``period`` (last month)."""
    from cpims.returns import actions

    return actions.return_open(
        actor=user or cast.nairobi_officer,
        org_unit=unit or cast.westlands_office,
        period=period or last_month(),
        now=now,
    )


def submitted(cast: Any, now: dt.datetime | None = None, **kw: Any) -> Any:
    from cpims.returns import actions

    ret = opened(cast, now=now, **kw)
    user = kw.get("user") or cast.nairobi_officer
    return actions.return_submit(actor=user, ret=ret, expected_version=ret.version, now=now)


@pytest.fixture
def draft(cast: Any) -> Any:
    return opened(cast)
