"""The task list costs a fixed number of queries (one per registered task source, plus the
request's own), however many tasks wait; "my tasks" reads the user's own follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions
from cpims.cases.queries import my_followup_tasks
from cpims.cases.tasks import task_sources
from cpims.cases.tests.conftest import open_case

# session, user, OTP device, grants + one query per source (some sources read two tables).
REQUEST_QUERIES = 2


def _queries(client: Any, data: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:task_list"), data).status_code == 200
    return len(captured)


def _followups(cast: Any, count: int, assignee: Any = None) -> None:
    for i in range(count):
        case = open_case(cast.nairobi_officer, cast.westlands_office)
        actions.followup_add(
            actor=cast.nairobi_officer,
            case=case,
            due_on=timezone.localdate() - dt.timedelta(days=1),
            purpose=f"Home visit {i}",
            assigned_to=assignee,
        )


def test_task_list_queries_do_not_grow(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    _followups(cast, 1, cast.nairobi_officer)
    client.get(reverse("cases:task_list"))
    few = {view: _queries(client, {"view": view}) for view in ("", "office")}
    _followups(cast, 5, cast.nairobi_officer)
    many = {view: _queries(client, {"view": view}) for view in ("", "office")}
    assert few == many
    assert max(many.values()) <= REQUEST_QUERIES + 2 * len(task_sources())


def test_my_tasks_are_the_users_own_followups(cast: Any) -> None:
    _followups(cast, 2, cast.nairobi_officer)
    _followups(cast, 1, cast.nairobi_coordinator)
    mine = my_followup_tasks(cast.nairobi_officer)
    assert len(mine) == 2 and all(t.mine for t in mine)
    assert len(my_followup_tasks(cast.nairobi_coordinator)) == 1
    assert my_followup_tasks(cast.turkana_officer) == []


def test_my_tasks_keep_the_scope(cast: Any) -> None:
    """A follow-up assigned to someone whose scope does not reach the case is not their task."""
    from cpims.cases.models import FollowUp

    _followups(cast, 1, cast.nairobi_officer)
    FollowUp.objects.update(assigned_to=cast.turkana_officer)  # as if reassigned before a transfer
    assert my_followup_tasks(cast.turkana_officer) == []


def test_task_list_scope(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.stakeholder)
    assert client.get(reverse("cases:task_list")).status_code == 403
