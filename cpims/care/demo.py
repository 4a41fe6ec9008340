"""Demo data of the care app (CPIMS_DEMO only; idempotent)."""

from __future__ import annotations


def load_demo_care() -> None:
    pass
