"""/metrics: requests by view name (never a path or a query), and gauges read from the database
that equal an independent count. Only a direct loopback request, or the scraper's token, may read it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from cpims.reporting.models import FactQueue


def _metrics(client: Client, **headers: Any) -> Any:
    return client.get("/metrics", REMOTE_ADDR="127.0.0.1", **headers)


def _value(body: str, name: str) -> float:
    match = re.search(rf"^{name} ([0-9.e+-]+)$", body, re.MULTILINE)
    assert match, f"{name} missing"
    return float(match.group(1))


def test_gauges_equal_what_the_database_holds(db: Any, cast: Any) -> None:
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong"})
    FactQueue.objects.create(case_id=1)
    FactQueue.objects.filter(case_id=1).update(at=timezone.now() - dt.timedelta(seconds=120))
    response = _metrics(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert _value(body, "cpims_sign_in_failures_last_hour") == 3
    assert 120 <= _value(body, "cpims_facts_lag_seconds") < 180
    assert _value(body, "cpims_task_queue_waiting") == 0
    assert _value(body, "cpims_task_stuck") == 0


def test_requests_are_counted_by_view_never_by_path(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    client.get("/children/?q=Wanjiku+Kamau")
    body = _metrics(client).content.decode()
    assert 'view="registry:search"' in body or 'view="registry:' in body
    assert "Wanjiku" not in body and "/children/" not in body


def test_only_the_scraper_may_read(db: Any, settings: Any) -> None:
    client = Client()
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404
    # Through the proxy (forwarded) is not a direct loopback request.
    assert _metrics(client, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 404
    settings.CPIMS_METRICS_TOKEN = "scrape-token-for-the-test-only"
    assert _metrics(client).status_code == 404
    assert _metrics(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    ok = client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_AUTHORIZATION="Bearer scrape-token-for-the-test-only")
    assert ok.status_code == 200
