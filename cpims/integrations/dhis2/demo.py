"""Demo data of the dhis2 app (CPIMS_DEMO only; idempotent)."""

from __future__ import annotations


def load_demo_dhis2() -> None:
    pass
