"""Pre-filled figures come from the records (the reporting facts), never typed twice."""

from __future__ import annotations

from typing import Any

from cpims.returns.tests.conftest import last_month, opened


def test_subcounty_prefill_counts_the_offices_cases(cast: Any) -> None:
    from cpims.cases.tests.conftest import make_child, open_case

    period = last_month()
    day = period.start.replace(day=10)
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    open_case(cast.nairobi_officer, cast.westlands_office, child=child, reported_on=day)
    # Another office's case and a case of this month are not counted.
    open_case(cast.turkana_officer, cast.turkana_central_office)
    open_case(cast.nairobi_officer, cast.westlands_office)

    ret = opened(cast, period=period)
    figures = ret.prefilled
    assert figures["cases_reported"] == 1  # one case (with two categories)
    assert sum(figures[f"cases_sex_{s}"] for s in ("male", "female", "intersex", "unknown")) == 1
    assert sum(v for k, v in figures.items() if k.startswith("cases_age_")) == 1
    categories = {k: v for k, v in figures.items() if k.startswith("cat:")}
    assert sum(categories.values()) == 2
    assert {k.split(":")[1] for k in categories} == {"CSIC", "CSNG"}


def test_figures_are_frozen_once_submitted(cast: Any) -> None:
    from cpims.cases.tests.conftest import make_child, open_case
    from cpims.returns import actions

    ret = opened(cast)
    ret = actions.return_submit(actor=cast.nairobi_officer, ret=ret, expected_version=ret.version)
    before = dict(ret.prefilled)
    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Baraka")
    open_case(cast.nairobi_officer, cast.westlands_office, child=child, reported_on=last_month().start)
    ret.refresh_from_db()
    assert ret.prefilled == before
