"""Demo data of the reporting app (CPIMS_DEMO only; idempotent)."""

from __future__ import annotations


def load_demo_reporting() -> None:
    pass
