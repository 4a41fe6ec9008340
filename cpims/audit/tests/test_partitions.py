"""The audit log partitioned by month (PostgreSQL): a new install's table is partitioned by
migration 0005, the job makes the coming months and drops months past retention, events land in
their month and stay append-only. On SQLite nothing changes."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from cpims.audit import partitions
from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only")


def test_sqlite_keeps_one_plain_table() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    assert not partitions.is_partitioned(connection)
    assert partitions.ensure(connection) == [] and partitions.convert(connection) is False
    out = StringIO()
    call_command("audit_partitions", stdout=out)
    assert "nothing to do" in out.getvalue()
    audit_record(actor=None, action="test.sqlite")
    assert AuditEvent.objects.filter(action="test.sqlite").exists()


@postgresql_only
def test_a_new_install_is_partitioned_by_month() -> None:
    assert partitions.is_partitioned(connection)
    this_month = partitions.partition_name(dt.datetime.now(dt.UTC).date().replace(day=1))
    assert this_month in partitions.partitions(connection)


@postgresql_only
def test_events_land_in_their_month_and_stay_append_only() -> None:
    event = audit_record(actor=None, action="test.partition")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [event.pk])
        (where,) = cursor.fetchone()
    assert where == partitions.partition_name(event.at.astimezone(dt.UTC).date().replace(day=1))
    assert AuditEvent.objects.get(pk=event.pk).action == "test.partition"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


@postgresql_only
def test_the_job_creates_coming_months_and_drops_months_past_retention() -> None:
    old = dt.datetime(2020, 1, 15, tzinfo=dt.UTC)
    created = partitions.ensure(connection, now=old, ahead=1)
    assert created == ["audit_auditevent_y2020m01", "audit_auditevent_y2020m02"]
    assert partitions.ensure(connection, now=old, ahead=1) == []  # idempotent
    dropped = partitions.drop_older_than(connection, 12)
    assert {"audit_auditevent_y2020m01", "audit_auditevent_y2020m02"} <= set(dropped)
    now = dt.datetime.now(dt.UTC)
    assert partitions.partition_name(now.date().replace(day=1)) in partitions.partitions(connection)


@postgresql_only
def test_the_command_keeps_every_month_by_default() -> None:
    partitions.ensure(connection, now=dt.datetime(2021, 3, 1, tzinfo=dt.UTC), ahead=0)
    out = StringIO()
    call_command("audit_partitions", stdout=out)
    assert "dropped 0" in out.getvalue()
    assert "audit_auditevent_y2021m03" in partitions.partitions(connection)


@postgresql_only
def test_converting_a_table_with_events_copies_them() -> None:
    # An older install: the plain table, holding events (all rolled back after the test).
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE audit_auditevent CASCADE")
    with connection.schema_editor() as editor:
        editor.create_model(AuditEvent)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (id, at, actor_username, action, outcome, object_type, object_id, "
            "object_label, details, request_id) VALUES (41, now(), '', 'test.old', 'success', '', '', '', '{}', '')"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if written in an earlier transaction
    assert not partitions.is_partitioned(connection)
    assert partitions.convert(connection) is False  # holds events: not without copying
    assert partitions.convert(connection, copy=True) is True
    assert partitions.is_partitioned(connection)
    assert AuditEvent.objects.get(pk=41).action == "test.old"
    assert audit_record(actor=None, action="test.new").pk > 41
