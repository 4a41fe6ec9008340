"""A read request folds pending changes into the facts once, at its first report query, however
many sets of facts and roll-ups it then reads (a dashboard reads about a dozen); outside a read
request (a write, a job) every read catches up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpims.accounts import scope
from cpims.reporting import queries
from cpims.reporting.models import CaseFact, CaseMonth, FactQueue
from cpims.reporting.tests.conftest import case


def _queue_reads(captured: CaptureQueriesContext) -> int:
    return sum('"reporting_factqueue"' in q["sql"] and q["sql"].lstrip().startswith("SELECT") for q in captured)


def test_one_catch_up_per_read_request(cast: Any) -> None:
    user = cast.nairobi_coordinator
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    CaseFact.objects.filter(case=opened).delete()
    FactQueue.objects.create(case_id=opened.pk)  # a change waiting to be folded in
    with scope.request_memo(), CaptureQueriesContext(connection) as captured:
        first = queries.facts_visible_to(user).filter(case=opened).count()
        list(queries.rollups_visible_to(user, CaseMonth))
        queries.referral_facts_visible_to(user).count()
        queries.service_facts_visible_to(user).count()
    assert first == 1  # the first read folded the waiting change in
    # The catch-up reads the queue, then again under its lock; the later reads add no queue read.
    assert _queue_reads(captured) == 2


def test_outside_a_read_request_every_read_catches_up(cast: Any) -> None:
    user = cast.nairobi_coordinator
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    with CaptureQueriesContext(connection) as captured:
        queries.facts_visible_to(user).count()
        CaseFact.objects.filter(case=opened).delete()
        FactQueue.objects.create(case_id=opened.pk)
        assert queries.facts_visible_to(user).filter(case=opened).count() == 1
    assert _queue_reads(captured) >= 2
