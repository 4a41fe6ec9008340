"""DHIS2 test fixtures: a fake DHIS2 HTTP server on 127.0.0.1 (a real socket, a real HTTP exchange),
a server configuration pointing at it, and synthetic cases in the cast's areas.
"""

from __future__ import annotations

import base64
import json
import socket
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cpims.core.tests.fake_http import serving

SECRET_ENV = "CPIMS_DHIS2_TEST_SECRET"
SECRET = "fake-dhis2-secret"


def summary(
    status: str = "SUCCESS", imported: int = 0, updated: int = 0, ignored: int = 0, conflicts: Any = ()
) -> dict:
    """An import summary in the WebMessage shape of DHIS2 2.38+."""
    return {
        "httpStatus": "OK" if status != "ERROR" else "Conflict",
        "httpStatusCode": 200 if status != "ERROR" else 409,
        "status": "OK" if status != "ERROR" else "ERROR",
        "message": "Import was successful." if status != "ERROR" else "An error occurred, please check import summary.",
        "response": {
            "responseType": "ImportSummary",
            "status": status,
            "importOptions": {"dryRun": False},
            "description": "Import process completed successfully" if status == "SUCCESS" else "",
            "importCount": {"imported": imported, "updated": updated, "ignored": ignored, "deleted": 0},
            "conflicts": list(conflicts),
        },
    }


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeDhis2:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    # Answers given in order; when empty, the default answer (a SUCCESS summary counting the values).
    queue: list[tuple[int, Any]] = field(default_factory=list)

    def respond(self, status: int, body: Any) -> None:
        self.queue.append((status, body))


def _handler(fake: FakeDhis2) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            fake.requests.append(
                Recorded(
                    "POST", parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}, body
                )
            )
            if fake.queue:
                status, answer = fake.queue.pop(0)
            else:
                try:
                    n = len(json.loads(body).get("dataValues", []))
                except ValueError:
                    n = 0
                status, answer = 200, summary(imported=n)
            raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    return Handler


@pytest.fixture
def fake_dhis2() -> Any:
    fake = FakeDhis2()
    with serving(_handler(fake)) as url:
        fake.url = url
        yield fake


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def dhis2_secret(monkeypatch: Any) -> str:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


def basic_auth_header(username: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()


@pytest.fixture
def server(fake_dhis2: FakeDhis2, dhis2_secret: str, cast: Any) -> Any:
    from cpims.integrations.dhis2.defaults import default_document
    from cpims.integrations.dhis2.models import Dhis2Server

    return Dhis2Server.objects.create(
        name="Fake KHIS",
        base_url=fake_dhis2.url,
        username="cpims-push",
        password_env=SECRET_ENV,
        data_set_uid=default_document()["data_set"]["uid"],
        timeout_seconds=5,
        max_attempts=3,
        retry_backoff_seconds=0,
    )


@pytest.fixture
def period() -> Any:
    """The quarter holding today (cases opened by the helpers are reported today)."""
    from django.utils import timezone

    from cpims.core.periods import QUARTER, Period

    return Period.containing(QUARTER, timezone.localdate())


@pytest.fixture
def nairobi_cases(cast: Any) -> list[Any]:
    """Two Westlands cases (each with two categories: neglect and physical abuse) and one in Turkana."""
    from cpims.cases.tests.conftest import make_child, open_case

    cases = [
        open_case(cast.nairobi_officer, cast.westlands_office),
        open_case(
            cast.nairobi_officer,
            cast.westlands_office,
            child=make_child(cast.nairobi_officer, cast.westlands_office, "Baraka"),
        ),
        open_case(cast.turkana_officer, cast.turkana_central_office),
    ]
    return cases
