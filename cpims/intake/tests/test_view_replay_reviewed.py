"""A report sent again under its reference with other content: the triage officer compares it on
the report and marks it reviewed. Scope: the report's triage area only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.intake.content import stored_content
from cpims.intake.models import ReplayedReport


def _replay(report: Any, **changes: Any) -> ReplayedReport:
    content = {**stored_content(report), **changes}
    return ReplayedReport.objects.create(report=report, content=content, fingerprint=str(sorted(changes.items())))


def detail(report: Any) -> str:
    return reverse("intake:report_detail", kwargs={"public_id": report.public_id})


def reviewed(report: Any, replay: ReplayedReport) -> str:
    return reverse("intake:replay_reviewed", kwargs={"public_id": report.public_id, "replay_id": replay.pk})


def test_the_report_shows_what_differs_side_by_side(client: Any, cast: Any, login: Any, report: Any) -> None:
    _replay(report, child_age=12, urgent=True)
    login(client, cast.nairobi_officer)
    html = client.get(detail(report)).content.decode()
    assert "sent this reference again" in html
    # Only the fields that differ, each with the first and the later value.
    assert "Child&#x27;s age" in html and '<td class="text-break">12</td>' in html
    assert "A child is in danger now" in html
    assert "What happened" in html  # the report's own field list
    assert html.count('<tr><th scope="row">') == 2


def test_marking_reviewed_hides_it_and_is_audited(client: Any, cast: Any, login: Any, report: Any) -> None:
    replay = _replay(report, child_age=12)
    login(client, cast.nairobi_officer)
    response = client.post(reviewed(report, replay))
    assert response.status_code == 302
    replay.refresh_from_db()
    assert replay.reviewed_by == cast.nairobi_officer and replay.reviewed_at is not None
    assert AuditEvent.objects.filter(action="intake.replay_reviewed", actor=cast.nairobi_officer).count() == 1
    assert "sent this reference again" not in client.get(detail(report)).content.decode()
    # Twice: nothing more happens.
    client.post(reviewed(report, replay))
    assert AuditEvent.objects.filter(action="intake.replay_reviewed").count() == 1


def test_other_county_gets_404_and_nothing_changes(client: Any, cast: Any, login: Any, report: Any) -> None:
    replay = _replay(report, child_age=12)
    login(client, cast.turkana_officer)
    assert client.post(reviewed(report, replay)).status_code == 404
    replay.refresh_from_db()
    assert replay.reviewed_at is None


def test_a_replay_of_another_report_is_404(client: Any, cast: Any, login: Any, report: Any) -> None:
    from cpims.intake.tests.conftest import make_report

    other = make_report()
    replay = _replay(other, child_age=12)
    login(client, cast.nairobi_officer)
    assert client.post(reviewed(report, replay)).status_code == 404
