"""Let the retention job, and only it, delete audit events on PostgreSQL.

The audit table's row triggers (audit 0002) refuse every UPDATE and DELETE. This replaces their
function so that a DELETE is allowed inside a transaction that has run
``SET LOCAL cpims.retention_purge = 'on'`` (cpims.retention.engine, for audit events older than
the audit_event rule). UPDATE stays refused always. Static SQL only; nothing on SQLite.
"""

from django.db import migrations

ALLOW_SQL = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('cpims.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

STRICT_SQL = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def _run(sql, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql, params=None)  # no parameters: "%" in the SQL is literal


def allow(apps, schema_editor):
    _run(ALLOW_SQL, schema_editor)


def strict(apps, schema_editor):
    _run(STRICT_SQL, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial"), ("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(allow, strict, elidable=False)]
