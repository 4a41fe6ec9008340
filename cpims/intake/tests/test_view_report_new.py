from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.intake.models import IntakeReport
from cpims.intake.tests.conftest import form_data

URL = reverse("intake:report_new")


def test_officer_records_into_the_queue(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    form = client.get(URL).context["form"]
    assert form.initial["sub_county"] == cast.westlands_office.sub_county_id
    response = client.post(URL, form_data(reporter_name="Walk-in Testname"))
    report = IntakeReport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/intake/{report.public_id}/")
    assert report.channel == "staff" and report.recorded_by == cast.nairobi_officer
    assert report.reporter_name == "Walk-in Testname"


def test_partner_records_and_sees_only_the_reference(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.partner)
    response = client.post(URL, form_data(), follow=True)
    report = IntakeReport.objects.get()
    assert report.recorded_by == cast.partner and report.office == cast.westlands_office
    assert report.reference in response.content.decode()
    assert response.redirect_chain[-1][0] == URL


def test_bad_input_writes_nothing(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(URL, form_data(what_happened=""))
    assert response.status_code == 200 and response.context["form"].errors["what_happened"]
    assert IntakeReport.objects.count() == 0


def test_roles_that_neither_report_nor_triage_get_403(client: Any, cast: Any, login: Any) -> None:
    for user in (cast.stakeholder, cast.admin, cast.national_me):
        client.logout()
        login(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, form_data()).status_code == 403
    assert IntakeReport.objects.count() == 0
