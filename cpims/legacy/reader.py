"""Reading the existing CPIMS database, read-only, in keyset-paginated batches.

The legacy database is opened read-only: on PostgreSQL every transaction is started ``READ ONLY``
(the server refuses any write), on SQLite (tests only) the file is opened with ``mode=ro``. Table
and column names come from this module's own constants, never from input; values are always
passed as query parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit


class LegacySourceError(Exception):
    """The legacy database cannot be opened or read."""


def safe_url(url: str) -> str:
    """The URL without its password, for logs and the run record."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class LegacyReader:
    """A read-only connection to a legacy CPIMS database (``postgres://`` or ``sqlite:///path``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self.kind = "sqlite" if parts.scheme == "sqlite" else "postgres"
        if parts.scheme not in ("sqlite", "postgres", "postgresql"):
            raise LegacySourceError("Use a postgres://… or sqlite:///… URL.")
        try:
            if self.kind == "sqlite":
                path = url[len("sqlite:///") :]
                self.conn: Any = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            else:
                import psycopg

                self.conn = psycopg.connect(url, autocommit=False)
                self.conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                self.conn.commit()
        except Exception as exc:
            raise LegacySourceError(f"Cannot open the legacy database: {type(exc).__name__}") from exc
        self._tables: set[str] | None = None

    def close(self) -> None:
        self.conn.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.kind == "sqlite" else sql

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
            names = [d[0] for d in cur.description]
            out = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            cur.close()
            if self.kind == "postgres":
                self.conn.rollback()  # end the read-only transaction: nothing to keep
        return out

    def has_table(self, table: str) -> bool:
        if self._tables is None:
            if self.kind == "sqlite":
                found = self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
                self._tables = {r["name"] for r in found}
            else:
                found = self.rows(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ANY(current_schemas(false))"
                )
                self._tables = {r["table_name"] for r in found}
        return table in self._tables

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])  # noqa: S608 - our constant

    def pages(
        self,
        table: str,
        key: str,
        *,
        after: str | None,
        size: int,
        uuid_key: bool = False,
        where: str = "",
        params: Sequence[Any] = (),
    ) -> Iterator[list[dict[str, Any]]]:
        """The table's rows ordered by ``key`` (the primary key, so the order is an index scan),
        ``size`` at a time, from just after ``after``: each page is one indexed range read however
        deep into the table it is."""
        marker = "CAST(%s AS uuid)" if uuid_key and self.kind == "postgres" else "%s"
        last: Any = after if uuid_key or after is None else int(after)
        while True:
            clauses = [f"({where})"] if where else []
            args: list[Any] = list(params)
            if last is not None:
                clauses.append(f"{key} > {marker}")
                args.append(last)
            sql = f"SELECT * FROM {table}"  # noqa: S608 - table and key are this module's constants
            if clauses:
                sql += " WHERE " + " AND ".join(clauses)
            sql += f" ORDER BY {key} LIMIT {int(size)}"
            batch = self.rows(sql, args)
            if not batch:
                return
            last = batch[-1][key]
            if uuid_key:
                last = str(last)
            yield batch

    def boundaries(
        self, table: str, column: str, parts: int, *, where: str = "", params: Sequence[Any] = ()
    ) -> list[str]:
        """The values of ``column`` that cut the table (its rows matching ``where``) into ``parts``
        ranges of about the same size: a part runs from just after one boundary to the next, included."""
        clause = f" WHERE ({where})" if where else ""
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM {table}{clause}", params)[0]["n"])  # noqa: S608
        out: list[str] = []
        for i in range(1, parts):
            offset = total * i // parts - 1
            if offset < 0:
                continue
            found = self.rows(
                f"SELECT {column} AS k FROM {table}{clause} ORDER BY {column} LIMIT 1 OFFSET {int(offset)}",  # noqa: S608
                params,
            )
            if found and (not out or str(found[0]["k"]) != out[-1]):
                out.append(str(found[0]["k"]))
        return out

    def rows_in(self, sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
        """``sql`` with ``IN ({in})`` filled with one parameter per value."""
        if not values:
            return []
        marks = ", ".join(["%s"] * len(values))
        return self.rows(sql.replace("{in}", marks), list(values))
