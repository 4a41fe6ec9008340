"""The audit log partitioned by month on PostgreSQL (``audit_auditevent``, range on ``at``).

Why: the audit table grows without end (every view of a child is a row). Monthly partitions keep
each index small, let the newest-first pages read only the latest partitions, and let retention
remove a month of old events by dropping its partition, not by deleting rows (the table is
append-only: row triggers refuse UPDATE and DELETE).

* ``convert(connection)`` turns the plain table into a partitioned one: the same columns,
  indexes, foreign key and append-only triggers; the primary key becomes ``(id, at)`` (PostgreSQL
  requires the partition key in it) and ``id`` takes its values from a sequence. Migration
  ``audit/0005`` does it on a new, empty install; an install with events converts in a
  maintenance window with ``manage.py audit_partitions --convert`` (which copies the rows), see
  docs/operator-guide.md. SQLite (the embedded default) keeps one plain table: nothing here
  runs there.
* ``ensure(connection, now)`` makes the partitions of this month and the next ``AHEAD`` months,
  and a default partition so an insert never fails for want of a partition (the scheduled job
  ``cpims.audit.tasks.maintain_partitions`` runs it daily).
* ``drop_older_than(connection, months, now)`` drops whole months older than the retention
  period (``CPIMS_AUDIT_KEEP_MONTHS``; 0, the default, keeps every month).

All SQL is static text; the only names built are partition names from dates (``audit_auditevent_
y2026m01``), never from input.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

log = logging.getLogger(__name__)

TABLE = "audit_auditevent"
OLD = "audit_auditevent_unpartitioned"
DEFAULT = "audit_auditevent_default"
SEQUENCE = "audit_auditevent_id_seq"
AHEAD = 3
_MONTHLY = re.compile(r"^audit_auditevent_y(\d{4})m(\d{2})$")
COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "object_label",
    "ip",
    "details",
    "request_id",
)

TRIGGERS = [
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()""",
    f"""CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()""",
]


def supported(connection: Any) -> bool:
    return bool(connection.vendor == "postgresql")


def is_partitioned(connection: Any) -> bool:
    if not supported(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s AND relkind IN ('r', 'p')", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def partitions(connection: Any) -> list[str]:
    """The monthly partitions that exist, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall() if _MONTHLY.match(name)]


def _create_month(cursor: Any, month: dt.date) -> bool:
    name = partition_name(month)
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
    if cursor.fetchone():
        return False
    start, end = month.isoformat(), _next_month(month).isoformat()
    # Rows that landed in the default partition for this month would block the new partition.
    cursor.execute(f"SELECT 1 FROM {DEFAULT} WHERE at >= %s AND at < %s LIMIT 1", [start, end])  # noqa: S608
    if cursor.fetchone():
        log.warning("Audit partition %s not created: the default partition holds events of that month.", name)
        return False
    # Partition bounds cannot be parameters; the dates come from date objects, never from input.
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{start} 00:00:00+00') TO ('{end} 00:00:00+00')"
    )
    return True


def ensure(connection: Any, now: dt.datetime | None = None, ahead: int = AHEAD) -> list[str]:
    """Create this month's partition and the next ``ahead`` months' (and the default one);
    returns the names created. Does nothing unless the table is partitioned."""
    if not is_partitioned(connection):
        return []
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    month, created = _month_start(today), []
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        for _ in range(ahead + 1):
            if _create_month(cursor, month):
                created.append(partition_name(month))
            month = _next_month(month)
    if created:
        log.info("Created audit partitions: %s", ", ".join(created))
    return created


def drop_older_than(connection: Any, months: int, now: dt.datetime | None = None) -> list[str]:
    """Drop the monthly partitions that end more than ``months`` months before this month."""
    if months <= 0 or not is_partitioned(connection):
        return []
    cutoff = _month_start((now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date())
    for _ in range(months):
        cutoff = (cutoff - dt.timedelta(days=1)).replace(day=1)
    dropped = []
    with connection.cursor() as cursor:
        for name in partitions(connection):
            match = _MONTHLY.match(name)
            if match and dt.date(int(match[1]), int(match[2]), 1) < cutoff:
                cursor.execute(f"DROP TABLE {name}")  # a name from our own pattern, matched above
                dropped.append(name)
    if dropped:
        log.warning("Dropped audit partitions past retention: %s", ", ".join(dropped))
    return dropped


def row_count(connection: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 - a constant name
        return int(cursor.fetchone()[0])


def convert(connection: Any, *, copy: bool = False, now: dt.datetime | None = None) -> bool:
    """Turn the plain audit table into a partitioned one (in the caller's transaction). Refuses
    a table holding events unless ``copy`` (a maintenance window: the rows are copied over).
    Returns True if it converted."""
    if not supported(connection) or is_partitioned(connection):
        return False
    if not copy and row_count(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s", [TABLE, "%pkey"]
        )
        index_sql = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'c')",
            [TABLE],
        )
        constraints = cursor.fetchall()
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [OLD])
        q = connection.ops.quote_name  # names read from the catalogue, quoted as identifiers
        for (name,) in cursor.fetchall():  # frees the primary key's name for the new table
            cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {q(name)} TO {q(name + '_old')}")
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {q(name)} TO {q(name + '_old')}")
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}_p")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (at)"
        )  # the identity of "id" is not copied: a sequence gives its values instead
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}_p')")
        cursor.execute(f"ALTER SEQUENCE {SEQUENCE}_p OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {q(name)} {definition}")
    ensure(connection, now)
    with connection.cursor() as cursor:
        if copy:
            columns = ", ".join(COLUMNS)
            cursor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {OLD}")  # noqa: S608
            cursor.execute(f"SELECT setval('{SEQUENCE}_p', GREATEST((SELECT max(id) FROM {TABLE}), 1))")  # noqa: S608
        cursor.execute(f"DROP TABLE {OLD}")  # its triggers and indexes go with it
        for statement in index_sql:
            cursor.execute(statement)  # the same names, now on the partitioned table
        for statement in TRIGGERS:
            cursor.execute(statement)
    return True
