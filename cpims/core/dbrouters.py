"""Where queries go: report reads to a streaming replica when one is configured, everything else
to the primary (``default``).

``DATABASE_REPLICA_URL`` adds the ``replica`` alias (settings). Then reads of the models listed in
``settings.CPIMS_REPLICA_MODELS`` (the caseload facts and their monthly roll-ups: what the
caseload tables, dashboards and report packs count) go to the replica, except:

* inside a transaction of the application (an action, the facts refresh in the worker): a read
  there may depend on a write of the same transaction, which the replica has not seen;
* inside ``primary()``: code that must read its own writes (the facts job) says so.

Writes and migrations always go to ``default``. Without a replica the router answers ``None``
everywhere and Django uses ``default``, as before.

A replica lags the primary by a moment; the reporting pages say "figures as of the last refresh"
already, and the facts catch-up runs in the worker (never on the read path) when a replica is
used, because the replica is read-only.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_forced: contextvars.ContextVar[str | None] = contextvars.ContextVar("cpims_db_forced", default=None)


def replica_configured() -> bool:
    """True when a replica alias is configured (DATABASE_REPLICA_URL)."""
    return REPLICA in settings.DATABASES


@contextmanager
def primary() -> Iterator[None]:
    """Read from the primary inside this block, whatever the model (read-your-writes)."""
    token = _forced.set(DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        _forced.reset(token)


def _in_application_transaction() -> bool:
    """True inside an ``atomic()`` opened by the application; the test runner's own wrapping
    transaction (``_from_testcase``) does not count, so tests see what production does."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _label(model: Any) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class ReplicaRouter:
    """Report reads to the replica (see the module docstring); the rest to ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica_configured() or _forced.get() == DEFAULT_DB_ALIAS:
            return None
        if _label(model) not in replica_models() or _in_application_transaction():
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA  # a replica follows the primary's schema; never migrate it directly


def replica_models() -> frozenset[str]:
    return frozenset(m.lower() for m in getattr(settings, "CPIMS_REPLICA_MODELS", ()))
