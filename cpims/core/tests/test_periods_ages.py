import datetime as dt

import pytest

from cpims.core import ages
from cpims.core.periods import Period


@pytest.mark.parametrize(
    ("day", "kind", "code", "start", "end"),
    [
        (dt.date(2026, 7, 1), "quarter", "2026/27-Q1", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 6, 30), "quarter", "2025/26-Q4", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2027, 1, 1), "half", "2026/27-H2", dt.date(2027, 1, 1), dt.date(2027, 6, 30)),
        (dt.date(2026, 12, 31), "half", "2026/27-H1", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 7, 1), "fy", "2026/27", dt.date(2026, 7, 1), dt.date(2027, 6, 30)),
        (dt.date(2026, 6, 30), "fy", "2025/26", dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
        (dt.date(2028, 2, 29), "month", "2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 3), "year", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_period_containing_and_round_trip(day, kind, code, start, end):
    p = Period.containing(kind, day)
    assert (p.code, p.start, p.end) == (code, start, end)
    assert Period.parse(code) == p


def test_period_arithmetic_and_dhis2():
    q1 = Period.parse("2026/27-Q1")
    assert q1.previous().code == "2025/26-Q4"
    assert q1.next().code == "2026/27-Q2"
    assert [m.code for m in q1.months()] == ["2026-07", "2026-08", "2026-09"]
    assert q1.dhis2 == "2026Q3"
    assert Period.parse("2026/27").dhis2 == "2026July"
    assert Period.parse("2026-07").dhis2 == "202607"
    assert Period.parse("2026/27-H2").dhis2 == "2027S1"
    assert q1.same_last_year().code == "2025/26-Q1"
    assert "2026" in q1.label


@pytest.mark.parametrize("bad", ["", "2026-13", "2026/28", "2026/27-Q5", "2026/27-H3", "July", "26-07"])
def test_bad_period_codes_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_age_bands_at_edges():
    reported = dt.date(2026, 7, 1)
    sixth_birthday_today = dt.date(2020, 7, 1)
    assert ages.age_on(sixth_birthday_today, reported) == 6
    assert ages.band_of(ages.DCS, 6) == "6-10"
    assert ages.age_on(dt.date(2020, 7, 2), reported) == 5
    assert ages.band_of(ages.DCS, 5) == "0-5"
    assert ages.band_of(ages.KNBS, 5) == "5-9"
    assert ages.band_of(ages.DCS, 17) == "16-18"
    assert ages.band_of(ages.DCS, 18) == ages.ADULT
    assert ages.band_of(ages.KNBS, None) == ages.UNKNOWN
    assert ages.age_on(dt.date(2027, 1, 1), reported) is None
    assert ages.band_keys(ages.KNBS)[-2:] == ["18+", "unknown"]
