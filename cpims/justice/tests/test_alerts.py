"""Alerts at their date edges: a remand over the legal limit, a disposition order about to expire;
on the task list (cpims.cases.tasks) and on the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from cpims.cases.tasks import tasks_for
from cpims.justice import actions, queries
from cpims.justice.tests.conftest import committal_order, days, to_court

pytestmark = pytest.mark.django_db

LIMIT = 90


def _remand(cast: Any, track: Any, units: Any, started: int) -> Any:
    return actions.remand_start(
        actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(started)
    )


def _justice_tasks(user: Any) -> list[Any]:
    return [t for t in tasks_for(user) if t.source == "justice"]


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=LIMIT)
@pytest.mark.parametrize(("started", "alert"), [(-LIMIT, False), (-LIMIT - 1, True)])
def test_remand_limit_edge(cast: Any, units: Any, jcase: Any, started: int, alert: bool) -> None:
    from cpims.justice.tests.conftest import open_track

    track = open_track(cast.nairobi_officer, jcase, units, arrested=started - 1)
    _remand(cast, track, units, started)
    tasks = _justice_tasks(cast.nairobi_officer)
    assert bool(tasks) is alert
    assert bool(queries.case_track(cast.nairobi_officer, jcase).alerts) is alert
    assert bool(queries.alerts_for(cast.nairobi_coordinator)) is alert
    if alert:
        assert tasks[0].kind == "justice_remand" and tasks[0].due_on == days(-1)
        assert tasks[0].case_number == jcase.case_number


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=LIMIT)
def test_ended_remand_no_alert(cast: Any, units: Any, jcase: Any) -> None:
    from cpims.justice.tests.conftest import open_track

    track = open_track(cast.nairobi_officer, jcase, units, arrested=-200)
    remand = _remand(cast, track, units, -150)
    actions.remand_end(actor=cast.nairobi_officer, remand=remand, ended_on=days(-1), end_reason="Released on bond")
    assert _justice_tasks(cast.nairobi_officer) == []


def _disposed(cast: Any, track: Any, units: Any, expires: int) -> Any:
    track, _plea = to_court(cast.nairobi_officer, track, units)
    order = committal_order(cast.nairobi_officer, track.case, units, code_="OLPR", expires=expires)
    return actions.justice_disposition_record(
        actor=cast.nairobi_officer,
        track=track,
        expected_version=track.version,
        disposition="probation",
        decided_on=days(-2),
        court_order=order,
    )


@override_settings(JUSTICE_ORDER_WARNING_DAYS=30)
@pytest.mark.parametrize(("expires", "alert"), [(30, True), (31, False), (0, True), (-1, True)])
def test_order_expiry_edge(cast: Any, units: Any, track: Any, expires: int, alert: bool) -> None:
    track = _disposed(cast, track, units, expires)
    tasks = _justice_tasks(cast.nairobi_officer)
    assert bool(tasks) is alert
    if alert:
        assert tasks[0].kind == "justice_order" and tasks[0].due_on == days(expires)
        assert tasks[0].overdue is (expires < 0)
    # Starting aftercare answers the alert.
    actions.justice_aftercare_start(
        actor=cast.nairobi_officer, track=track, expected_version=track.version, started_on=days(0), plan="Plan"
    )
    assert _justice_tasks(cast.nairobi_officer) == []


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=LIMIT)
def test_tasks_respect_scope_and_permission(cast: Any, units: Any, jcase: Any, turkana_track: Any) -> None:
    from cpims.justice.tests.conftest import open_track

    track = open_track(cast.nairobi_officer, jcase, units, arrested=-LIMIT - 10)
    _remand(cast, track, units, -LIMIT - 5)
    assert len(_justice_tasks(cast.nairobi_officer)) == 1
    assert len(_justice_tasks(cast.nairobi_coordinator)) == 1
    for user in (cast.turkana_officer, cast.national_me, cast.partner, cast.stakeholder, cast.admin):
        assert _justice_tasks(user) == []


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=LIMIT)
def test_task_queries_constant(cast: Any, units: Any, django_assert_max_num_queries: Any) -> None:
    from cpims.justice.tests.conftest import offender_case, open_track

    def make(n: int) -> None:
        for i in range(n):
            case = offender_case(cast.nairobi_officer, cast.westlands_office, first=f"Child{i}")
            track = open_track(cast.nairobi_officer, case, units, arrested=-LIMIT - 10)
            _remand(cast, track, units, -LIMIT - 5)

    make(2)
    cast.nairobi_officer = type(cast.nairobi_officer).objects.get(pk=cast.nairobi_officer.pk)
    with django_assert_max_num_queries(6):
        assert len(queries.justice_tasks(cast.nairobi_officer)) == 2
    make(5)
    cast.nairobi_officer = type(cast.nairobi_officer).objects.get(pk=cast.nairobi_officer.pk)
    with django_assert_max_num_queries(6):
        assert len(queries.justice_tasks(cast.nairobi_officer)) == 7
