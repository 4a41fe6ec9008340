"""Transaction-scoped locks that serialise work on one key across processes and hosts.

PostgreSQL takes an advisory lock held until the transaction ends. SQLite needs nothing: its
transactions begin IMMEDIATE (settings), so writers already run one at a time.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def key_of(name: str) -> int:
    """A stable signed 64-bit key for a lock name (PostgreSQL's advisory keys are bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def xact_lock(name: str | int) -> None:
    """Wait for, then hold until commit or rollback, the lock ``name`` (a name or a 64-bit key).
    Call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [name if isinstance(name, int) else key_of(name)])


def try_xact_lock(name: str | int) -> bool:
    """Take the lock ``name`` until commit or rollback if it is free; False, at once, when another
    transaction holds it. Call inside a transaction."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [name if isinstance(name, int) else key_of(name)])
        row = cursor.fetchone()
    return bool(row and row[0])
