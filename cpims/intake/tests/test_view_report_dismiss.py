from __future__ import annotations

from typing import Any

from django.urls import reverse


def url(report: Any) -> str:
    return reverse("intake:report_dismiss", kwargs={"public_id": report.public_id})


def test_dismiss(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.get(url(report)).status_code == 200
    response = client.post(url(report), {"reason": "insufficient", "note": ""})
    assert response.status_code == 302 and response["Location"] == reverse("intake:queue")
    report.refresh_from_db()
    assert report.status == "dismissed" and report.dismiss_reason == "insufficient"


def test_reason_required(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(url(report), {"reason": "", "note": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    report.refresh_from_db()
    assert report.status == "new"


def test_double_dismiss_refused_with_a_clear_message(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    client.post(url(report), {"reason": "duplicate"})
    assert client.get(url(report)).status_code == 302
    response = client.post(url(report), {"reason": "other", "note": "again"})
    assert response.status_code == 200
    assert "already triaged" in response.content.decode()
    report.refresh_from_db()
    assert report.dismiss_reason == "duplicate"


def test_scope(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(url(report)).status_code == 404
    assert client.post(url(report), {"reason": "duplicate"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "new"
