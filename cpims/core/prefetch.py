"""Handing a record the rows of one of its to-many relations that a query already read.

``prefetch_related`` reads each relation in a query of its own. When the rows came with a query
the page makes anyway (a join, or one query for several records), ``set_prefetched`` stores them
as that prefetch would, so ``record.<relation>.all()`` (in templates and model methods) answers
without a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


def set_prefetched(instance: models.Model, relation: str, rows: Iterable[Any]) -> None:
    """Give ``instance`` ``rows`` as the prefetched content of its reverse foreign key ``relation``
    (its ``related_name``), as ``prefetch_related(relation)`` would have (same cache, same kind of
    queryset). The caller is responsible for ``rows`` being exactly what that prefetch would read."""
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[relation] = queryset
