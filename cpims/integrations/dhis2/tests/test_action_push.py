"""push / push_run against the fake DHIS2 server: success, warnings, conflicts, retries, server down."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.integrations.dhis2 import actions
from cpims.integrations.dhis2.datavalues import check
from cpims.integrations.dhis2.tests.conftest import SECRET, basic_auth_header, summary

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[Any]:
    from cpims.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action))


def test_push_sends_the_data_value_set_and_records_the_import_summary(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)

    assert log.status == "success"
    [request] = fake_dhis2.requests
    assert request.path == "/api/dataValueSets"
    assert request.query == {"importStrategy": ["CREATE_AND_UPDATE"], "dryRun": ["false"]}
    assert request.headers["authorization"] == basic_auth_header("cpims-push", SECRET)
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["dataSet"] == server.data_set_uid
    assert len(body["dataValues"]) == log.values_sent == log.imported == 6  # per county: all cases, neglect, abuse
    assert log.payload_sha256 == hashlib.sha256(request.body).hexdigest()
    assert (log.attempts, log.http_status, log.updated, log.ignored, log.conflicts) == (1, 200, 0, 0, [])
    assert log.period == period.code and log.period_dhis2 == period.dhis2
    assert len(log.org_units) == 47 and log.started_at and log.finished_at
    # audited: the request (who asked) and the result (what DHIS2 answered); no payload in either
    [asked] = _events("dhis2.push_request")
    [done] = _events("dhis2.push")
    assert asked.actor == done.actor == cast.national_me
    assert done.outcome == "success"
    assert done.details["imported"] == 6 and done.details["payload_sha256"] == log.payload_sha256
    assert "dataValues" not in json.dumps(done.details)


def test_dry_run_builds_and_checks_without_contacting_dhis2(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    nairobi = cast.nairobi_office.county
    log = actions.push(actor=cast.national_me, period=period, org_units=[nairobi], dry_run=True)
    assert fake_dhis2.requests == []
    assert [ou["key"] for ou in log.org_units] == ["county-047"]
    assert log.dry_run and (log.values_built, log.values_sent, log.http_status, log.attempts) == (3, 0, None, 0)
    assert log.message.startswith("Dry run: 3 values built, nothing sent.")
    # The Kenya default mapping ships placeholders: the dry run says which to map first.
    assert log.status == "warning" and log.conflicts
    assert all("placeholder" in c["value"] for c in log.conflicts)
    assert len(_events("dhis2.dry_run")) == 1 and not _events("dhis2.push")


def _align_mapping() -> None:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping, OrgUnitMapping

    for model in (DataElementMapping, CategoryOptionComboMapping, OrgUnitMapping):
        model.objects.update(is_placeholder=False)


def test_dry_run_needs_no_configured_server(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    _align_mapping()
    server.is_active = False
    server.save()
    log = actions.push(actor=cast.national_me, period=period, dry_run=True)
    assert log.server is None and fake_dhis2.requests == []
    assert (log.status, log.values_built, log.values_sent, log.conflicts) == ("success", 6, 0, [])
    assert log.message == "Dry run: 6 values built, nothing sent."


def test_dry_run_works_while_dhis2_is_unreachable(
    cast: Any, server: Any, closed_port_url: str, nairobi_cases: Any, period: Any
) -> None:
    _align_mapping()
    server.base_url = closed_port_url
    server.save()
    log = actions.push(actor=cast.national_me, period=period, dry_run=True)
    assert (log.status, log.values_built, log.values_sent, log.attempts) == ("success", 6, 0, 0)
    assert "nothing sent" in log.message and "could not be reached" not in log.message


def test_dry_run_reports_unmapped_figures_bad_identifiers_and_values() -> None:
    import datetime as dt

    from cpims.core.periods import Period
    from cpims.integrations.dhis2.datavalues import DataValue, DataValueSet, Target

    target = Target("county", 1, "county-047", "Nairobi", "bad uid", "")
    dvs = DataValueSet(
        period=Period.parse("2026/27-Q1"),
        data_set="",
        attribute_option_combo="",
        complete_date=dt.date(2026, 10, 1),
        org_unit_id_scheme="uid",
        targets=[target],
        values=[DataValue("deAAAAAAAAA", "cocAAAAAAAA", "bad uid", -1), DataValue("deAAAAAAAAA", "x", "bad uid", 2)],
        unmapped={"category_option_combo": 4},
    )
    problems = check(dvs, placeholders=frozenset({"deAAAAAAAAA"}))
    by_object = {p["object"]: p["value"] for p in problems}
    assert "4 figures have no mapping" in by_object["category_option_combo"]
    assert "not a DHIS2 identifier" in by_object["bad uid"] and "not a DHIS2 identifier" in by_object["x"]
    assert "placeholder" in by_object["deAAAAAAAAA"]
    assert "not a whole number" in by_object["deAAAAAAAAA.cocAAAAAAAA.bad uid"]
    assert len(problems) == 5  # each problem once, however many values share it


def test_warning_import_keeps_the_conflicts(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    conflicts = [
        {"object": "nIsi7Omm84q", "value": "Data element not found or not accessible", "errorCode": "E7610"},
        {"object": "KE_C047", "value": "Org unit not in hierarchy of user"},
    ]
    fake_dhis2.respond(200, summary("WARNING", imported=4, ignored=2, conflicts=conflicts))
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert log.status == "warning"
    assert (log.imported, log.ignored) == (4, 2)
    assert log.conflicts == conflicts
    assert _events("dhis2.push")[0].outcome == "success"


def test_409_conflict_is_an_error_and_is_not_retried(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    conflicts = [{"object": "2026Q3", "value": "Period is locked for data set", "errorCode": "E7641"}]
    fake_dhis2.respond(409, summary("ERROR", ignored=6, conflicts=conflicts))
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert len(fake_dhis2.requests) == 1
    assert (log.status, log.http_status, log.attempts, log.ignored) == ("error", 409, 1, 6)
    assert log.conflicts == conflicts
    assert "409" in log.message
    assert _events("dhis2.push")[0].outcome == "failure"


def test_old_style_import_summary_is_read_too(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    fake_dhis2.respond(
        200, {"responseType": "ImportSummary", "status": "SUCCESS", "importCount": {"imported": 0, "updated": 6}}
    )
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert (log.status, log.imported, log.updated) == ("success", 0, 6)


def test_5xx_is_retried_with_backoff(cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any) -> None:
    fake_dhis2.respond(503, {"message": "busy"})
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert len(fake_dhis2.requests) == 2
    assert (log.status, log.attempts, log.imported) == ("success", 2, 6)


def test_bad_credentials_are_an_error_without_retry(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    fake_dhis2.respond(401, {"httpStatus": "Unauthorized", "message": "Unauthorized"})
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert (log.status, log.attempts, log.http_status) == ("error", 1, 401)
    assert "credentials" in log.message


def test_server_down_retries_then_fails_with_a_clear_message(
    cast: Any, server: Any, closed_port_url: str, nairobi_cases: Any, period: Any
) -> None:
    server.base_url = closed_port_url
    server.save()
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert log.status == "failed"
    assert log.attempts == server.max_attempts == 3
    assert log.http_status is None
    assert "could not be reached" in log.message and closed_port_url in log.message and "3 attempts" in log.message
    assert _events("dhis2.push")[0].outcome == "failure"


def test_an_unreachable_dhis2_is_retried_through_the_queue_with_growing_waits(
    cast: Any, server: Any, closed_port_url: str, nairobi_cases: Any, period: Any, settings: Any, monkeypatch: Any
) -> None:
    """No worker sleeps between attempts: each failed attempt puts the push back in the task queue,
    to run after retry_backoff_seconds x 1, 2, 4 …; the last one records the failure."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cpims.integrations.dhis2.tasks import push_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    server.base_url = closed_port_url
    server.retry_backoff_seconds = 1.5
    server.save()
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert log.status == "queued" and log.attempts == 0  # waiting for a worker

    import types

    fixed = timezone.now()
    monkeypatch.setattr(actions, "timezone", types.SimpleNamespace(now=lambda: fixed, localdate=timezone.localdate))
    waits = []
    for attempt in (1, 2):
        log = actions.push_run(log=log)
        assert (log.status, log.attempts) == ("queued", attempt)
        assert f"Attempt {attempt} of 3 failed" in log.message
        queued = DBTaskResult.objects.filter(task_path=push_task.module_path).order_by("-enqueued_at").first()
        assert queued is not None and queued.args_kwargs["args"] == [log.pk]
        waits.append((queued.run_after - fixed).total_seconds())
    assert waits == [1.5, 3.0]
    log = actions.push_run(log=log)
    assert (log.status, log.attempts) == ("failed", 3) and "3 attempts" in log.message
    assert len(_events("dhis2.push")) == 1  # one audit event, for the outcome


