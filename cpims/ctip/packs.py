"""The CTiP tables in the national report packs (registered with the reporting app's packs)."""

from __future__ import annotations

from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.ctip.figures import ctip_pack_tables
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.dashboards.packs import NATIONAL_ANNUAL, NATIONAL_SEMIANNUAL, Table, register_pack_section


def ctip_section(user: User, target: Q.Target, period: Period, suppressed: bool) -> list[Table]:
    """Children identified as trafficked in the period, by form of exploitation and by
    nationality, each by sex and age band (the pack builder has checked the reader's reach)."""
    return [Table(**vars(t)) for t in ctip_pack_tables(target.area, period, suppressed=suppressed)]


def register() -> None:
    for kind in (NATIONAL_SEMIANNUAL, NATIONAL_ANNUAL):
        register_pack_section(kind, ctip_section)
