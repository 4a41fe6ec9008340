"""Report packs: made in the background as PDF and Excel, read back; scope and suppression."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import packs
from cpims.reporting.tests.dashboards.conftest import PREVIOUS_QUARTER, QUARTER, case_on, nairobi_cases, turkana_cases

pytestmark = pytest.mark.django_db


def _download(public_id: Any) -> Any:
    from cpims.reporting.models import Download

    return Download.objects.get(public_id=public_id)


def _content(download: Any) -> bytes:
    with download.file.open("rb") as fh:
        return fh.read()


def _generate(client: Any, **data: str) -> Any:
    response = client.post(reverse("dashboards:packs"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    download = _download(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert download.status == "done", download.message
    return download


def test_aac_pack_as_pdf(client: Any, cast: Any, login: Any) -> None:
    from pypdf import PdfReader

    nairobi_cases(cast, 6)
    case_on(cast.nairobi_officer, cast.westlands_office, PREVIOUS_QUARTER, "CSRC", n=40)
    turkana_cases(cast, 2)
    login(client, cast.nairobi_coordinator)
    download = _generate(client, kind=packs.AAC_QUARTERLY, period=QUARTER, county="047", format="pdf")
    assert download.filename == "aac-quarterly-county-047-2025-26-Q1.pdf"
    assert download.content_type == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(_content(download))).pages)
    assert "Quarterly report to the Area Advisory Council" in text and "Nairobi County" in text
    assert "Cases reported rose 500% from the previous quarter (1 to 6)." in " ".join(text.split())
    assert "Neglect" in text and "Case categories by sex and age band" in text


def test_aac_pack_as_excel(client: Any, cast: Any, login: Any) -> None:
    from openpyxl import load_workbook

    nairobi_cases(cast, 5, sex="male")
    nairobi_cases(cast, 2, sex="female")
    turkana_cases(cast, 3)
    login(client, cast.nairobi_coordinator)
    download = _generate(client, kind=packs.AAC_QUARTERLY, period=QUARTER, county="047", format="xlsx")
    wb = load_workbook(io.BytesIO(_content(download)))
    summary = [c for row in wb["Summary"].iter_rows(values_only=True) for c in row if c is not None]
    assert any(str(c).startswith("Nairobi County: quarterly report") for c in summary)
    assert any("Cases reported" in str(c) for row in wb["Headline figures"].iter_rows(values_only=True) for c in row)
    caseload = wb["Categories"]
    rows = list(caseload.iter_rows(values_only=True))
    neglect = next(r for r in rows if r and r[0] == "Neglect")
    assert neglect[-1] == 7  # row total: Nairobi only
    header = rows[0]
    assert header[0] == "Case category"
    male_6_10 = next(
        i
        for i, h in enumerate(header)
        if h and "6" in str(h) and "10" in str(h) and "ale" in str(h) and "Fem" not in str(h)
    )
    assert neglect[male_6_10] == 5
    assert wb["Top categories"]._charts  # a native Excel chart


def test_coordinator_cannot_make_another_county_pack(client: Any, cast: Any, login: Any) -> None:
    from cpims.reporting.models import Download

    login(client, cast.nairobi_coordinator)
    response = client.post(
        reverse("dashboards:packs"), {"kind": packs.AAC_QUARTERLY, "period": QUARTER, "county": "023", "format": "pdf"}
    )
    assert response.status_code == 200 and response.context["form"].errors["county"]
    assert not Download.objects.exists()
    with pytest.raises(PermissionDenied):
        packs.pack_start(
            actor=cast.nairobi_coordinator,
            kind=packs.AAC_QUARTERLY,
            period=Period.parse(QUARTER),
            county=Area.objects.get(level="county", code="023"),
        )


def test_national_packs_need_national_scope(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(
        reverse("dashboards:packs"), {"kind": packs.NATIONAL_ANNUAL, "period": "2025/26", "format": "pdf"}
    )
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    with pytest.raises(PermissionDenied):
        packs.pack_start(actor=cast.nairobi_coordinator, kind=packs.NATIONAL_ANNUAL, period=Period.parse("2025/26"))


def test_an_officer_may_not_make_an_aac_pack(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    page = client.get(reverse("dashboards:packs"))
    assert page.status_code == 200 and not page.context["form"].can_generate
    response = client.post(
        reverse("dashboards:packs"), {"kind": packs.AAC_QUARTERLY, "period": QUARTER, "county": "047"}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_period_must_match_the_pack(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    response = client.post(
        reverse("dashboards:packs"), {"kind": packs.NATIONAL_SEMIANNUAL, "period": "2025/26", "format": "pdf"}
    )
    assert response.status_code == 200 and "period" in response.context["form"].errors


def test_semiannual_national_pack(client: Any, cast: Any, login: Any) -> None:
    from openpyxl import load_workbook

    nairobi_cases(cast, 3)
    turkana_cases(cast, 4)
    login(client, cast.national_me)
    download = _generate(client, kind=packs.NATIONAL_SEMIANNUAL, period="2025/26-H1", format="xlsx")
    wb = load_workbook(io.BytesIO(_content(download)))
    by_county = wb["Cases by area"]
    rows = {r[0]: r[1] for r in by_county.iter_rows(values_only=True) if r and r[0]}
    assert rows["Nairobi"] == 3 and rows["Turkana"] == 4


def test_stakeholder_pack_is_suppressed(client: Any, cast: Any, login: Any) -> None:
    from openpyxl import load_workbook

    nairobi_cases(cast, 3)
    turkana_cases(cast, 8)
    login(client, cast.stakeholder)
    download = _generate(client, kind=packs.NATIONAL_ANNUAL, period="2025/26", format="xlsx")
    wb = load_workbook(io.BytesIO(_content(download)))
    values = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "<5" in values
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    assert not any(0 < v < 5 for v in numbers if float(v).is_integer())
    by_county = wb["Cases by area"]
    rows = {r[0]: r[1] for r in by_county.iter_rows(values_only=True) if r and r[0]}
    assert rows["Nairobi"] == "<5" and rows["Turkana"] == "<5"


def test_builder_rechecks_scope(cast: Any) -> None:
    """A pack asked for another county (say, by editing the stored request) fails in the task."""
    from cpims.reporting import downloads
    from cpims.reporting.models import Download

    download = Download.objects.create(
        owner=cast.nairobi_coordinator,
        kind=packs.AAC_QUARTERLY,
        params={"period": QUARTER, "area": "county-023", "format": "pdf"},
    )
    assert downloads.run(download.pk) == "failed"
    download.refresh_from_db()
    assert download.status == "failed" and not download.file


def test_pack_list_shows_only_my_packs(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    mine = _generate(client, kind=packs.NATIONAL_ANNUAL, period="2025/26", format="pdf")
    login(client, cast.stakeholder)
    page = client.get(reverse("dashboards:packs")).content.decode()
    assert str(mine.public_id) not in page
    login(client, cast.national_me)
    assert str(mine.public_id) in client.get(reverse("dashboards:packs")).content.decode()


def test_bench_hooks(client: Any, cast: Any, login: Any) -> None:
    from cpims.reporting.dashboards import bench

    nairobi_cases(cast, 2)
    assert bench.build_pack(cast.nairobi_coordinator, packs.AAC_QUARTERLY, "county-047", QUARTER).startswith(b"%PDF")
    users = {"national": cast.national_me, "county": cast.nairobi_coordinator, "sub_county": cast.nairobi_officer}
    for _name, who, url in bench.dashboard_urls(QUARTER):
        login(client, users[who])
        assert client.get(url).status_code == 200
