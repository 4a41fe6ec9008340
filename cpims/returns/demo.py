"""Demo data of the returns app (CPIMS_DEMO only; idempotent)."""

from __future__ import annotations


def load_demo_returns() -> None:
    pass
