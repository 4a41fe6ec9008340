"""The "my tasks" court source (``my_court_tasks``) reads the user's own sessions and summonses
(and those on cases the user opened) and gives exactly the tasks the full source marks as theirs,
in a fixed number of queries however many court dates the area holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpims.cases.tests.conftest import make_child, open_case
from cpims.court.actions import summons_issue
from cpims.court.queries import court_tasks, my_court_tasks
from cpims.court.tests.conftest import days, record_session

pytestmark = pytest.mark.django_db

USERS = ("nairobi_officer", "nairobi_coordinator", "turkana_officer", "partner", "stakeholder", "national_me")


def _mine_before(user: Any) -> list[Any]:
    """The previous full computation, kept to the user's own tasks."""
    return [t for t in court_tasks(user) if t.mine]


def _westlands_case(cast: Any, opener: Any, n: int) -> Any:
    child = make_child(opener, cast.westlands_office, first=f"Test{n}", last="Courtchild")
    return open_case(opener, cast.westlands_office, child=child)


def _court_dates(cast: Any, court: Any, n: int) -> None:
    for i in range(n):
        case = _westlands_case(cast, cast.nairobi_officer, i)
        # Recorded by the coordinator on the officer's case: both have it as their own.
        record_session(cast.nairobi_coordinator, case, court=court, held_on=days(-5), next_date=days(i % 3 - 1))
        summons_issue(
            actor=cast.nairobi_officer, case=case, person_role="Witness", issued_on=days(-5), due_on=days(-1 - i % 2)
        )


def test_same_tasks_as_the_full_source(cast: Any, westlands_case: Any, court: Any, turkana_case: Any) -> None:
    _court_dates(cast, court, 3)
    record_session(cast.turkana_officer, turkana_case, next_date=days(2))
    summons_issue(
        actor=cast.turkana_officer, case=turkana_case, person_role="Mother", issued_on=days(-3), due_on=days(-1)
    )
    for name in USERS:
        user = getattr(cast, name)
        assert my_court_tasks(user) == _mine_before(user), name
    assert len(my_court_tasks(cast.nairobi_officer)) == 6
    assert len(my_court_tasks(cast.nairobi_coordinator)) == 3
    assert len(my_court_tasks(cast.turkana_officer)) == 2


def test_only_the_pending_date_and_open_cases(cast: Any, westlands_case: Any, court: Any) -> None:
    record_session(cast.nairobi_officer, westlands_case, court=court, held_on=days(-9), next_date=days(-1))
    record_session(cast.nairobi_officer, westlands_case, court=court, held_on=days(-1), next_date=days(5))
    assert [t.due_on for t in my_court_tasks(cast.nairobi_officer)] == [days(5)]
    assert my_court_tasks(cast.nairobi_officer) == _mine_before(cast.nairobi_officer)


def test_keeps_the_scope(cast: Any, westlands_case: Any, court: Any) -> None:
    """A session recorded by someone whose scope no longer reaches the case is not their task."""
    from cpims.court.models import CourtSession

    record_session(cast.nairobi_officer, westlands_case, court=court)
    CourtSession.objects.update(recorded_by=cast.turkana_officer)
    assert my_court_tasks(cast.turkana_officer) == [] == _mine_before(cast.turkana_officer)


def test_query_count_does_not_grow(cast: Any, court: Any) -> None:
    _court_dates(cast, court, 1)
    with CaptureQueriesContext(connection) as few:
        my_court_tasks(cast.nairobi_officer)
    _court_dates(cast, court, 4)
    with CaptureQueriesContext(connection) as many:
        assert len(my_court_tasks(cast.nairobi_officer)) == 10
    # The user's session ids and summons ids (one UNION each), then the two scoped reads.
    assert len(few) == len(many) <= 5
