"""Every request has an id: sent back in X-Request-ID, on its log lines and its audit events;
background tasks log under their own id. JSON log lines hold the listed keys only."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.test import Client

from cpims.audit.models import AuditEvent
from cpims.core import context
from cpims.core.logfilters import JsonLines, RequestAndTaskIds


def test_a_request_gets_an_id_and_keeps_a_proxys_plain_one(db: Any) -> None:
    client = Client()
    fresh = client.get("/livez")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/livez", HTTP_X_REQUEST_ID="lb-0123456789")["X-Request-ID"] == "lb-0123456789"
    # A forged value (a new log line, or too long) is replaced.
    for bad in ("x\\nFAKE LINE", "a" * 65, "short"):
        assert client.get("/livez", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


def test_the_audit_event_carries_the_request_id(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post("/accounts/logout/", HTTP_X_REQUEST_ID="trace-logout-0001")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.logout")
    assert event.request_id == "trace-logout-0001"


def test_an_event_written_by_a_task_names_the_task(db: Any) -> None:
    from cpims.audit.actions import audit_record

    context.bind(request="", task="5b1d-task-id")
    try:
        event = audit_record(actor=None, action="reporting.refresh")
    finally:
        context.bind(task="")
    assert event.request_id == "task:5b1d-task-id"


def _record(message: str, **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    RequestAndTaskIds().filter(record)
    return record


def test_json_lines_keep_the_ids_and_drop_the_request() -> None:
    context.bind(request="req-12345678", task="")
    try:
        line = JsonLines("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s").format(
            _record("Not Found: /children/", request="<WSGIRequest: GET '/children/?q=Wanjiku'>", status_code=404)
        )
    finally:
        context.bind(request="", task="")
    body = json.loads(line)
    assert body["request_id"] == "req-12345678" and body["task_id"] == "-"
    assert "request" not in body and "status_code" not in body and "Wanjiku" not in line


def test_a_task_logs_under_its_own_id() -> None:
    context.bind(request="", task="9f1c0e2a-task")
    try:
        record = _record("refreshing")
    finally:
        context.bind(task="")
    assert getattr(record, "task_id") == "9f1c0e2a-task" and getattr(record, "request_id") == "-"  # noqa: B009
