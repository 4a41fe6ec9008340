"""Kind 4, the DCS Excel caseload tool's rows: tallied into the paper part of the sub-county
office's monthly return (returns.actions.return_paper_rows_add)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.core.models import Code
from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx
from cpims.returns.models import MonthlyReturn

pytestmark = pytest.mark.django_db
HEADERS = ["case_number", "date", "sub_county_code", "case_category", "sex", "age_band", "intervention", "comment"]


def _last_month() -> dt.date:
    return (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def codes(reference: None) -> tuple[str, str]:
    category = Code.objects.filter(code_list__name="case_category_id").values_list("code", flat=True).first()
    intervention = Code.objects.filter(code_list__name="intervention_id").values_list("code", flat=True).first()
    assert category and intervention
    return category, intervention


def _row(codes: tuple[str, str], **extra: str) -> list[str]:
    day = _last_month().replace(day=23).isoformat()
    cells = {"case_number": "615", "date": day, "sub_county_code": "274", "case_category": codes[0],
             "sex": "female", "age_band": "2", "intervention": codes[1], **extra}  # fmt: skip
    return [cells.get(h, "") for h in HEADERS]


def test_clean_file_adds_paper_rows_to_the_return(cast: Any, codes: tuple[str, str]) -> None:
    rows = [_row(codes), _row(codes, case_number="616"), _row(codes, sex="male", age_band="4")]
    batch, report = actions.import_upload(actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, rows))
    assert report.is_clean, report.results
    assert not MonthlyReturn.objects.exists()  # the dry run opened no return
    assert actions.import_run(actor=cast.nairobi_officer, batch=batch).committed
    ret = MonthlyReturn.objects.get(org_unit=cast.westlands_office, month=_last_month())
    assert ret.paper[f"rows:{codes[0]}:female:6-10"] == 2
    assert ret.paper[f"rows:{codes[0]}:male:16-18"] == 1
    assert ret.paper["vco_cases"] == 0  # the named paper figures are untouched


def test_bad_rows_show_every_error_and_write_nothing(cast: Any, codes: tuple[str, str]) -> None:
    rows = [
        _row(codes),
        _row(codes, case_category="NOPE", sex="x", age_band="9"),
        _row(codes, sub_county_code="999", date="23/13/2026"),
        _row(codes, date=(dt.date.today() + dt.timedelta(days=62)).isoformat()),  # a month not begun
    ]
    batch, report = actions.import_upload(actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, rows))
    by_row = {r.number: r for r in report.results}
    assert by_row[2].status == "ok"
    assert {c for c, _m in by_row[3].errors} == {"case_category", "sex", "age_band"}
    assert {c for c, _m in by_row[4].errors} == {"sub_county_code", "date"}
    assert [c for c, _m in by_row[5].errors] == ["date"]
    assert not actions.import_run(actor=cast.nairobi_officer, batch=batch).committed
    assert not MonthlyReturn.objects.exists()


def test_another_sub_countys_return_is_a_row_error(cast: Any, codes: tuple[str, str]) -> None:
    _batch, report = actions.import_upload(
        actor=cast.turkana_officer, kind="caseload", upload=xlsx(HEADERS, [_row(codes)])
    )
    assert report.error_count == 1 and "outside the area" in report.results[0].errors[0][1]


def test_injection_cell_is_neutralised(cast: Any, codes: tuple[str, str]) -> None:
    _batch, report = actions.import_upload(
        actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, [_row(codes, comment="=cmd|'/c calc'!A0")])
    )
    assert report.results[0].neutralised == ["comment"] and report.results[0].status == "ok"


def test_over_the_limit_is_refused(cast: Any, codes: tuple[str, str], settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_ROWS = 1
    with pytest.raises(ValidationError):
        actions.import_upload(actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, [_row(codes)] * 2))


def test_saving_the_form_keeps_the_paper_rows(cast: Any, codes: tuple[str, str]) -> None:
    from cpims.returns.actions import return_save

    batch, _report = actions.import_upload(
        actor=cast.nairobi_officer, kind="caseload", upload=xlsx(HEADERS, [_row(codes)])
    )
    actions.import_run(actor=cast.nairobi_officer, batch=batch)
    ret = MonthlyReturn.objects.get()
    ret = return_save(actor=cast.nairobi_officer, ret=ret, paper={"vco_cases": 3}, expected_version=ret.version)
    assert ret.paper["vco_cases"] == 3 and ret.paper[f"rows:{codes[0]}:female:6-10"] == 1
