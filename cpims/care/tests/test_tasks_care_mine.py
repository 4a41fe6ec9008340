"""The "my tasks" care source (``my_care_tasks``) reads the user's own placements, reviews and
follow-ups and gives exactly the tasks the full source marks as the user's, in a fixed number of
queries however many placements the area holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpims.care import queries
from cpims.care.actions import placement_status_change, review_add
from cpims.care.models import Placement, Review
from cpims.care.tests.conftest import admit, days, make_child
from cpims.cases.tests.conftest import code

pytestmark = pytest.mark.django_db

USERS = ("nairobi_officer", "nairobi_coordinator", "turkana_officer", "partner", "stakeholder", "national_me")


def _mine_before(user: Any) -> list[Any]:
    """The previous full computation, kept to the user's own tasks."""
    return [t for t in queries.care_tasks(user) if t.mine]


def _placements(cast: Any, cci: Any, n: int, start: int = 0) -> list[Placement]:
    out = []
    for i in range(start, start + n):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Test{i}", last="Carechild")
        p = admit(cast.nairobi_officer, child, cci)
        Placement.objects.filter(pk=p.pk).update(order_date=days(-100), order_expires_on=days(i % 3 - 1))
        # Recorded by the coordinator: the review is the coordinator's and the placement maker's.
        review_add(actor=cast.nairobi_coordinator, placement=p, kind="care_plan", due_on=days(i % 2 - 1))
        out.append(p)
    return out


def test_same_tasks_as_the_full_source(cast: Any, cci: Any, tcci: Any) -> None:
    placements = _placements(cast, cci, 3)
    placement_status_change(actor=cast.nairobi_officer, placement=placements[0], status="escaped", on=days(-1))
    placement_status_change(
        actor=cast.nairobi_officer,
        placement=placements[1],
        status="discharged",
        on=days(-1),
        discharge_type=code("discharge_type_id", "TDEX"),
    )
    child = make_child(cast.turkana_officer, cast.turkana_central_office, first="Ekai", last="Carechild")
    admit(cast.turkana_officer, child, tcci)
    for name in USERS:
        user = getattr(cast, name)
        assert queries.my_care_tasks(user) == _mine_before(user), name
    kinds = sorted(t.kind for t in queries.my_care_tasks(cast.nairobi_officer))
    assert "care_escaped" in kinds and "care_review" in kinds and "care_order" in kinds
    assert {t.kind for t in queries.my_care_tasks(cast.nairobi_coordinator)} <= {"care_review", "care_capacity"}


def test_keeps_the_scope(cast: Any, cci: Any) -> None:
    """A review recorded by someone whose scope does not reach the placement is not their task."""
    _placements(cast, cci, 1)
    Review.objects.update(recorded_by=cast.turkana_officer)
    assert queries.my_care_tasks(cast.turkana_officer) == [] == _mine_before(cast.turkana_officer)


def test_query_count_does_not_grow(cast: Any, cci: Any) -> None:
    _placements(cast, cci, 1)
    with CaptureQueriesContext(connection) as few:
        queries.my_care_tasks(cast.nairobi_officer)
    _placements(cast, cci, 4, start=1)
    with CaptureQueriesContext(connection) as many:
        queries.my_care_tasks(cast.nairobi_officer)
    assert len(few) == len(many) <= 8
