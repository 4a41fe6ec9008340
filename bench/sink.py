"""Fast bulk writes for the generators: rows as tuples in a declared column order, written with
``COPY … FROM STDIN`` on PostgreSQL (several times faster than INSERT for millions of rows) and with
``executemany`` elsewhere (SQLite, for small smoke runs).

Ids are assigned here rather than by the database, so rows of one batch can point at each other
(a court order at its session) before anything is written: on PostgreSQL taken from each table's
id sequence in blocks (safe with several generator processes), elsewhere counted from MAX(id).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


class Table:
    """One table: its columns in the order rows are given, plus constants for every other column
    that has a default (so a column added later by an app with a default does not break the bench;
    one without a default raises at start, not half way through a million rows)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise SystemExit(f"bench: {self.name} has no column(s) {unknown}")
        self.fields = [by_attname[c] for c in columns]
        self.extra: list[tuple[models.Field, Any]] = []
        with connection.cursor() as cursor:
            in_db = {c.name for c in connection.introspection.get_table_description(cursor, self.name)}
        for f in model._meta.concrete_fields:
            if f.attname in columns or f.column not in in_db:  # a field whose migration is not applied yet
                continue
            if f.primary_key or f.unique:
                raise SystemExit(f"bench: {self.name}.{f.attname} (unique) must be given")
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.extra.append((f, BATCH_TIME))
            elif f.has_default() or f.null or f.empty_strings_allowed:
                self.extra.append((f, f.get_default()))  # the model's default, "" or NULL
            elif getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue
            else:
                raise SystemExit(f"bench: {self.name}.{f.attname} is required and the bench does not fill it")
        self.columns = [f.column for f in self.fields] + [f.column for f, _ in self.extra]
        self.constants = tuple(v for _, v in self.extra)
        self.rows: list[tuple] = []
        self._next_id: int | None = None
        self._ids: list[int] = []
        self.written = 0

    def next_id(self) -> int:
        """The next primary key. On PostgreSQL ids are taken from the table's own sequence, a
        block at a time, so several generator processes never hand out the same id (the ids of
        one batch need not be consecutive); elsewhere (SQLite, one process) MAX(id) + 1 onwards."""
        if connection.vendor == "postgresql":
            if not self._ids:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                        [self.name, self.model._meta.pk.column, ID_BLOCK],
                    )
                    self._ids = [row[0] for row in cursor.fetchall()][::-1]
            return self._ids.pop()
        if self._next_id is None:
            pk = self.model._meta.pk.column
            with connection.cursor() as cursor:
                q = connection.ops.quote_name  # identifiers from the model's metadata, quoted; no input
                cursor.execute(f"SELECT MAX({q(pk)}) FROM {q(self.name)}")  # noqa: S608
                self._next_id = (cursor.fetchone()[0] or 0) + 1
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            self._next_id = None
            return 0
        q = connection.ops.quote_name
        cols = ", ".join(q(c) for c in self.columns)
        if connection.vendor == "postgresql":
            _copy(self.name, cols, rows, self.constants)
        else:
            fields = self.fields + [f for f, _ in self.extra]
            prepared = [
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, row + self.constants, strict=True)]
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                sql = f"INSERT INTO {q(self.name)} ({cols}) VALUES ({marks})"  # noqa: S608 - quoted identifiers
                cursor.executemany(sql, prepared)
        self._next_id = None
        self.written += len(rows)
        return len(rows)


ID_BLOCK = 5000
BATCH_TIME = dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC)


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, dict | list):
        return _text(json.dumps(value, separators=(",", ":")))
    return str(value)


def _copy(table: str, cols: str, rows: Iterable[tuple], constants: tuple) -> None:
    tail = ("\t" + "\t".join(_text(v) for v in constants)) if constants else ""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as copy:
            chunk: list[str] = []
            for row in rows:
                chunk.append("\t".join([_text(v) for v in row]) + tail + "\n")
                if len(chunk) >= 20000:
                    copy.write("".join(chunk))
                    chunk = []
            if chunk:
                copy.write("".join(chunk))


def flush_all(tables: Iterable[Table]) -> None:
    for table in tables:
        table.flush()
