"""The throughput workload runs end to end against a live server: 2 users for a few seconds, every
journey answered, no error. Not timed (figures are never asserted)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from bench import throughput


@pytest.mark.django_db(transaction=True)
def test_workload_runs_against_a_live_server_without_errors(live_server: Any, reference: Any, settings: Any) -> None:
    from bench import cases as bench_cases
    from bench import generate as bench_registry

    settings.CPIMS_REQUIRE_2FA = False  # the bench signs in as `make serve` does: without a second factor
    bench_registry.generate(120, batch=120, verbose=False, county_weights={"047": 1.0})
    bench_cases.generate(40, batch=40, verbose=False)
    roles, passwords = throughput.prepare()

    if connection.vendor == "sqlite":
        _one_request_at_a_time(live_server)
    throughput.wait_ready(live_server.url, timeout=10)
    sessions = throughput.sign_in_all(live_server.url, roles, passwords)
    result = throughput.run_load(live_server.url, roles, sessions, users=2, seconds=3)

    assert result.total_errors() == 0, result.error_samples
    assert result.requests > 0
    assert set(result.millis) <= {
        "name search (POST)",
        "child profile",
        "case page",
        "record a service (form + POST)",
        "task list",
        "dashboard",
        "caseload table",
    }
    lines = throughput.report(result, "live server", throughput.load())
    assert "requests/s" in lines[0] and "load average" in lines[0]


def test_gunicorn_configurations_are_parsed() -> None:
    assert throughput.parse_configs("2x4, 4x2,3") == [(2, 4), (4, 2), (3, 1)]


def _one_request_at_a_time(live_server: Any) -> None:
    """The test database in SQLite is one shared in-memory connection, which locks a table rather
    than wait; the live server then answers one request at a time (the users still run
    concurrently). Under gunicorn on PostgreSQL (`make bench`) requests run in parallel."""
    httpd = live_server.thread.httpd
    app, lock = httpd.get_app(), threading.Lock()

    def serialised(environ: Any, start_response: Any) -> Any:
        with lock:
            return list(app(environ, start_response))

    httpd.set_app(serialised)
