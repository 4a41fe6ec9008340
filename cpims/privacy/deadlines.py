"""The statutory time limits, as settings the data protection officer confirms.

Our reading (see docs/data-protection.md, "Subject requests" and "Breach register"):

* Data Protection (General) Regulations 2021: a request for access is to be complied with within
  7 days, a request for rectification within 14 days of receipt;
* Data Protection Act 2019, s. 43(1): the Data Commissioner is notified within 72 hours of the
  data controller becoming aware of a breach.

Each may be overridden in settings (``CPIMS_PRIVACY_ACCESS_DAYS``, ``CPIMS_PRIVACY_CORRECTION_DAYS``,
``CPIMS_PRIVACY_BREACH_HOURS``) once the DPO confirms them; the defaults are our reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

ACCESS_DAYS = 7
CORRECTION_DAYS = 14
BREACH_HOURS = 72


def access_days() -> int:
    return int(getattr(settings, "CPIMS_PRIVACY_ACCESS_DAYS", ACCESS_DAYS))


def correction_days() -> int:
    return int(getattr(settings, "CPIMS_PRIVACY_CORRECTION_DAYS", CORRECTION_DAYS))


def breach_hours() -> int:
    return int(getattr(settings, "CPIMS_PRIVACY_BREACH_HOURS", BREACH_HOURS))


def request_due_on(kind: str, received_on: dt.date) -> dt.date:
    days = correction_days() if kind == "correction" else access_days()
    return received_on + dt.timedelta(days=days)


def commissioner_deadline(discovered_at: dt.datetime) -> dt.datetime:
    return discovered_at + dt.timedelta(hours=breach_hours())


@dataclass(frozen=True)
class Clock:
    """Where a breach stands against the notification deadline."""

    deadline: dt.datetime
    notified_at: dt.datetime | None
    hours_left: int  # whole hours left (0 in the last hour); negative: hours overdue
    overdue: bool
    notified_late: bool

    @property
    def hours_overdue(self) -> int:
        return -self.hours_left if self.overdue else 0


def clock(discovered_at: dt.datetime, notified_at: dt.datetime | None, now: dt.datetime | None = None) -> Clock:
    """The 72-hour clock: before the deadline ``hours_left`` counts down (rounded down); at or
    after the deadline without a notification the breach is overdue. Once notified the clock
    stops at the notification time."""
    deadline = commissioner_deadline(discovered_at)
    at = notified_at or now or timezone.now()
    seconds = (deadline - at).total_seconds()
    overdue = notified_at is None and seconds <= 0
    hours = int(seconds // 3600) if seconds > 0 else -int(-seconds // 3600)
    return Clock(
        deadline=deadline,
        notified_at=notified_at,
        hours_left=hours,
        overdue=overdue,
        notified_late=notified_at is not None and notified_at > deadline,
    )
