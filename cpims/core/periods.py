"""Reporting periods: months, Kenya financial-year quarters and halves, financial and calendar years.

Kenya's financial year runs July to June and is named by its two calendar years ("FY 2026/27");
its first quarter is July to September. Every report, return, pack and DHIS2 data value set names
its period with one of these, so they all agree on where a period starts and ends.

Codes (stable, used in URLs and the API):
    month    2026-07
    quarter  2026/27-Q1      (FY 2026/27, July-September 2026)
    half     2026/27-H1      (July-December 2026)
    fy       2026/27
    year     2026            (calendar year)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, HALF, FY, YEAR = "month", "quarter", "half", "fy", "year"
KINDS = (MONTH, QUARTER, HALF, FY, YEAR)
FY_START_MONTH = 7

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_FY_RE = re.compile(r"^(\d{4})/(\d{2})(?:-([QH])([1-4]))?$")
_YEAR_RE = re.compile(r"^(\d{4})$")


def _add_months(d: dt.date, n: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def fy_start_year(d: dt.date) -> int:
    """The calendar year in which the financial year holding ``d`` began."""
    return d.year if d.month >= FY_START_MONTH else d.year - 1


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    # --- construction -------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        return cls(MONTH, start, _month_end(start))

    @classmethod
    def fy_quarter(cls, fy_year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1-4")
        start = _add_months(dt.date(fy_year, FY_START_MONTH, 1), 3 * (quarter - 1))
        return cls(QUARTER, start, _month_end(_add_months(start, 2)))

    @classmethod
    def fy_half(cls, fy_year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError("half must be 1 or 2")
        start = _add_months(dt.date(fy_year, FY_START_MONTH, 1), 6 * (half - 1))
        return cls(HALF, start, _month_end(_add_months(start, 5)))

    @classmethod
    def financial_year(cls, fy_year: int) -> Period:
        start = dt.date(fy_year, FY_START_MONTH, 1)
        return cls(FY, start, _month_end(_add_months(start, 11)))

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def containing(cls, kind: str, d: dt.date) -> Period:
        """The period of ``kind`` that holds the day ``d``."""
        fy = fy_start_year(d)
        months_into_fy = (d.month - FY_START_MONTH) % 12
        if kind == MONTH:
            return cls.month(d.year, d.month)
        if kind == QUARTER:
            return cls.fy_quarter(fy, months_into_fy // 3 + 1)
        if kind == HALF:
            return cls.fy_half(fy, months_into_fy // 6 + 1)
        if kind == FY:
            return cls.financial_year(fy)
        if kind == YEAR:
            return cls.calendar_year(d.year)
        raise ValueError(f"unknown period kind {kind!r}")

    @classmethod
    def recent(cls, kind: str, d: dt.date, count: int) -> list[Period]:
        """The period of ``kind`` holding ``d`` and the ``count - 1`` before it, newest first."""
        out = [cls.containing(kind, d)]
        while len(out) < count:
            out.append(out[-1].previous())
        return out

    @classmethod
    def parse(cls, code: str) -> Period:
        """Read a period code; ValueError (with a message for people) when it is not one."""
        code = (code or "").strip()
        if m := _MONTH_RE.match(code):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return cls.month(year, month)
        elif m := _FY_RE.match(code):
            fy = int(m[1])
            if int(m[2]) == (fy + 1) % 100:
                if m[3] is None:
                    return cls.financial_year(fy)
                n = int(m[4])
                if m[3] == "Q":
                    return cls.fy_quarter(fy, n)
                if n in (1, 2):
                    return cls.fy_half(fy, n)
        elif m := _YEAR_RE.match(code):
            return cls.calendar_year(int(m[1]))
        message = _("“%(code)s” is not a reporting period (e.g. 2026-07, 2026/27-Q1, 2026/27).")
        raise ValueError(message % {"code": code})

    # --- description --------------------------------------------------------------------
    @property
    def fy_year(self) -> int:
        return fy_start_year(self.start)

    @property
    def code(self) -> str:
        fy = f"{self.fy_year}/{(self.fy_year + 1) % 100:02d}"
        if self.kind == MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == QUARTER:
            return f"{fy}-Q{(self.start.month - FY_START_MONTH) % 12 // 3 + 1}"
        if self.kind == HALF:
            return f"{fy}-H{(self.start.month - FY_START_MONTH) % 12 // 6 + 1}"
        if self.kind == FY:
            return fy
        return str(self.start.year)

    @property
    def label(self) -> str:
        fy = _("FY %(fy)s") % {"fy": f"{self.fy_year}/{(self.fy_year + 1) % 100:02d}"}
        span = f"{_month_name(self.start)} – {_month_name(self.end)} {self.end.year}"
        if self.kind == MONTH:
            return f"{_month_name(self.start)} {self.start.year}"
        if self.kind in (QUARTER, HALF):
            part = self.code.rsplit("-", 1)[1]
            return f"{part} {fy} ({span})"
        if self.kind == FY:
            return fy
        return str(self.start.year)

    @property
    def dhis2(self) -> str:
        """The DHIS2 period identifier (calendar quarters and halves; financial year ``YYYYJuly``)."""
        if self.kind == MONTH:
            return f"{self.start.year}{self.start.month:02d}"
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == HALF:
            return f"{self.start.year}S{1 if self.start.month <= 6 else 2}"
        if self.kind == FY:
            return f"{self.start.year}July"
        return str(self.start.year)

    # --- arithmetic ---------------------------------------------------------------------
    @property
    def whole_months(self) -> bool:
        """True if the period starts on a 1st and ends on a month's last day (monthly roll-ups
        can answer for it)."""
        return self.start.day == 1 and self.end == _month_end(self.end)

    def contains(self, d: dt.date) -> bool:
        return self.start <= d <= self.end

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end + dt.timedelta(days=1))

    def same_last_year(self) -> Period:
        return Period.containing(self.kind, self.start.replace(year=self.start.year - 1))

    def months(self) -> list[Period]:
        out, d = [], self.start
        while d <= self.end:
            out.append(Period.month(d.year, d.month))
            d = _add_months(d, 1)
        return out

    def __str__(self) -> str:
        return self.code


def _month_name(d: dt.date) -> str:
    # Django's translated month names, so a Kiswahili page says "Julai".
    from django.utils.dates import MONTHS

    return str(MONTHS[d.month])
