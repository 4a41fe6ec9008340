"""ApiTokenAuthentication: Bearer tokens, refused with 401 when unknown, malformed, revoked,
expired or belonging to an inactive user."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.api.models import ApiToken
from cpims.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "api:apitoken-list"


def test_a_valid_token_authenticates_as_its_user(api_client: Any, cast: Any, issue: Any) -> None:
    token, secret = issue(cast.admin)
    response = api_client.get(reverse(URL), **bearer(secret))
    assert response.status_code == 200
    assert response.wsgi_request.user == cast.admin
    assert [row["id"] for row in response.json()["results"]] == [str(token.public_id)]


def test_a_token_carries_only_its_users_grants(api_client: Any, cast: Any, issue: Any) -> None:
    _, secret = issue(cast.nairobi_officer)
    # The officer may not manage tokens, so neither may their token.
    assert api_client.get(reverse(URL), **bearer(secret)).status_code == 403


def test_the_secret_is_not_stored_only_its_hash(cast: Any, issue: Any) -> None:
    token, secret = issue(cast.admin)
    assert secret.startswith("cpims_") and len(secret) >= 40
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.key_prefix == secret.removeprefix("cpims_")[:8]
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(secret in value or secret.removeprefix("cpims_") in value for value in stored)


def _assert_refused(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail"}


def test_revoked_token_is_refused(api_client: Any, cast: Any, issue: Any) -> None:
    token, secret = issue(cast.admin)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _assert_refused(api_client.get(reverse(URL), **bearer(secret)))


def test_expired_token_is_refused(api_client: Any, cast: Any, issue: Any) -> None:
    token, secret = issue(cast.admin, expires_at=timezone.now() + timedelta(days=1))
    assert api_client.get(reverse(URL), **bearer(secret)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_refused(api_client.get(reverse(URL), **bearer(secret)))


def test_unknown_token_is_refused(api_client: Any, cast: Any, issue: Any) -> None:
    _, secret = issue(cast.admin)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    _assert_refused(api_client.get(reverse(URL), **bearer(forged)))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer   ",
        "Bearer cpims_abc def",
        "Bearer not-a-cpims-token-at-all",
        "Bearer cpims_",
        "Bearer cpims_" + "x" * 200,
        "bearer cpims_",
    ],
    ids=["empty", "blank", "two-parts", "wrong-marker", "marker-only", "too-long", "lowercase-keyword"],
)
def test_malformed_tokens_are_refused(api_client: Any, cast: Any, header: str) -> None:
    _assert_refused(api_client.get(reverse(URL), HTTP_AUTHORIZATION=header))


def test_non_ascii_token_is_refused(api_client: Any, cast: Any) -> None:
    _assert_refused(
        api_client.get(reverse(URL), HTTP_AUTHORIZATION="Bearer cpims_ñññññññññ".encode().decode("latin-1"))
    )


@pytest.mark.parametrize("how", ["is_active", "deactivated_at"])
def test_token_of_an_inactive_user_is_refused(api_client: Any, cast: Any, issue: Any, how: str) -> None:
    _, secret = issue(cast.admin)
    if how == "is_active":
        cast.admin.is_active = False
    else:
        cast.admin.deactivated_at = timezone.now()
    cast.admin.save()
    _assert_refused(api_client.get(reverse(URL), **bearer(secret)))


def test_anonymous_request_is_refused(api_client: Any, cast: Any) -> None:
    _assert_refused(api_client.get(reverse(URL)))


def test_other_schemes_are_left_to_other_authenticators(api_client: Any, cast: Any) -> None:
    # Not ours, and no other authenticator accepts it: the request is simply anonymous.
    _assert_refused(api_client.get(reverse(URL), HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"))


def test_last_used_is_written_at_most_once_a_minute(
    api_client: Any, cast: Any, issue: Any, django_assert_num_queries: Any
) -> None:
    token, secret = issue(cast.admin)
    assert token.last_used_at is None
    api_client.get(reverse(URL), **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    api_client.get(reverse(URL), **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_client.get(reverse(URL), **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_authentication_costs_one_query_when_recently_used(
    cast: Any, issue: Any, django_assert_num_queries: Any
) -> None:
    from cpims.api.authentication import ApiTokenAuthentication

    token, secret = issue(cast.admin)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    with django_assert_num_queries(1):
        user, authed = ApiTokenAuthentication().authenticate_secret(secret)
    assert user == cast.admin and authed == token
