"""IPRS test fixtures: a fake IPRS gateway on 127.0.0.1 (a real socket, a real HTTP exchange) that
answers match, mismatch, not found, 5xx (IPRS down) and slowly (timeout); the settings pointing at
it; and a synthetic Westlands child with a birth registration number. Names and numbers invented.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from cpims.core.tests.fake_http import serving

SECRET = "fake-iprs-secret"
NUMBER = "BC2016000123"  # the test child's birth registration number


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeIprs:
    """What the fake holds (number -> person) and how it behaves for every request."""

    url: str = ""
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    status: int | None = None  # answer every request with this HTTP status (e.g. 503: IPRS down)
    delay: float = 0.0  # seconds to wait before answering (longer than the timeout: slow IPRS)
    found_false_body: bool = False  # "not found" as 200 {"found": false} instead of a 404
    release: threading.Event = field(default_factory=threading.Event)

    def hold(self, number: str, first: str, other: str, surname: str, born: str) -> None:
        self.records[number] = {"first_name": first, "other_name": other, "surname": surname, "date_of_birth": born}


def _handler(fake: FakeIprs) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fake.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if fake.delay:
                fake.release.wait(fake.delay)
            if fake.status is not None:
                self._send(fake.status, {"error": "Service unavailable"})
                return
            try:
                number = json.loads(body).get("number", "")
            except ValueError:
                self._send(400, {"error": "bad request"})
                return
            record = fake.records.get(number)
            if record is not None:
                self._send(200, {"found": True, "reference": "FAKE-REF-1", **record})
            elif fake.found_false_body:
                self._send(200, {"found": False})
            else:
                self._send(404, {"found": False})

        def _send(self, status: int, answer: Any) -> None:
            raw = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except OSError:  # the client gave up waiting (the timeout test)
                pass

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    return Handler


@pytest.fixture
def fake_iprs() -> Any:
    fake = FakeIprs()
    # At the end, a slow answer is let go at once.
    with serving(_handler(fake), before_stop=fake.release.set) as url:
        fake.url = f"{url}/iprs"
        yield fake


@pytest.fixture
def iprs(fake_iprs: FakeIprs, settings: Any, monkeypatch: Any) -> FakeIprs:
    """IPRS set up against the fake, with a one-second timeout."""
    settings.IPRS_URL = fake_iprs.url
    settings.IPRS_USERNAME = "cpims"
    settings.IPRS_TIMEOUT_SECONDS = 1
    monkeypatch.setenv("CPIMS_IPRS_SECRET", SECRET)
    monkeypatch.delenv("CPIMS_IPRS_SECRET_FILE", raising=False)
    return fake_iprs


@pytest.fixture
def child(cast: Any) -> Any:
    """A Westlands girl, Wanjiku Achieng Kamau, born 2016-03-14, with a birth registration number."""
    import datetime as dt

    from conftest import WESTLANDS
    from cpims.registry.actions import PersonInput, identifier_add, person_create
    from cpims.registry.tests.conftest import id_type, ward_in

    person = person_create(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        data=PersonInput(
            first_name="Wanjiku",
            middle_name="Achieng",
            last_name="Kamau",
            sex="female",
            date_of_birth=dt.date(2016, 3, 14),
            ward=ward_in(WESTLANDS),
        ),
    )
    identifier_add(actor=cast.nairobi_officer, person=person, id_type=id_type("ISOV"), value=NUMBER)
    return person


@pytest.fixture
def identifier(child: Any) -> Any:
    found = child.identifiers.select_related("id_type", "person").get()
    return found


@pytest.fixture
def people(cast: Any) -> Any:
    from cpims.registry.tests.conftest import People

    return People(cast)
