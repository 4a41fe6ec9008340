"""Exports: Excel and CSV of caseload tables and case lists, in scope, audited, formula-safe,
suppressed for aggregate-only viewers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
EXPORT = reverse("reporting:caseload_export")
CASES = reverse("reporting:drilldown_export")


def xlsx_strings(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = [n for n in book.namelist() if n.startswith("xl/")]
        return "".join(book.read(n).decode("utf-8") for n in names if n.endswith(".xml"))


def test_caseload_csv_matches_the_page_and_is_audited(client: Any, cast: Any, login: Any) -> None:
    for _ in range(6):
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.nairobi_coordinator)
    response = client.post(EXPORT, {"period": "2025/26", "area": "county-047", "bands": "dcs", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    totals = [r for r in rows if r and r[0] == "Total"]
    assert totals[0][-1] == "6"  # category table grand total: 6 category rows
    assert AuditEvent.objects.filter(action="report.export", actor=cast.nairobi_coordinator).exists()


def test_caseload_xlsx_is_a_workbook_with_one_sheet_per_table(client: Any, cast: Any, login: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.national_me)
    response = client.post(EXPORT, {"period": "2025/26", "bands": "knbs", "format": "xlsx"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 8  # one per table (services recorded included)
    assert "10–14" in xlsx_strings(response.content)


def test_the_stakeholder_cannot_export(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.stakeholder)
    assert client.post(EXPORT, {"period": "2025/26", "format": "csv"}).status_code == 403


def test_exports_stay_in_scope(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    assert client.post(EXPORT, {"period": "2025/26", "area": "county-023", "format": "csv"}).status_code == 404
    assert client.post(CASES, {"period": "2025/26", "area": "county-023", "format": "csv"}).status_code == 404


def test_case_list_neutralises_formulas_and_carries_no_names(client: Any, cast: Any, login: Any) -> None:
    from cpims.geo.models import OrgUnit

    office = cast.westlands_office
    OrgUnit.objects.filter(pk=office.pk).update(name='=HYPERLINK("http://evil","x")')
    made = case(cast.nairobi_officer, office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.nairobi_officer)
    response = client.post(CASES, {"period": "2025/26", "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == made.case_number
    assert rows[1][4].startswith("'=HYPERLINK")
    assert made.child.first_name not in text
    xlsx = client.post(CASES, {"period": "2025/26", "format": "xlsx"})
    strings = xlsx_strings(xlsx.content)
    assert "'=HYPERLINK" in strings
    assert not re.search(r"<f>", strings)  # no formula cell anywhere
    event = AuditEvent.objects.filter(action="report.export", actor=cast.nairobi_officer).latest("id")
    assert event.details["rows"] == 1


def test_suppressed_figures_are_exported_as_markers() -> None:
    from cpims.core.periods import Period
    from cpims.reporting.exports import table_grid
    from cpims.reporting.queries import _build_table
    from cpims.reporting.suppression import suppress

    m = dt.date(2025, 7, 1)
    table = suppress(
        _build_table(
            {(m, "male", "0-5"): 3, (m, "female", "0-5"): 9},
            period=Period.parse("2025-07"),
            dimension="month",
            bands="dcs",
            cases_only=True,
        )
    )
    grid = table_grid(table)
    flat = [c for row in grid for c in row]
    assert 3 not in flat
    assert "<5" in flat
