"""Registry of monthly return kinds (contract: cpims/reporting/CONTRACTS.md §3).

The returns app registers the kinds at start-up (``AppConfig.ready``, ``kinds.register_default_kinds``):
``subcounty`` and ``partner``, and ``institution`` as ``cpims.care`` defines it. A kind says which
org-unit kinds must file it, when it is due, how its figures are pre-filled from the records and
which figures only exist on paper.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    from cpims.core.periods import Period
    from cpims.geo.models import OrgUnit

NAIROBI = "Africa/Nairobi"  # DCS deadlines are Kenyan days, whatever the server's timezone

Prefill = Callable[["OrgUnit", "Period"], dict[str, int]]


@dataclass(frozen=True)
class ReturnKind:
    """A registered kind of monthly return.

    ``due_day`` is a day of the month *after* the reporting month (5 = the 5th of the next month),
    or ``"last"`` for the last day of the reporting month itself (partners, per the DCS guidelines).
    ``fields`` are the paper-only figures typed by the officer: ``(name, label)`` pairs.
    ``prefill_labels`` optionally names the pre-filled figures for display.
    """

    kind: str
    org_unit_kinds: frozenset[str]
    due_day: int | Literal["last"]
    prefill: Prefill
    fields: tuple[tuple[str, str], ...] = ()
    label: Any = ""  # may be a lazy translation
    prefill_labels: dict[str, Any] = field(default_factory=dict)

    def due_date(self, period: Period) -> dt.date:
        """The due day for ``period`` (a month): the deadline is the end of this day in Nairobi."""
        start: dt.date = period.start
        if self.due_day == "last":
            return start.replace(day=calendar.monthrange(start.year, start.month)[1])
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        last = calendar.monthrange(nxt.year, nxt.month)[1]
        return nxt.replace(day=min(int(self.due_day), last))

    def deadline(self, period: Period) -> dt.datetime:
        """The first instant that is late: midnight Africa/Nairobi after the due day (exclusive)."""
        from zoneinfo import ZoneInfo

        after = self.due_date(period) + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time.min, tzinfo=ZoneInfo(NAIROBI))

    def is_on_time(self, period: Period, submitted_at: dt.datetime) -> bool:
        """True if ``submitted_at`` (an aware datetime, any timezone) is by the end of the due day."""
        if submitted_at.tzinfo is None:
            raise ValueError("submitted_at must be timezone-aware")
        return submitted_at < self.deadline(period)

    def field_names(self) -> list[str]:
        return [name for name, _label in self.fields]


_KINDS: dict[str, ReturnKind] = {}


def register_return_kind(
    kind: str,
    *,
    org_unit_kinds: set[str] | frozenset[str],
    due_day: int | Literal["last"],
    prefill: Prefill,
    fields: list[tuple[str, str]],
    label: Any = "",
    prefill_labels: dict[str, Any] | None = None,
) -> ReturnKind:
    """Register (or re-register, idempotently) a kind of monthly return."""
    if due_day != "last" and not (isinstance(due_day, int) and 1 <= due_day <= 28):
        raise ValueError("due_day must be 1..28 or 'last'")
    taken = {uk for k, rk in _KINDS.items() if k != kind for uk in rk.org_unit_kinds}
    overlap = taken & set(org_unit_kinds)
    if overlap:
        # One unit files one return a month: a unit kind belongs to exactly one return kind.
        raise ValueError(f"org unit kinds already registered for another return kind: {sorted(overlap)}")
    names = [name for name, _ in fields]
    if len(names) != len(set(names)):
        raise ValueError("duplicate paper field names")
    rk = ReturnKind(
        kind=kind,
        org_unit_kinds=frozenset(org_unit_kinds),
        due_day=due_day,
        prefill=prefill,
        fields=tuple((str(n), lbl) for n, lbl in fields),
        label=label or kind,
        prefill_labels=dict(prefill_labels or {}),
    )
    _KINDS[kind] = rk
    return rk


def get_kind(kind: str) -> ReturnKind:
    """The registered kind (KeyError if unknown)."""
    return _KINDS[kind]


def all_kinds() -> dict[str, ReturnKind]:
    return dict(_KINDS)


def kind_for_org_unit_kind(org_unit_kind: str) -> ReturnKind | None:
    """The return kind a unit of this OrgUnit.Kind files, or None if it files none."""
    for rk in _KINDS.values():
        if org_unit_kind in rk.org_unit_kinds:
            return rk
    return None


def expected_org_unit_kinds() -> set[str]:
    return {uk for rk in _KINDS.values() for uk in rk.org_unit_kinds}
