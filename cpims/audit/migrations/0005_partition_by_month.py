"""The audit log partitioned by month on PostgreSQL (cpims.audit.partitions).

On a new install (an empty table) the table becomes partitioned here. An install that already
holds events is left as it is: copying a large append-only table belongs in a maintenance window,
with ``manage.py audit_partitions --convert`` (docs/operator-guide.md, "Database tier").
SQLite keeps one plain table: nothing runs there.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from cpims.audit import partitions

    partitions.convert(schema_editor.connection, copy=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_request_id")]

    # Not reversed: a partitioned table serves the same model; going back needs no change.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
