"""The pages as the data protection officer and as others: 403 without the permission, 404 for an
unknown record, the forms' refusals shown (never a 500), and the clock shown prominently."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.privacy.models import Breach, SubjectRequest
from cpims.privacy.tests.conftest import record_breach, register

pytestmark = pytest.mark.django_db


def test_lists_as_dpo_and_others(
    client: Any, login: Any, dpo: Any, cast: Any, child_file: Any, django_assert_max_num_queries: Any
) -> None:
    child, _case, _other = child_file
    for _ in range(3):
        register(dpo, child)
        record_breach(dpo)
    login(client, dpo)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("privacy:request_list")).status_code == 200
    with django_assert_max_num_queries(15):
        response = client.get(reverse("privacy:breach_list") + "?show=all")
    assert response.status_code == 200 and "72 hours" in response.content.decode()
    login(client, cast.national_me)
    assert client.get(reverse("privacy:request_list")).status_code == 403
    assert client.get(reverse("privacy:breach_list")).status_code == 403


def test_unknown_records_are_404(client: Any, login: Any, dpo: Any) -> None:
    login(client, dpo)
    some = uuid.uuid4()
    for name in ("request_detail", "request_refuse", "breach_detail", "breach_touched", "breach_notice"):
        assert client.get(reverse(f"privacy:{name}", kwargs={"public_id": some})).status_code == 404, name


def test_register_a_request_through_the_page(client: Any, login: Any, dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    login(client, dpo)
    data = {
        "kind": "access",
        "cpims_number": child.cpims_number.lower(),
        "requester_name": "Rehema Testmother",
        "requester_relationship": "mother",
        "identity_checked": "national_id",
        "received_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("privacy:request_create"), data)
    req = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{req.public_id}/")
    page = client.get(response["Location"]).content.decode()
    assert req.reference in page and "Make the export" in page


@pytest.mark.parametrize("number", ["CP00000000", "nonsense", "x" * 30, ""])
def test_unknown_child_number_is_a_form_error(client: Any, login: Any, dpo: Any, number: str) -> None:
    login(client, dpo)
    response = client.post(
        reverse("privacy:request_create"),
        {
            "kind": "access",
            "cpims_number": number,
            "requester_name": "A",
            "requester_relationship": "mother",
            "identity_checked": "national_id",
            "received_on": "2026-01-01",
        },
    )
    assert response.status_code == 400 and not SubjectRequest.objects.exists()


def test_export_review_and_complete_through_the_pages(client: Any, login: Any, dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    login(client, dpo)
    client.post(reverse("privacy:request_export", kwargs={"public_id": req.public_id}))
    req.refresh_from_db()
    page = client.get(reverse("privacy:request_detail", kwargs={"public_id": req.public_id})).content.decode()
    assert "Review the redaction" in page and ".pdf" in page and ".json" in page
    client.post(reverse("privacy:request_review", kwargs={"public_id": req.public_id}), {"version": req.version})
    req.refresh_from_db()
    assert req.redaction_reviewed_at is not None
    client.post(reverse("privacy:request_complete", kwargs={"public_id": req.public_id}), {"version": req.version})
    req.refresh_from_db()
    assert req.status == "completed"


def test_stale_or_bad_posts_are_refused_without_error(client: Any, login: Any, dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child, kind="correction")
    login(client, dpo)
    url = reverse("privacy:request_correct", kwargs={"public_id": req.public_id})
    assert client.post(url, {"version": req.version + 5, "field": "village", "value": "Kangemi"}).status_code == 302
    assert client.post(url, {"version": "x", "field": "nope"}).status_code == 302
    req.refresh_from_db()
    assert req.corrections == []
    assert client.post(url, {"version": req.version, "field": "village", "value": "Kangemi"}).status_code == 302
    child.refresh_from_db()
    assert child.village == "Kangemi"


def test_refuse_page(client: Any, login: Any, dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    login(client, dpo)
    url = reverse("privacy:request_refuse", kwargs={"public_id": req.public_id})
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": req.version, "reason": ""}).status_code == 400
    assert client.post(url, {"version": req.version, "reason": "Not the child's parent."}).status_code == 302
    req.refresh_from_db()
    assert req.status == "refused"


def test_breach_pages(client: Any, login: Any, dpo: Any, cast: Any, child_file: Any) -> None:
    login(client, dpo)
    now = timezone.localtime()
    response = client.post(
        reverse("privacy:breach_create"),
        {
            "title": "USB stick lost",
            "discovered_at": (now - dt.timedelta(hours=71, minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Less than an hour left" in page
    touched_url = reverse("privacy:breach_touched", kwargs={"public_id": breach.public_id})
    window = {
        "touched_by": cast.nairobi_officer.username,
        "start": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "end": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    page = client.get(touched_url, window).content.decode()
    child, _case, _other = child_file
    assert child.cpims_number in page
    assert client.get(touched_url, {**window, "end": "garbage"}).status_code == 400
    assert client.post(touched_url, window).status_code == 302
    assert breach.people.filter(pk=child.pk).exists()
    notice_url = reverse("privacy:breach_notice", kwargs={"public_id": breach.public_id})
    assert client.get(notice_url + "?kind=commissioner").status_code == 200
    sent = now.strftime("%Y-%m-%dT%H:%M")
    response = client.post(notice_url, {"kind": "commissioner", "sent_at": sent, "method": "Online form"})
    assert response.status_code == 302
    page = client.get(reverse("privacy:breach_detail", kwargs={"public_id": breach.public_id})).content.decode()
    assert "Commissioner notified in time" in page
    breach.refresh_from_db()
    close = reverse("privacy:breach_close", kwargs={"public_id": breach.public_id})
    client.post(close, {"version": breach.version, "closure_note": "Recovered."})
    breach.refresh_from_db()
    assert breach.status == "closed"


def test_overdue_breach_is_shown_overdue(client: Any, login: Any, dpo: Any) -> None:
    breach = record_breach(dpo, discovered_at=timezone.now() - dt.timedelta(hours=75, minutes=5))
    login(client, dpo)
    page = client.get(reverse("privacy:breach_detail", kwargs={"public_id": breach.public_id})).content.decode()
    assert "Overdue by 3 hours" in page and "alert-danger" in page


def test_kiswahili_pages(client: Any, login: Any, dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    login(client, dpo)
    client.cookies["django_language"] = "sw"
    page = client.get(reverse("privacy:request_detail", kwargs={"public_id": req.public_id})).content.decode()
    assert 'lang="sw"' in page and "Make the export" not in page
