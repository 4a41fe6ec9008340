from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.api.actions import token_issue, token_revoke
from cpims.api.tests.schema import clean_schema
from cpims.audit.models import AuditEvent
from cpims.intake.models import IntakeReport, ReplayedReport

pytestmark = pytest.mark.urls("cpims.intake.tests.api_urls")


def url() -> str:
    return reverse("api:intake-create")


def payload(**extra: Any) -> dict[str, Any]:
    data = {
        "external_reference": "116-2025-000123",
        "what_happened": "A caller reports a girl of about nine left alone for days.",
        "county": "county-047",
        "sub_county": "sub_county-274",
        "child_age": 9,
        "child_sex": "female",
        "anonymous": True,
    }
    data.update(extra)
    return data


def post(secret: str | None, data: dict[str, Any]) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client().post(url(), data, content_type="application/json", **headers)


def test_first_submission_creates(helpline: Any) -> None:
    user, secret = helpline
    response = post(secret, payload())
    assert response.status_code == 201, response.content
    body = response.json()
    report = IntakeReport.objects.get()
    assert body["reference"] == report.reference
    assert body["external_reference"] == "116-2025-000123"
    assert set(body) == {"reference", "external_reference", "received_at"}
    assert report.channel == "api" and report.partner == user and report.office.code == "DCS-SC274"
    event = AuditEvent.objects.get(action="intake.report")
    assert event.actor == user and event.details["via"] == "api"


def test_repeat_is_idempotent(helpline: Any) -> None:
    _user, secret = helpline
    first = post(secret, payload()).json()
    # A retry after a timeout sends the same content (string padding aside).
    again = post(secret, payload(what_happened="  A caller reports a girl of about nine left alone for days. "))
    assert again.status_code == 200
    assert again.json()["reference"] == first["reference"]
    assert IntakeReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.report").count() == 1
    assert not ReplayedReport.objects.exists()
    other = post(secret, payload(external_reference="116-2025-000124"))
    assert other.status_code == 201 and other.json()["reference"] != first["reference"]


def test_reference_sent_again_with_other_content_is_refused_and_kept(helpline: Any) -> None:
    user, secret = helpline
    first = post(secret, payload()).json()
    changed = payload(what_happened="A caller reports two children left alone for a week.", child_age=11)
    refused = post(secret, changed)
    assert refused.status_code == 409, refused.content
    assert refused.json()["reference"] == first["reference"]
    report = IntakeReport.objects.get()
    assert report.what_happened == payload()["what_happened"] and report.child_age == 9  # not applied
    replay = ReplayedReport.objects.get()
    assert replay.report == report and replay.content["child_age"] == 11 and replay.reviewed_at is None
    event = AuditEvent.objects.get(action="intake.replay_refused")
    assert event.actor == user and event.details == {"replay": replay.pk}
    # Sent a third time: still refused, kept once, audited once.
    assert post(secret, changed).status_code == 409
    assert ReplayedReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.replay_refused").count() == 1
    # Other content again: kept beside the first replay.
    assert post(secret, payload(child_age=12)).status_code == 409
    assert ReplayedReport.objects.count() == 2


def test_same_reference_from_another_partner_is_another_report(cast: Any, helpline: Any) -> None:
    from conftest import make_user
    from cpims.accounts import roles as R

    _user, secret = helpline
    other = make_user("helpline_1195", R.INTAKE_SYSTEM, cast.hq)
    _token, other_secret = token_issue(actor=cast.admin, user=other, name="Helpline 1195")
    assert post(secret, payload()).status_code == 201
    assert post(other_secret, payload()).status_code == 201
    assert IntakeReport.objects.count() == 2


def test_no_token_is_401(cast: Any) -> None:
    response = post(None, payload())
    assert response.status_code == 401
    assert IntakeReport.objects.count() == 0


def test_wrong_role_is_403(cast: Any) -> None:
    _token, secret = token_issue(actor=cast.admin, user=cast.nairobi_officer, name="officer")
    response = post(secret, payload())
    assert response.status_code == 403
    assert "detail" in response.json()
    assert IntakeReport.objects.count() == 0


def test_revoked_token_is_401(cast: Any, helpline: Any) -> None:
    user, secret = helpline
    token_revoke(actor=cast.admin, token=user._token)
    assert post(secret, payload()).status_code == 401
    assert post("cpims_not-a-real-token", payload()).status_code == 401
    assert IntakeReport.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"external_reference": ""}, {"external_reference"}),
        ({"what_happened": "x"}, {"what_happened"}),
        ({"county": "county-999"}, {"county"}),
        ({"county": "county-023"}, {"sub_county"}),  # Westlands is not in Turkana
        ({"child_age": 30, "child_sex": "dragon"}, {"child_age", "child_sex"}),
        ({"happened_on": "2999-01-01"}, {"happened_on"}),
    ],
)
def test_bad_payload_is_400_with_field_errors(helpline: Any, changes: dict[str, Any], fields: set[str]) -> None:
    _user, secret = helpline
    response = post(secret, payload(**changes))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert fields <= set(body["errors"]), body
    assert IntakeReport.objects.count() == 0


def test_not_json_is_400(helpline: Any) -> None:
    _user, secret = helpline
    response = Client().post(url(), "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400


def test_schema_is_clean() -> None:
    schema = clean_schema("cpims.intake.tests.api_urls")
    operation = schema["paths"]["/api/v1/intake/"]["post"]
    assert {"200", "201", "400", "401", "403"} <= set(operation["responses"])


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_create_one_report(helpline: Any) -> None:
    """Several submissions of one partner reference at the same moment (a helpline retrying on a
    timeout): one report, and every caller gets its reference number."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    _user, secret = helpline
    callers = 6
    barrier = threading.Barrier(callers)
    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            barrier.wait()
            # A retry sends the same content (other content under the reference is refused: 409).
            response = post(secret, payload())
            answers.append((response.status_code, response.json().get("reference", "")))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = IntakeReport.objects.get()  # exactly one
    assert sorted(code for code, _ref in answers) == [200] * (callers - 1) + [201]
    assert {ref for _code, ref in answers} == {report.reference}
    assert AuditEvent.objects.filter(action="intake.report").count() == 1
