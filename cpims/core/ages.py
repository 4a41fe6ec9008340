"""Age bands used in Kenyan child-protection reporting.

The age that counts is the child's age in completed years on the day the case was reported, so a
child who turns 6 on that day is in the 6–10 band. DCS bands follow the Excel caseload return
(the last runs to the 18th birthday); KNBS bands follow the Economic Survey. A case whose subject
has turned 18 stays reportable in "18+", and a child without a date of birth in "unknown".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DCS, KNBS = "dcs", "knbs"
ADULT = "18+"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Band:
    key: str  # stable, e.g. "0-5"; used in facts, exports and DHIS2 mappings
    low: int
    high: int  # inclusive, in completed years

    @property
    def label(self) -> str:
        return self.key.replace("-", "–")


SCHEMES: dict[str, tuple[Band, ...]] = {
    DCS: (Band("0-5", 0, 5), Band("6-10", 6, 10), Band("11-15", 11, 15), Band("16-18", 16, 17)),
    KNBS: (Band("0-4", 0, 4), Band("5-9", 5, 9), Band("10-14", 10, 14), Band("15-17", 15, 17)),
}
SCHEME_LABELS = {DCS: _("DCS bands (0–5, 6–10, 11–15, 16–18)"), KNBS: _("KNBS bands (0–4, 5–9, 10–14, 15–17)")}


def age_on(born: dt.date | None, on: dt.date) -> int | None:
    """Completed years on ``on``; None when the date of birth is unknown or after ``on``."""
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def band_of(scheme: str, age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for band in SCHEMES[scheme]:
        if band.low <= age <= band.high:
            return band.key
    return ADULT


def band_keys(scheme: str) -> list[str]:
    """Every column a table in this scheme shows, in order, including 18+ and unknown."""
    return [b.key for b in SCHEMES[scheme]] + [ADULT, UNKNOWN]


def band_label(key: str) -> str:
    if key == UNKNOWN:
        return str(_("age unknown"))
    return key.replace("-", "–")
