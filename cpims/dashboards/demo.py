"""Demo data of the dashboards app (CPIMS_DEMO only; idempotent)."""

from __future__ import annotations


def load_demo_dashboards() -> None:
    pass
