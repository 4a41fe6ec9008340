from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from cpims.audit.models import AuditEvent
from cpims.audit.tests.factories import make_event

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers exist on PostgreSQL only"
)


def test_model_refuses_save_after_create():
    event = make_event(action="auth.login")
    event.action = "auth.logout"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_model_refuses_delete():
    event = make_event()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_database_refuses_update():
    event = make_event(action="auth.login")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="auth.logout")
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


@postgresql_only
def test_database_refuses_delete():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_database_refuses_raw_sql_too():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_triggers_are_row_level_update_and_delete_only():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"audit_auditevent_no_update", "audit_auditevent_no_delete"}
