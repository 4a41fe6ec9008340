from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent


def url(report: Any) -> str:
    return reverse("intake:report_detail", kwargs={"public_id": report.public_id})


def test_officer_reads_and_the_view_is_audited(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert report.reference in html and "Amani Testchild" in html
    assert "Open a case" in html and "Dismiss" in html
    event = AuditEvent.objects.get(action="intake.view")
    assert event.actor == cast.nairobi_officer and event.object_id == str(report.public_id)


def test_turkana_officer_gets_404(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(url(report)).status_code == 404
    login(client, cast.turkana_coordinator)
    assert client.get(url(report)).status_code == 404
    assert not AuditEvent.objects.filter(action="intake.view").exists()


def test_without_triage_permission_it_is_404(client: Any, cast: Any, login: Any, report: Any) -> None:
    for user in (cast.partner, cast.stakeholder, cast.national_me):
        client.logout()
        login(client, user)
        assert client.get(url(report)).status_code == 404


def test_unknown_id_is_404(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.get("/intake/00000000-0000-0000-0000-000000000000/").status_code == 404