def test_a_retry_queued_for_later_runs_in_the_worker(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any, settings: Any
) -> None:
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cpims.integrations.dhis2.tasks import push_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fake_dhis2.respond(503, {"message": "busy"})
    log = actions.push_run(log=actions.push(actor=cast.national_me, period=period, dry_run=False))
    assert log.status == "queued"
    retry = DBTaskResult.objects.filter(task_path=push_task.module_path, status=TaskResultStatus.READY).latest(
        "enqueued_at"
    )
    assert retry.run_after > timezone.now()
    push_task.call(*retry.args_kwargs["args"])  # what the worker does once the wait is over
    log.refresh_from_db()
    assert (log.status, log.attempts, log.imported) == ("success", 2, 6)


def test_token_authentication_header(cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any) -> None:
    server.auth = "token"
    server.save()
    actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert fake_dhis2.requests[0].headers["authorization"] == f"ApiToken {SECRET}"


def test_org_units_by_code_adds_the_id_scheme(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    server.org_unit_id_scheme = "code"
    server.save()
    actions.push(actor=cast.national_me, period=period, dry_run=False)
    request = fake_dhis2.requests[0]
    assert request.query["orgUnitIdScheme"] == ["CODE"]
    assert {v["orgUnit"] for v in request.json()["dataValues"]} == {"KE_C047", "KE_C023"}


def test_missing_secret_fails_before_any_request(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv(server.password_env)
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert fake_dhis2.requests == []
    assert log.status == "failed" and server.password_env in log.message


def test_sub_county_level_reports_each_sub_county(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    server.org_unit_level = "sub_county"
    server.save()
    log = actions.push(actor=cast.national_me, period=period, org_units=[cast.nairobi_office.county], dry_run=False)
    keys = [ou["key"] for ou in log.org_units]
    assert "sub_county-274" in keys and all(k.startswith("sub_county-") for k in keys)
    westlands = next(ou["uid"] for ou in log.org_units if ou["key"] == "sub_county-274")
    assert {v["orgUnit"] for v in fake_dhis2.requests[0].json()["dataValues"]} == {westlands}


def test_nothing_to_send_does_not_call_dhis2(cast: Any, server: Any, fake_dhis2: Any, period: Any) -> None:
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    assert fake_dhis2.requests == []
    assert (log.status, log.values_sent) == ("success", 0)


@pytest.mark.parametrize("who", ["nairobi_coordinator", "nairobi_officer", "stakeholder", "admin"])
def test_only_national_pushers_may_push(cast: Any, server: Any, period: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.push(actor=cast.users()[who], period=period, dry_run=True)


def test_a_county_role_holding_dhis2_push_may_not_push(cast: Any, server: Any, period: Any) -> None:
    from conftest import make_user
    from cpims.accounts import permissions as P
    from cpims.accounts.models import Role

    role = Role.objects.create(code="county_dhis2", name="County DHIS2", scope="area", permissions=[P.DHIS2_PUSH])
    user = make_user("county_pusher", role.code, cast.nairobi_office)
    with pytest.raises(PermissionDenied):
        actions.push(actor=user, period=period, dry_run=True)


def test_bad_requests_write_nothing(cast: Any, period: Any, server: Any) -> None:
    from cpims.core.periods import Period
    from cpims.integrations.dhis2.models import PushLog

    with pytest.raises(ValidationError) as future:
        actions.push(actor=cast.national_me, period=period.next().next(), dry_run=True)
    assert "period" in future.value.message_dict
    with pytest.raises(ValidationError):
        actions.push(actor=cast.national_me, period="2026/27-Q1", dry_run=True)  # type: ignore[arg-type]
    server.is_active = False
    server.save()
    with pytest.raises(ValidationError) as no_server:
        actions.push(actor=cast.national_me, period=Period.parse("2025/26"), dry_run=False)
    assert "server" in no_server.value.message_dict
    assert not PushLog.objects.exists()


def test_unmapped_org_unit_is_refused(cast: Any, server: Any, period: Any) -> None:
    from cpims.integrations.dhis2.models import OrgUnitMapping

    OrgUnitMapping.objects.filter(area=cast.nairobi_office.county).delete()
    with pytest.raises(ValidationError) as exc:
        actions.push(actor=cast.national_me, period=period, org_units=[cast.nairobi_office.county], dry_run=True)
    assert "org_units" in exc.value.message_dict


def test_a_log_runs_once(cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any) -> None:
    log = actions.push(actor=cast.national_me, period=period, dry_run=False)
    again = actions.push_run(log=log)
    assert again.status == "success" and len(fake_dhis2.requests) == 1


def test_requester_who_lost_the_right_is_not_pushed_for(cast: Any, server: Any, fake_dhis2: Any, period: Any) -> None:
    from cpims.integrations.dhis2.models import PushLog

    log = PushLog.objects.create(
        server=server, actor=cast.nairobi_officer, period=period.code, period_dhis2=period.dhis2, org_units=[]
    )
    log = actions.push_run(log=log)
    assert log.status == "failed" and fake_dhis2.requests == []
