"""The automatic narrative of changes: wording, zero and hidden figures, ties, translation."""

from __future__ import annotations

from django.utils import translation

from cpims.reporting.dashboards.narrative import NarrativeInput, narrate


def n(**kw: object) -> list[str]:
    base: dict[str, object] = {"period_word": "quarter", "cases": 112, "cases_previous": 100}
    base.update(kw)
    return narrate(NarrativeInput(**base))  # type: ignore[arg-type]


def test_rise_and_top_category_remained() -> None:
    lines = n(top_now=("Sexual assault",), top_before=("Sexual assault",), completeness_pct=90.0)
    assert lines[0] == "Cases reported rose 12% from the previous quarter (100 to 112)."
    assert "Sexual assault remained the top category." in lines
    assert lines[-1] == "Returns completeness was 90%."


def test_fall_and_new_top_category() -> None:
    lines = n(cases=80, top_now=("Neglect",), top_before=("Sexual assault",))
    assert lines[0] == "Cases reported fell 20% from the previous quarter (100 to 80)."
    assert "Neglect became the top category (previously Sexual assault)." in lines


def test_nothing_before_gives_no_percentage() -> None:
    assert n(cases=7, cases_previous=0)[0] == "7 cases were reported this quarter; none in the previous quarter."
    assert n(cases=1, cases_previous=0)[0] == "1 case was reported this quarter; none in the previous quarter."


def test_nothing_at_all() -> None:
    lines = n(cases=0, cases_previous=0, top_now=())
    assert lines[0] == "No cases were reported this quarter or in the previous quarter."
    assert not any("top category" in line for line in lines)


def test_nothing_now() -> None:
    assert (
        n(cases=0, cases_previous=1)[0]
        == "No cases were reported this quarter, against 1 case in the previous quarter."
    )


def test_unchanged() -> None:
    assert n(cases=100)[0] == "Cases reported were unchanged from the previous quarter (100 cases)."


def test_hidden_figures_are_never_turned_into_numbers() -> None:
    line = n(cases=None, cases_previous=12)[0]
    assert "under 5" in line and "12" not in line
    assert not any("%" in x for x in n(cases=None, cases_previous=12, completeness_pct=None)[:1])


def test_tie_at_the_top() -> None:
    lines = n(top_now=("Neglect", "Abandoned"))
    assert "Neglect and Abandoned were the most reported categories, equally." in lines


def test_same_period_last_year_and_closures() -> None:
    lines = n(cases_last_year=140, closed=30, median_days=21.5)
    assert "That is 20% fewer than the same quarter a year before (140)." in lines
    assert "30 cases were closed, in a median of 21.5 days from report." in lines


def test_completeness_change_and_unmeasurable() -> None:
    assert (
        n(completeness_pct=95.0, completeness_previous_pct=80.0)[-1]
        == "Returns completeness improved to 95% (from 80%)."
    )
    assert n(completeness_pct=None)[-1] == "Returns completeness could not be measured: no return was expected."


def test_kiswahili() -> None:
    with translation.override("sw"):
        line = n(cases=112, cases_previous=100)[0]
    assert "112" in line and "12" in line
    assert line != "Cases reported rose 12% from the previous quarter (100 to 112)."
