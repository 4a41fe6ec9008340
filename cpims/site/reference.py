"""One entry point that loads every piece of reference data, in the order the apps registered."""

from __future__ import annotations

from django.db import transaction

from cpims.core.hooks import reference_loaders


@transaction.atomic
def load_all() -> dict[str, int]:
    loaders = reference_loaders()
    for loader in loaders:
        loader.load()
    summary: dict[str, int] = {}
    for loader in loaders:
        if loader.report is not None:
            summary.update(loader.report())
    return summary
