"""Dashboards test helpers: synthetic cases (invented names) on chosen dates, in the cast's areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cpims.cases.tests.conftest import ward_in
from cpims.reporting.tests.conftest import case

# A past quarter, so no test depends on today's date: Q1 of FY 2025/26 (July–September 2025).
QUARTER = "2025/26-Q1"
IN_QUARTER = dt.date(2025, 8, 14)
PREVIOUS_QUARTER = dt.date(2025, 5, 20)  # Q4 of FY 2024/25
LAST_YEAR = dt.date(2024, 8, 2)  # Q1 of FY 2024/25


def child(actor: Any, office: Any, *, sex: str = "female", age: int = 9, n: int = 0) -> Any:
    from cpims.registry import actions

    return actions.child_register(
        actor=actor,
        org_unit=office,
        child=actions.PersonInput(
            first_name=f"Dashchild{n}", last_name="Testfamily", sex=sex, age_years=age, ward=ward_in(office)
        ),
    ).child


def case_on(
    actor: Any, office: Any, reported_on: dt.date, *cats: str, sex: str = "female", age: int = 9, n: int = 0
) -> Any:
    """A case reported on ``reported_on`` with categories ``cats`` (DCS codes; default neglect)."""
    return case(
        actor,
        office,
        reported_on=reported_on,
        categories=cats or ("CSIC",),
        the_child=child(actor, office, sex=sex, age=age, n=n),
        reporter_name="Reporter Testname",
    )


def nairobi_cases(cast: Any, count: int, when: dt.date = IN_QUARTER, *cats: str, sex: str = "female") -> list[Any]:
    return [case_on(cast.nairobi_officer, cast.westlands_office, when, *cats, sex=sex, n=i) for i in range(count)]


def turkana_cases(cast: Any, count: int, when: dt.date = IN_QUARTER, *cats: str) -> list[Any]:
    return [case_on(cast.turkana_officer, cast.turkana_central_office, when, *cats, n=i) for i in range(count)]


@pytest.fixture
def period() -> Any:
    from cpims.core.periods import Period

    return Period.parse(QUARTER)
