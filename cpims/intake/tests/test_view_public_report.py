from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.intake.models import IntakeReport
from cpims.intake.references import looks_like_reference
from cpims.intake.tests.conftest import form_data, make_report

URL = reverse("intake:public_report")


def test_get_is_public_and_has_no_inline_script(client: Any, cast: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # no inline scripts (CSP)
    assert "Content-Security-Policy" in response.headers


def test_report_answers_with_the_reference_only(client: Any, cast: Any) -> None:
    response = client.post(URL, form_data())
    assert response.status_code == 302
    report = IntakeReport.objects.get()
    assert report.channel == "public" and report.status == "new"
    assert report.office == cast.westlands_office
    assert looks_like_reference(report.reference)
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert report.reference in html
    assert "Baraka" not in html and "market" not in html  # nothing of the record is echoed back
    event = AuditEvent.objects.get(action="intake.report")
    assert event.actor is None and event.ip is None
    assert event.object_label == report.reference
    assert "Baraka" not in str(event.details) and set(event.details) == {"channel", "urgent"}


def test_second_report_about_the_same_child_reveals_nothing(client: Any, cast: Any) -> None:
    first = make_report(child_name="Baraka Testchild")
    response = client.post(URL, form_data(child_name="Baraka Testchild"), follow=True)
    html = response.content.decode()
    second = IntakeReport.objects.exclude(pk=first.pk).get()
    assert second.reference in html
    assert first.reference not in html
    assert "already" not in html.lower() and "Amani" not in html
    # Nothing distinguishes this answer from one about a child never reported before.
    fresh = client.post(URL, form_data(child_name="Nobody Knownchild"), follow=True)
    assert [t.name for t in fresh.templates][:1] == [t.name for t in response.templates][:1]
    assert fresh.status_code == response.status_code == 200


def test_anonymous_keeps_no_reporter_identity(client: Any, cast: Any) -> None:
    client.post(URL, form_data(anonymous="on", reporter_name="Reporter Testname", reporter_contact="0700000002"))
    report = IntakeReport.objects.get()
    assert report.anonymous and report.reporter_name == "" and report.reporter_contact == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"what_happened": ""}, "what_happened"),
        ({"what_happened": "short"}, "what_happened"),
        ({"county": ""}, "county"),
        ({"child_age": "25"}, "child_age"),
        ({"happened_on": "2999-01-01"}, "happened_on"),
        ({"county": "999999"}, "county"),
    ],
)
def test_bad_input_writes_nothing(client: Any, cast: Any, changes: dict[str, str], field: str) -> None:
    response = client.post(URL, form_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert IntakeReport.objects.count() == 0
    assert not AuditEvent.objects.filter(action="intake.report").exists()


def test_sub_county_of_another_county_is_refused(client: Any, cast: Any) -> None:
    from cpims.intake.tests.conftest import area

    response = client.post(URL, form_data(county=str(area("county", "023").pk)))
    assert response.status_code == 200
    assert IntakeReport.objects.count() == 0


def test_throttled_after_the_limit(client: Any, cast: Any, settings: Any) -> None:
    settings.CPIMS_INTAKE_PUBLIC_PER_HOUR = 3
    for _ in range(3):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "116" in response.content.decode()
    assert IntakeReport.objects.count() == 3
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(URL, form_data()).status_code == 302


def test_csrf_is_enforced(cast: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, form_data()).status_code == 403
    assert IntakeReport.objects.count() == 0


def test_tampered_receipt_is_404(client: Any, cast: Any) -> None:
    url = reverse("intake:public_received", kwargs={"token": "CP-AAAA-AAAA:forged"})
    assert client.get(url).status_code == 404


def test_kiswahili(client: Any, cast: Any) -> None:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw")
    assert "Ripoti" in response.content.decode()


TEL_LINKS = ('href="tel:116"', 'href="tel:999"', 'href="tel:112"')


@pytest.mark.parametrize("language", ["en", "sw"])
def test_helpline_and_police_numbers_are_tap_to_call(client: Any, cast: Any, settings: Any, language: str) -> None:
    settings.CPIMS_INTAKE_PUBLIC_PER_HOUR = 1
    form = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    received = client.post(URL, form_data(), follow=True, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    throttled = client.post(URL, form_data(), HTTP_ACCEPT_LANGUAGE=language)
    assert throttled.status_code == 429
    for html in (form, received, throttled.content.decode()):
        for link in TEL_LINKS:
            assert link in html
        assert html.count("aria-label=") >= 3  # each number says what it calls
    assert received.count('href="tel:116"') == 2  # also in "keep this number"
    if language == "sw":
        assert "Piga simu polisi, 999" in form
