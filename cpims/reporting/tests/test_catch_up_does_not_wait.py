"""A report being read does not queue behind a catch-up already running (PostgreSQL's advisory
lock held by another connection): it reads the facts as they stand, and the change is folded in
by the next catch-up. The worker's catch-up still waits its turn."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from cpims.reporting import facts
from cpims.reporting.models import CaseFact, FactQueue
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db(transaction=True)


def _hold_lock(taken: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [facts.CATCH_UP_LOCK])
            taken.set()
            release.wait(timeout=60)
    finally:
        connections.close_all()


def test_a_read_skips_a_running_catch_up_and_the_next_one_folds_the_change(cast: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite runs one writer at a time")
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    facts.catch_up()  # whatever the save queued (the test settings may run the refresh at once)
    FactQueue.objects.create(case_id=opened.pk)  # a change waiting to be folded in
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(taken, release))
    holder.start()
    try:
        assert taken.wait(timeout=30)
        assert facts.catch_up(wait=False) == 0  # at once, not after the other one
        assert FactQueue.objects.filter(case_id=opened.pk).exists()
    finally:
        release.set()
        holder.join(timeout=30)
    assert facts.catch_up(wait=False) == 1
    assert not FactQueue.objects.exists()
    assert CaseFact.objects.filter(case=opened, primary=True).count() == 1


def test_with_nobody_else_a_read_catches_up(cast: Any) -> None:
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    facts.catch_up()
    FactQueue.objects.create(case_id=opened.pk)
    assert facts.catch_up(wait=False) == 1
    assert not FactQueue.objects.exists()
