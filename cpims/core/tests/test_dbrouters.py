"""The replica router: report reads go to the ``replica`` alias when one is configured (here a
second SQLite database), writes and everything else to ``default``; the facts catch-up leaves
the read path for the worker."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from cpims.core import dbrouters
from cpims.reporting.models import CaseFact, CaseMonth, Download, FactQueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(db: Any, tmp_path: Path) -> Iterator[str]:
    """A second SQLite database as the ``replica`` alias, holding empty fact tables (so a count
    that reads it answers 0 whatever the primary holds). After ``db``, so the test runner neither
    wraps nor blocks it."""
    config = copy.deepcopy(connections.settings["default"])
    # SQLite whatever the primary is (on the PostgreSQL pass too): the router is what is tested.
    config.update(ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "replica.sqlite3"), OPTIONS={})
    config.update(USER="", PASSWORD="", HOST="", PORT="")
    config["TEST"] = {"NAME": config["NAME"]}
    connections.settings[dbrouters.REPLICA] = config  # the same dict as settings.DATABASES
    try:
        # Connected here, past the runner's guard against aliases a test did not declare.
        connections[dbrouters.REPLICA].connect()
        with connections[dbrouters.REPLICA].schema_editor() as editor:
            editor.create_model(CaseFact)
            editor.create_model(CaseMonth)
        yield dbrouters.REPLICA
    finally:
        connections[dbrouters.REPLICA].close()
        del connections[dbrouters.REPLICA]
        del connections.settings[dbrouters.REPLICA]


def test_without_a_replica_every_read_uses_the_primary() -> None:
    router = dbrouters.ReplicaRouter()
    assert not dbrouters.replica_configured()
    assert router.db_for_read(CaseFact) is None
    assert CaseFact.objects.all().db == "default"


def test_report_reads_go_to_the_replica(replica: str) -> None:
    router = dbrouters.ReplicaRouter()
    assert router.db_for_read(CaseFact) == router.db_for_read(CaseMonth) == replica
    # Everything else (records, downloads, the facts queue) and every write: the primary.
    assert router.db_for_read(Download) is None and router.db_for_read(FactQueue) is None
    assert router.db_for_write(CaseFact) == "default"
    assert router.allow_migrate(replica, "reporting") is False
    assert router.allow_migrate("default", "reporting") is True


def test_reads_inside_a_transaction_or_primary_block_stay_on_the_primary(replica: str) -> None:
    router = dbrouters.ReplicaRouter()
    with transaction.atomic():  # an action: may read what it just wrote
        assert router.db_for_read(CaseFact) is None
    with dbrouters.primary():  # the facts job
        assert router.db_for_read(CaseFact) is None
    assert router.db_for_read(CaseFact) == replica


def test_a_report_query_runs_on_the_replica(replica: str, cast: Any) -> None:
    from cpims.reporting import queries

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert queries.facts_visible_to(cast.national_me).count() == 0
    assert any("reporting_casefact" in q["sql"] for q in on_replica.captured_queries)
    assert not any("reporting_casefact" in q["sql"] for q in on_primary.captured_queries)


def test_the_facts_catch_up_leaves_the_read_path_when_a_replica_is_used(replica: str, cast: Any) -> None:
    from cpims.reporting import queries
    from cpims.reporting.tasks import refresh_facts

    FactQueue.objects.create(case_id=None)
    queries.facts_visible_to(cast.national_me).count()
    assert FactQueue.objects.count() == 1  # a read wrote nothing on the primary
    refresh_facts.enqueue()  # the worker's job (run at once in tests) folds it in
    assert FactQueue.objects.count() == 0


def test_without_a_replica_a_read_still_catches_up(cast: Any) -> None:
    from cpims.reporting import queries

    FactQueue.objects.create(case_id=None)
    queries.facts_visible_to(cast.national_me).count()
    assert FactQueue.objects.count() == 0
