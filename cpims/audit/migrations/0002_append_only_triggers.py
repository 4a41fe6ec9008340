"""Append-only at the database: on PostgreSQL, row triggers refuse UPDATE and DELETE of audit events.

Static SQL only. SQLite gets no trigger: Django's test runner flushes SQLite tables with DELETE,
and the model itself already refuses save-after-create and delete. TRUNCATE is a statement, not a
row operation, so it stays possible for the PostgreSQL test runner and for documented retention.
"""

from django.db import migrations

CREATE_SQL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_no_update
    BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete
    BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]


def _run(statements, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)  # no parameters: "%" in the SQL is literal


def create_triggers(apps, schema_editor):
    _run(CREATE_SQL, schema_editor)


def drop_triggers(apps, schema_editor):
    _run(DROP_SQL, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
