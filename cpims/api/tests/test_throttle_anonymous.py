"""Anonymous API requests are rate-limited (30 a minute per address), counted before any
permission check refuses them; signed-in users have their own, higher limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/"
ANON_PER_MINUTE = 30


def test_anonymous_requests_are_refused_with_429_past_the_limit(db: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.10")
    answers = [client.get(URL).status_code for _ in range(ANON_PER_MINUTE)]
    assert set(answers) == {401}  # refused, but counted
    response = client.get(URL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_the_limit_is_per_address(db: Any) -> None:
    for _ in range(ANON_PER_MINUTE + 1):
        Client(REMOTE_ADDR="192.0.2.11").get(URL)
    assert Client(REMOTE_ADDR="192.0.2.12").get(URL).status_code == 401


def test_a_forged_forwarded_for_does_not_dodge_the_limit(db: Any) -> None:
    for n in range(ANON_PER_MINUTE):
        Client(REMOTE_ADDR="192.0.2.16", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get(URL)
    assert Client(REMOTE_ADDR="192.0.2.16", HTTP_X_FORWARDED_FOR="198.51.100.99").get(URL).status_code == 429


def test_a_bad_request_body_still_counts_and_never_500s(db: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.13")
    for _ in range(ANON_PER_MINUTE):
        assert client.post(URL, data="{not json", content_type="application/json").status_code < 500
    assert client.post(URL, data="{not json", content_type="application/json").status_code == 429


def test_signed_in_users_are_not_held_to_the_anonymous_limit(cast: Any, login: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.14")
    for _ in range(ANON_PER_MINUTE + 1):
        Client(REMOTE_ADDR="192.0.2.14").get(URL)  # the address is spent for anonymous requests
    login(client, cast.nairobi_officer)
    assert client.get(URL).status_code == 200


def test_an_api_token_is_not_held_to_the_anonymous_limit(cast: Any) -> None:
    from cpims.api.actions import token_issue

    _token, secret = token_issue(actor=cast.admin, user=cast.nairobi_officer, name="throttle test")
    client = Client(REMOTE_ADDR="192.0.2.15", HTTP_AUTHORIZATION=f"Bearer {secret}")
    answers = {client.get(URL).status_code for _ in range(ANON_PER_MINUTE + 1)}
    assert answers == {200}
