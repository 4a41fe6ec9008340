from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.tests.conftest import open_case


def _url(case: Any) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def test_page_shows_case_and_audits_view(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(_url(westlands_case))
    assert response.status_code == 200
    body = response.content.decode()
    assert westlands_case.case_number in body and "Neglect" in body
    assert AuditEvent.objects.filter(action="case.view", object_id=str(westlands_case.public_id)).count() == 1


def test_sensitive_hidden_without_permission(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office, sensitive_narrative="Secret narrative XYZ")
    login(client, cast.nairobi_officer)
    assert "Secret narrative XYZ" in client.get(_url(case)).content.decode()
    client.logout()
    login(client, cast.national_me)  # may read cases, not sensitive sections
    body = client.get(_url(case)).content.decode()
    assert "Secret narrative XYZ" not in body


def test_access_grant_opens_case_to_ngo_only(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    other = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.partner)
    assert client.get(_url(westlands_case)).status_code == 404
    access = actions.case_access_grant(
        actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    assert client.get(_url(westlands_case)).status_code == 200
    assert client.get(_url(other)).status_code == 404
    edit = reverse("cases:case_edit", kwargs={"public_id": westlands_case.public_id})
    assert client.get(edit).status_code == 403  # the NGO sees but may not edit
    actions.case_access_revoke(actor=cast.nairobi_officer, access=access)
    assert client.get(_url(westlands_case)).status_code == 404
