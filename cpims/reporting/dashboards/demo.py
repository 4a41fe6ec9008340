"""Demo data of the dashboards app (CPIMS_DEMO only; idempotent).

Nothing to load: dashboards, the map and packs are computed from the demo cases, returns and
placements that the other apps load. Packs are made on request (they belong to the person who
asks, and a file made at load time would belong to nobody).
"""

from __future__ import annotations


def load_demo_dashboards() -> None:
    """Nothing to do (see the module docstring); kept so ``load_demo`` calls every app alike."""
