"""Break-the-glass (issue 15, part 6): an officer opens a case outside their scope with a reason,
read-only, for a few hours; the supervisor is told; the access is audited and expires."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases.models import CaseAccess
from cpims.cases.tasks import tasks_for

FORM = "cases:emergency_access"


def _case_urls(case: Any) -> dict[str, str]:
    return {
        "case": reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        "child": reverse("registry:child_detail", kwargs={"public_id": case.child.public_id}),
        "api_case": reverse("api:case-detail", kwargs={"public_id": case.public_id}),
    }


def test_break_the_glass_opens_read_only_tells_the_supervisor_and_expires(
    client: Any, cast: Any, login: Any, westlands_case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cast.turkana_coordinator.email = "turkana.coordinator@example.org"
    cast.turkana_coordinator.save()
    urls = _case_urls(westlands_case)
    login(client, cast.turkana_officer)
    assert client.get(urls["case"]).status_code == 404

    # A reason is required; nothing is given without one.
    form = reverse(FORM)
    short = client.post(form, {"case_number": westlands_case.case_number, "reason": "urgent"})
    assert short.status_code == 200 and not CaseAccess.objects.exists()
    unknown = client.post(form, {"case_number": "DCS-NOPE/2026/1", "reason": "Child found alone at the bus stage"})
    assert unknown.status_code == 200 and not CaseAccess.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves after the commit
        response = client.post(
            form, {"case_number": westlands_case.case_number.lower(), "reason": "Child found alone at the bus stage"}
        )
    assert response.status_code == 302 and response["Location"] == urls["case"]
    access = CaseAccess.objects.get()
    assert access.basis == CaseAccess.Basis.EMERGENCY and access.user == cast.turkana_officer
    assert access.expires_at is not None
    assert dt.timedelta(hours=3, minutes=59) < access.expires_at - timezone.now() <= dt.timedelta(hours=4)
    assert {name: client.get(url).status_code for name, url in urls.items()} == {
        "case": 200,
        "child": 200,
        "api_case": 200,
    }
    # Read-only: the case is in sight, changing it is refused.
    assert client.get(reverse("cases:case_edit", kwargs={"public_id": westlands_case.public_id})).status_code == 403
    # Only the officer who broke the glass, not their colleagues at the same office.
    other = client.__class__()
    login(other, cast.turkana_coordinator)
    assert other.get(urls["case"]).status_code == 404

    # Audited, on the case's timeline, and the supervisor is told (e-mail and their task list).
    event = AuditEvent.objects.get(action="case.emergency_access")
    assert event.actor == cast.turkana_officer and event.object_id == str(westlands_case.public_id)
    assert [m.to for m in mail.outbox] == [["turkana.coordinator@example.org"]]
    assert westlands_case.case_number in mail.outbox[0].subject
    assert any(t.kind == "emergency_access" for t in tasks_for(cast.turkana_coordinator))
    assert not any(t.kind == "emergency_access" for t in tasks_for(cast.nairobi_officer))
    page = other.get(reverse("cases:emergency_access_list"))
    assert page.status_code == 200 and "Child found alone at the bus stage" in page.content.decode()
    assert AuditEvent.objects.filter(action="case.emergency_access_list").count() == 1

    # Expired: nothing any more, before any job ran.
    CaseAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert {name: client.get(url).status_code for name, url in urls.items()} == {
        "case": 404,
        "child": 404,
        "api_case": 404,
    }


def test_who_may_break_the_glass(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    reason = {"case_number": westlands_case.case_number, "reason": "Child found alone at the bus stage"}
    for user in (cast.partner, cast.national_me, cast.stakeholder):
        login(client, user)
        assert client.post(reverse(FORM), reason).status_code == 403, user
    # An officer who can already open the case is told so; nothing is granted.
    login(client, cast.nairobi_officer)
    assert client.post(reverse(FORM), reason).status_code == 200
    assert not CaseAccess.objects.exists()


def test_break_the_glass_through_the_api(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    url = reverse("api:emergencyaccess-list")
    login(client, cast.turkana_officer)
    bad = client.post(url, {"case_number": westlands_case.case_number, "reason": ""}, content_type="application/json")
    assert bad.status_code == 400
    response = client.post(
        url,
        {"case_number": westlands_case.case_number, "reason": "Child found alone at the bus stage"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["case"] == str(westlands_case.public_id)
    assert client.get(_case_urls(westlands_case)["api_case"]).status_code == 200
    assert client.get(url).status_code == 403  # the list is for supervisors
    login(client, cast.turkana_coordinator)
    rows = client.get(url).json()["results"]
    assert [r["case_number"] for r in rows] == [westlands_case.case_number]
    login(client, cast.partner)
    assert client.post(url, {}, content_type="application/json").status_code == 403


def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Any, cast: Any, login: Any, westlands_case: Any, django_assert_max_num_queries: Any
) -> None:
    for user in (cast.turkana_officer, cast.turkana_coordinator) * 3:
        CaseAccess.objects.create(
            case=westlands_case,
            org_unit=cast.turkana_central_office,
            user=user,
            reason="emergency",
            basis=CaseAccess.Basis.EMERGENCY,
            basis_note="Child found alone at the bus stage",
            expires_at=timezone.now() + dt.timedelta(hours=4),
            granted_by=user,
        )
    login(client, cast.turkana_coordinator)
    url = reverse("cases:emergency_access_list")
    client.get(url)  # warm the session and the menu caches
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Child found alone at the bus stage") == 6
