"""Median days to closure is a median, not a count: never "suppressed" as "<5", shown to an
aggregate-only viewer when enough cases closed, else "not enough cases"."""

from __future__ import annotations

import statistics

from cpims.reporting.dashboards import queries as Q


def test_a_median_is_never_shown_as_a_small_count() -> None:
    few = Q.median_figure(3, 12.0, suppressed=True)
    assert not few.available and few.value is None
    assert few.text == "—" and few.text != "<5"
    assert "not enough cases" in few.hint
    assert "suppress" not in few.hint.lower()


def test_a_median_of_enough_cases_is_shown_to_everyone() -> None:
    days = [1, 2, 3, 10, 40]  # five cases, the threshold
    median = statistics.median(days)
    for suppressed in (True, False):
        figure = Q.median_figure(len(days), median, suppressed=suppressed)
        assert figure.available and figure.value == median == 3
        assert figure.text == "3"


def test_a_median_of_few_cases_is_shown_to_full_viewers() -> None:
    figure = Q.median_figure(2, 4.5, suppressed=False)
    assert figure.available and figure.text == "4.5"


def test_no_case_closed_is_no_median() -> None:
    figure = Q.median_figure(0, None, suppressed=True)
    assert not figure.available and figure.text == "—"
    assert figure.hint == "no case closed in the period"
