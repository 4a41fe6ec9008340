"""The IPRS client against the fake gateway: match, not found, IPRS down (5xx), slow (timeout),
unreachable, refused credentials, unreadable answers, not set up; and what is sent (the number)."""

from __future__ import annotations

import base64
import datetime as dt
import socket
import time
from typing import Any

import pytest

from cpims.integrations.iprs import client
from cpims.integrations.iprs.tests.conftest import NUMBER, SECRET


def test_a_held_number_answers_the_register_names(iprs: Any) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau", "2016-03-14")
    answer = client.lookup("ISOV", NUMBER)
    assert answer.found is True
    assert (answer.first_name, answer.middle_name, answer.last_name) == ("Wanjiku", "Achieng", "Kamau")
    assert answer.date_of_birth == dt.date(2016, 3, 14) and answer.reference == "FAKE-REF-1"


def test_only_the_document_type_and_number_are_sent_with_basic_auth(iprs: Any) -> None:
    client.lookup("INTL", "12345678")
    (request,) = iprs.requests
    assert request.path == "/iprs/verify"
    assert request.json() == {"document_type": "national_id", "number": "12345678"}
    expected = "Basic " + base64.b64encode(f"cpims:{SECRET}".encode()).decode()
    assert request.headers["authorization"] == expected


def test_without_a_username_the_secret_is_a_bearer_token(iprs: Any, settings: Any) -> None:
    settings.IPRS_USERNAME = ""
    client.lookup("ISOV", NUMBER)
    assert iprs.requests[0].headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("as_body", [False, True])
def test_an_unknown_number_is_not_found(iprs: Any, as_body: bool) -> None:
    iprs.found_false_body = as_body
    assert client.lookup("ISOV", "NOSUCH1").found is False


@pytest.mark.parametrize("status", [500, 502, 503])
def test_iprs_down_is_a_clear_error(iprs: Any, status: int) -> None:
    iprs.status = status
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "down" and f"HTTP {status}" in exc.value.message


def test_a_slow_iprs_times_out(iprs: Any) -> None:
    iprs.delay = 5
    started = time.monotonic()
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "timeout" and "1 seconds" in exc.value.message
    assert time.monotonic() - started < 4


def test_nothing_listening_is_unreachable(iprs: Any, settings: Any) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    settings.IPRS_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "unreachable"


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials(iprs: Any, status: int) -> None:
    iprs.status = status
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "refused" and "credentials" in exc.value.message


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"found": "yes"}', b'{"found": true, "date_of_birth": "14/03/2016"}']
)
def test_an_unreadable_answer_is_an_error(body: bytes) -> None:
    import httpx

    with pytest.raises(client.IprsError) as exc:
        client.read_answer(httpx.Response(200, content=body))
    assert exc.value.code == "bad_answer"


def test_not_set_up(settings: Any) -> None:
    settings.IPRS_URL = ""
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "not_configured"


def test_a_missing_secret_sends_nothing(iprs: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("CPIMS_IPRS_SECRET")
    with pytest.raises(client.IprsError) as exc:
        client.lookup("ISOV", NUMBER)
    assert exc.value.code == "not_configured" and "CPIMS_IPRS_SECRET" in exc.value.message
    assert iprs.requests == []


def test_a_type_iprs_does_not_hold_is_refused(iprs: Any) -> None:
    with pytest.raises(client.IprsError) as exc:
        client.lookup("IPPN", "A1234567")
    assert exc.value.code == "not_supported" and iprs.requests == []
