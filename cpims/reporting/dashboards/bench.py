"""Hooks for ``make bench`` (bench/run.py is not this app's): what to time for dashboards and packs.

from cpims.reporting.dashboards.bench import dashboard_urls, build_pack
for name, url in dashboard_urls(period_code):           # GET each as the matching user
    ...
build_pack(user, "pack_aac_quarterly", "county-047", "2025/26-Q1", "pdf")   # one pack, in-process
"""

from __future__ import annotations

from django.urls import reverse

from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.reporting.dashboards import packs, render
from cpims.reporting.dashboards import queries as Q


def dashboard_urls(period_code: str, *, county: str = "047", sub_county: str = "274") -> list[tuple[str, str, str]]:
    """(operation name, who should ask: national|county|sub_county, URL) for the dashboard pages."""
    q = f"?period={period_code}"
    return [
        ("dashboard: national", "national", reverse("dashboards:national") + q),
        ("dashboard: county", "county", reverse("dashboards:area", kwargs={"key": f"county-{county}"}) + q),
        (
            "dashboard: sub-county",
            "sub_county",
            reverse("dashboards:area", kwargs={"key": f"sub_county-{sub_county}"}) + q,
        ),
        ("county map (cases)", "national", reverse("dashboards:map") + q),
    ]


def build_pack(user: User, kind: str, area_key: str, period_code: str, fmt: str = packs.PDF) -> bytes:
    """Make one pack as ``user`` without the task queue (the builder's own work, for timing)."""
    target = Q.target_for(user, area_key)
    pack = packs.pack_data(user, kind, target, Period.parse(period_code))
    return render.pdf(pack) if fmt == packs.PDF else render.xlsx(pack)
