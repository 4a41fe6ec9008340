"""Every 403 is logged as one line (method, path, user id): no traceback, no personal data."""

from __future__ import annotations

import logging
from typing import Any

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient


def _request_records(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_raised_permission_denied_is_one_line_without_traceback(
    client: Client, cast: Any, login: Any, caplog: Any
) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("accounts:user_create")
    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == 403
    [record] = _request_records(caplog)
    assert record.exc_info is None and record.exc_text is None and record.levelno == logging.WARNING
    line = record.getMessage()
    assert line == f"Forbidden (403): GET {url} user={cast.nairobi_officer.pk}"
    assert cast.nairobi_officer.username not in line and "\n" not in logging.Formatter().format(record)


def test_an_api_403_is_one_line_too(cast: Any, login: Any, caplog: Any) -> None:
    client = login(APIClient(), cast.stakeholder)
    with caplog.at_level(logging.INFO):
        assert client.get("/api/v1/children/", {"q": "Wanjiku"}).status_code == 403
    [record] = _request_records(caplog)
    assert record.exc_info is None
    assert record.getMessage() == f"Forbidden (403): GET /api/v1/children/ user={cast.stakeholder.pk}"  # no query


def test_other_statuses_are_left_alone(client: Client, cast: Any, login: Any, caplog: Any) -> None:
    login(client, cast.nairobi_officer)
    with caplog.at_level(logging.INFO):
        assert client.get("/no-such-page/").status_code == 404
    [record] = _request_records(caplog)
    assert record.getMessage() == "Not Found: /no-such-page/"
