from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases.tests.conftest import open_case


def url(report: Any) -> str:
    return reverse("intake:report_link", kwargs={"public_id": report.public_id})


def test_link_by_case_number(client: Any, cast: Any, login: Any, report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    assert client.get(url(report)).status_code == 200
    response = client.post(url(report), {"case_number": case.case_number.lower(), "note": "Same family."})
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.public_id}/")
    report.refresh_from_db()
    assert report.status == "linked" and report.case == case


def test_case_outside_scope_is_not_found(client: Any, cast: Any, login: Any, turkana_report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    response = client.post(url(turkana_report), {"case_number": case.case_number})
    assert response.status_code == 200 and response.context["form"].errors["case_number"]
    turkana_report.refresh_from_db()
    assert turkana_report.status == "new"


def test_double_link_refused(client: Any, cast: Any, login: Any, report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    client.post(url(report), {"case_number": case.case_number})
    response = client.post(url(report), {"case_number": case.case_number})
    assert response.status_code == 200 and "already triaged" in response.content.decode()


def test_scope(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(url(report)).status_code == 404
