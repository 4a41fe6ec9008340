"""The "my tasks" referrals source (``my_referral_tasks``): the receiving side is the user's units'
inbox as before; the sending side reads only the user's own overdue referrals. It gives exactly
the tasks the full source marks as the user's, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpims.cases.tests.conftest import make_child, open_case
from cpims.referrals.models import Referral
from cpims.referrals.queries import my_referral_tasks, referral_tasks
from cpims.referrals.tests.conftest import refer

USERS = ("nairobi_officer", "nairobi_coordinator", "turkana_officer", "partner", "stakeholder", "national_me")


def _mine_before(user: Any) -> list[Any]:
    """The previous full computation, kept to the user's own tasks."""
    return [t for t in referral_tasks(user) if t.mine]


def _referrals(cast: Any, n: int, *, overdue: bool = True) -> None:
    for i in range(n):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Test{i}", last="Referchild")
        referral = refer(cast, open_case(cast.nairobi_officer, cast.westlands_office, child=child))
        if overdue:
            due = timezone.localdate() - dt.timedelta(days=1 + i % 2)
            Referral.objects.filter(pk=referral.pk).update(answer_due_on=due)


def test_same_tasks_as_the_full_source(cast: Any, referral: Any) -> None:
    _referrals(cast, 3)
    for name in USERS:
        user = getattr(cast, name)
        assert my_referral_tasks(user) == _mine_before(user), name
    assert [t.kind for t in my_referral_tasks(cast.nairobi_officer)] == ["referral_overdue"] * 3
    assert my_referral_tasks(cast.nairobi_coordinator) == []  # the office's, not the coordinator's own
    assert len(my_referral_tasks(cast.partner)) == 4  # the receiving unit's inbox


def test_due_today_is_not_overdue(cast: Any, referral: Any) -> None:
    Referral.objects.filter(pk=referral.pk).update(answer_due_on=timezone.localdate())
    assert my_referral_tasks(cast.nairobi_officer) == [] == _mine_before(cast.nairobi_officer)


def test_keeps_the_scope(cast: Any, referral: Any) -> None:
    """A referral sent by someone whose scope no longer reaches the case is not their task."""
    Referral.objects.filter(pk=referral.pk).update(
        from_user=cast.turkana_officer, answer_due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    assert my_referral_tasks(cast.turkana_officer) == [] == _mine_before(cast.turkana_officer)


def test_query_count_does_not_grow(cast: Any) -> None:
    _referrals(cast, 1)
    with CaptureQueriesContext(connection) as few:
        my_referral_tasks(cast.nairobi_officer)
    _referrals(cast, 4)
    with CaptureQueriesContext(connection) as many:
        assert len(my_referral_tasks(cast.nairobi_officer)) == 5
    assert len(few) == len(many) <= 3
