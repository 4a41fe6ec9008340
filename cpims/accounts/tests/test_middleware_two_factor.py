"""TwoFactorRequiredMiddleware — roles that see identified children need a second factor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]
HOME = reverse("site:home")


def test_officer_without_device_is_sent_to_setup(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:2fa_setup')}?next=%2F"
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get(reverse("accounts:2fa_setup")).status_code == 200


def test_officer_with_device_is_sent_to_verify(
    client: Client, cast: Any, login_unverified: Any, confirmed_device: Any
) -> None:
    confirmed_device(cast.nairobi_officer)
    login_unverified(client, cast.nairobi_officer)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:2fa_verify"))


def test_post_is_redirected_without_next(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.post(reverse("accounts:profile"), {"preferred_language": "sw"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:2fa_setup")
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.preferred_language == "en"


def test_htmx_request_gets_a_client_redirect(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:2fa_setup"))


@pytest.mark.parametrize("path", ["/i18n/setlang/", "/healthz", "/static/cpims/app.css", "/accounts/login/"])
def test_allowed_paths_stay_open(client: Client, cast: Any, login_unverified: Any, path: str) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.get(path)
    assert not (response.status_code == 302 and "/2fa/setup/" in response["Location"])


def test_logout_stays_open(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


def test_verified_officer_passes(cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, HOME) == 200


@pytest.mark.parametrize("who", ["admin", "national_me", "nairobi_coordinator", "partner"])
def test_every_role_beyond_aggregates_needs_it(client: Client, cast: Any, login_unverified: Any, who: str) -> None:
    login_unverified(client, cast.users()[who])
    assert client.get(HOME).status_code == 302


def test_stakeholder_is_not_forced(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.stakeholder)
    assert client.get(HOME).status_code == 200


def test_user_without_roles_is_not_forced(client: Client, cast: Any, login_unverified: Any) -> None:
    cast.nairobi_officer.assignments.update(is_active=False)
    login_unverified(client, cast.nairobi_officer)
    assert client.get(HOME).status_code == 200


def test_setting_off_relaxes_it(client: Client, cast: Any, login_unverified: Any, settings: Any) -> None:
    settings.CPIMS_REQUIRE_2FA = False
    login_unverified(client, cast.nairobi_officer)
    assert client.get(HOME).status_code == 200


def test_api_session_request_gets_403_json(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.get("/api/v1/anything/")
    assert response.status_code == 403
    assert "detail" in response.json()
