"""The overdue follow-ups figure comes from the follow-ups-due roll-up and equals an independent
count of the follow-up records, through completion, closure, transfer and deletion."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpims.cases.models import Case, FollowUp
from cpims.geo.models import Area
from cpims.reporting import facts, rollups
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.models import FollowUpDue, FollowUpFact
from cpims.reporting.tests.dashboards.conftest import case_on

pytestmark = pytest.mark.django_db


def _independent(today: dt.date, **where: Any) -> int:
    """Counted from the follow-ups and their cases as they stand, in Python."""
    n = 0
    for f in FollowUp.objects.select_related("case"):
        case = f.case
        if f.done_on or f.ended_on or case.status == Case.Status.CLOSED or f.due_on >= today:
            continue
        if all(getattr(case, f"{k}_id") == v.pk for k, v in where.items()):
            n += 1
    return n


def _rolled_up() -> Counter:
    facts.catch_up()
    return Counter({(r.due_on, r.county_id, r.sub_county_id): r.n for r in FollowUpDue.objects.all()})


def _targets(cast: Any) -> list[tuple[Any, Q.Target, dict[str, Any]]]:
    nairobi = Area.objects.get(level="county", code="047")
    turkana = Area.objects.get(level="county", code="023")
    westlands = cast.westlands_office.sub_county
    return [
        (cast.national_me, Q.Target(Q.NATIONAL), {}),
        (cast.nairobi_coordinator, Q.Target(Q.COUNTY, nairobi), {"county": nairobi}),
        (cast.turkana_coordinator, Q.Target(Q.COUNTY, turkana), {"county": turkana}),
        (cast.nairobi_officer, Q.Target(Q.SUB_COUNTY, westlands), {"sub_county": westlands}),
    ]


def _assert_figures(cast: Any, today: dt.date) -> None:
    for user, target, where in _targets(cast):
        assert Q.overdue_followups(user, target, today=today) == _independent(today, **where), target.key
    recount = Counter(
        {
            (r["due_on"], r["county_id"], r["sub_county_id"]): r["n"]
            for r in FollowUpFact.objects.values("due_on", "county_id", "sub_county_id").annotate(n=Count("*"))
        }
    )
    assert _rolled_up() == recount


def test_overdue_follow_ups_follow_every_change(cast: Any) -> None:
    from cpims.cases import actions
    from cpims.cases.tests.conftest import advance
    from cpims.referrals import actions as referral_actions

    today = timezone.localdate()
    first = case_on(cast.nairobi_officer, cast.westlands_office, today, n=1)
    second = case_on(cast.nairobi_officer, cast.westlands_office, today, n=2)
    third = case_on(cast.turkana_officer, cast.turkana_central_office, today, n=3)
    add = actions.followup_add
    add(actor=cast.nairobi_officer, case=first, due_on=today - dt.timedelta(days=3), purpose="Visit")
    add(actor=cast.nairobi_officer, case=first, due_on=today - dt.timedelta(days=1), purpose="Call")
    add(actor=cast.nairobi_officer, case=first, due_on=today, purpose="Due today: not overdue yet")
    moved = add(actor=cast.nairobi_officer, case=second, due_on=today - dt.timedelta(days=10), purpose="School")
    done = add(actor=cast.nairobi_officer, case=second, due_on=today - dt.timedelta(days=4), purpose="Done")
    gone = add(actor=cast.turkana_officer, case=third, due_on=today - dt.timedelta(days=2), purpose="Visit")
    _assert_figures(cast, today)
    assert Q.overdue_followups(cast.national_me, Q.Target(Q.NATIONAL), today=today) == 5
    # The day after, today's follow-up is overdue too; nothing was written in between.
    _assert_figures(cast, today + dt.timedelta(days=1))

    actions.followup_complete(actor=cast.nairobi_officer, followup=done, outcome="Seen")
    _assert_figures(cast, today)
    # Closing a case ends its follow-ups.
    advance(first, cast, "closed")
    _assert_figures(cast, today)
    # A transfer moves the case's follow-ups to the office that holds it now.
    second.refresh_from_db()
    transfer = referral_actions.transfer_request(
        actor=cast.nairobi_officer, case=second, to_office=cast.turkana_central_office, reason="Moved"
    )
    referral_actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    _assert_figures(cast, today)
    turkana = _targets(cast)[2]
    assert Q.overdue_followups(turkana[0], turkana[1], today=today) == 2
    assert FollowUpFact.objects.get(followup_id=moved.pk).office_id == cast.turkana_central_office.pk
    # A follow-up deleted outright.
    FollowUp.objects.filter(pk=gone.pk).delete()
    _assert_figures(cast, today)
    assert not FollowUpDue.objects.filter(n=0).exists()


def test_rebuild_and_the_migration_give_the_incremental_roll_up(cast: Any) -> None:
    from django.apps import apps

    from cpims.cases import actions

    today = timezone.localdate()
    opened = case_on(cast.nairobi_officer, cast.westlands_office, today, n=1)
    for days in (1, 2, 2, 9):
        actions.followup_add(
            actor=cast.nairobi_officer, case=opened, due_on=today - dt.timedelta(days=days), purpose="Visit"
        )
    before = _rolled_up()
    assert sum(before.values()) == 4
    FollowUpDue.objects.all().delete()
    rollups.rebuild()
    assert _rolled_up() == before
    FollowUpDue.objects.all().delete()
    FollowUpFact.objects.all().delete()
    importlib.import_module("cpims.reporting.migrations.0008_followup_facts").build_followup_facts(apps, None)
    assert _rolled_up() == before
    facts.rebuild_all()
    assert _rolled_up() == before


def test_the_figure_reads_the_roll_up_not_the_follow_ups(cast: Any) -> None:
    today = timezone.localdate()
    facts.catch_up()
    with CaptureQueriesContext(connection) as ctx:
        Q.overdue_followups(cast.national_me, Q.Target(Q.NATIONAL), today=today)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "reporting_followupdue" in sql and "cases_followup" not in sql and "cases_case" not in sql
