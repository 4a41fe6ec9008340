"""Demo data of the reporting app (CPIMS_DEMO only; idempotent): the caseload facts of the demo
cases, rebuilt so the reports show them at once."""

from __future__ import annotations


def load_demo_reporting() -> None:
    from cpims.reporting import facts

    facts.rebuild_all()
