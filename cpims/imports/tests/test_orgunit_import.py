"""Kind 1, organisation units: through the actions (upload = dry run, run = import)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.audit.models import AuditEvent
from cpims.geo.models import OrgUnit
from cpims.imports import actions
from cpims.imports.tests.helpers import csv_file, xlsx

HEADERS = ["code", "name", "kind", "area_level", "area_code", "parent_code", "phone", "email", "physical_address"]
pytestmark = pytest.mark.django_db


def _rows(*rows: tuple[str, ...]) -> list[list[str]]:
    return [list(r) + [""] * (len(HEADERS) - len(r)) for r in rows]


CLEAN = _rows(
    ("CCI-T-1", "Test Home One", "cci", "sub_county", "274"),
    ("SCH-T-1", "Test School", "school", "ward", "1366", "", "0700000000"),
)


def test_clean_file_imports(cast: Any) -> None:
    batch, report = actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, CLEAN))
    assert report.is_clean and report.total == 2
    assert not OrgUnit.objects.filter(code__in=["CCI-T-1", "SCH-T-1"]).exists()  # the dry run wrote nothing
    done = actions.import_run(actor=cast.admin, batch=batch)
    assert done.committed
    unit = OrgUnit.objects.get(code="SCH-T-1")
    assert unit.county is not None and unit.county.code == "047" and unit.kind == "school"
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.imported == 2
    event = AuditEvent.objects.get(action="import.run")
    assert event.details["imported"] == 2 and event.details["rows"] == 2
    assert "Test" not in str(event.details)  # counts only, no cell content


def test_csv_works_too(cast: Any) -> None:
    batch, report = actions.import_upload(actor=cast.admin, kind="orgunits", upload=csv_file(HEADERS, CLEAN))
    assert report.is_clean
    assert actions.import_run(actor=cast.admin, batch=batch).committed
    assert OrgUnit.objects.filter(code="CCI-T-1").exists()


def test_bad_rows_show_every_error_and_write_nothing(cast: Any) -> None:
    rows = _rows(
        ("CCI-T-1", "Good Home", "cci", "sub_county", "274"),
        ("", "No Code", "castle", "sub_county", "274"),
        ("CCI-T-3", "Nowhere", "cci", "sub_county", "999"),
        ("CCI-T-1", "Same Code Twice", "cci", "sub_county", "274"),
        ("CCI-T-5", "Bad Mail", "cci", "sub_county", "274", "", "", "not-an-email"),
    )
    batch, report = actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, rows))
    by_row = {r.number: r for r in report.results}
    assert by_row[2].status == "ok"
    assert {c for c, _m in by_row[3].errors} == {"code", "kind"}
    assert [c for c, _m in by_row[4].errors] == ["area_code"]
    assert [c for c, _m in by_row[5].errors] == ["code"]  # the code of row 2, in the same file
    assert [c for c, _m in by_row[6].errors] == ["email"]
    assert report.error_count == 4
    done = actions.import_run(actor=cast.admin, batch=batch)
    assert not done.committed
    assert not OrgUnit.objects.filter(code__startswith="CCI-T-").exists()
    assert not AuditEvent.objects.filter(action="import.run").exists()


def test_clean_rows_only_at_the_users_choice(cast: Any) -> None:
    rows = _rows(("CCI-T-1", "Good Home", "cci", "sub_county", "274"), ("CCI-T-2", "Bad", "cci", "sub_county", "999"))
    batch, _report = actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, rows))
    done = actions.import_run(actor=cast.admin, batch=batch, clean_only=True)
    assert done.committed and done.clean_count == 1
    assert list(OrgUnit.objects.filter(code__startswith="CCI-T-").values_list("code", flat=True)) == ["CCI-T-1"]
    with pytest.raises(ValidationError):
        actions.import_run(actor=cast.admin, batch=batch, clean_only=True)  # not twice


def test_injection_cell_is_neutralised(cast: Any) -> None:
    rows = _rows(("CCI-T-1", '=HYPERLINK("http://example.invalid","x")', "cci", "sub_county", "274"))
    batch, report = actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, rows))
    assert report.results[0].neutralised == ["name"]
    actions.import_run(actor=cast.admin, batch=batch)
    name = OrgUnit.objects.get(code="CCI-T-1").name
    assert not name.startswith(("=", "+", "-", "@"))


def test_over_the_row_limit_is_refused(cast: Any, settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_ROWS = 1
    with pytest.raises(ValidationError) as caught:
        actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, CLEAN))
    assert "more than 1 rows" in str(caught.value)


def test_over_the_size_limit_is_refused(cast: Any, settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(HEADERS, CLEAN))
    assert "too large" in str(caught.value)


def test_another_countys_coordinator_gets_row_errors(cast: Any) -> None:
    rows = _rows(("CCI-T-1", "Westlands Home", "cci", "sub_county", "274"))
    batch, report = actions.import_upload(actor=cast.turkana_coordinator, kind="orgunits", upload=xlsx(HEADERS, rows))
    assert report.error_count == 1 and report.results[0].errors[0][0] == "area_code"
    assert not actions.import_run(actor=cast.turkana_coordinator, batch=batch).committed
    # In their own county the same row imports.
    rows = _rows(("CCI-T-1", "Turkana Home", "cci", "sub_county", "125"))
    batch, report = actions.import_upload(actor=cast.turkana_coordinator, kind="orgunits", upload=xlsx(HEADERS, rows))
    assert report.is_clean


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rows.xlsx", b"not a zip at all", "not an Excel workbook"),
        ("rows.xlsx", b"PK\x03\x04broken zip", "not an Excel workbook"),
        ("rows.pdf", b"%PDF-1.4", "Upload an Excel workbook"),
        ("rows.csv", b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_malformed_files_are_refused_clearly(cast: Any, name: str, content: bytes, message: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as caught:
        actions.import_upload(actor=cast.admin, kind="orgunits", upload=SimpleUploadedFile(name, content))
    assert message in str(caught.value)


def test_wrong_headers_are_refused(cast: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.import_upload(actor=cast.admin, kind="orgunits", upload=xlsx(["who", "what"], [["a", "b"]]))
    assert "missing columns" in str(caught.value)
