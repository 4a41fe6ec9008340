"""api:token_revoke — POST only; 404 outside scope, 403 without the permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.api.models import ApiToken
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(token: ApiToken) -> str:
    return reverse("api:token_revoke", kwargs={"public_id": token.public_id})


def test_admin_revokes(client: Any, cast: Any, login: Any, issue: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    login(client, cast.admin)
    response = client.post(_url(token))
    assert response.status_code == 302 and response["Location"] == reverse("api:token_list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.public_id)).exists()


def test_revoking_again_shows_a_message(client: Any, cast: Any, login: Any, issue: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    login(client, cast.admin)
    client.post(_url(token))
    response = client.post(_url(token), follow=True)
    assert "This token is already revoked." in response.content.decode()


def test_get_is_not_allowed(cast: Any, issue: Any, status_as: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    assert status_as(cast.admin, _url(token)) == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("who", ["nairobi_officer", "nairobi_coordinator", "national_me"])
def test_users_without_the_permission_get_403(cast: Any, issue: Any, who: str, status_as: Any) -> None:
    token, _ = issue(cast.nairobi_officer)
    assert status_as(cast.users()[who], _url(token), post={}) == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_goes_to_the_login_page(client: Any, cast: Any, issue: Any) -> None:
    token, _ = issue(cast.nairobi_officer)
    response = client.post(_url(token))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_area_manager_gets_404_outside_their_area(
    client: Any, scoped_managers: Any, issue: Any, status_as: Any
) -> None:
    cast = scoped_managers
    turkana, _ = issue(cast.turkana_officer)
    nairobi, _ = issue(cast.nairobi_officer)
    assert status_as(cast.nairobi_coordinator, _url(turkana), post={}) == 404
    assert client.post(_url(nairobi)).status_code == 302
    turkana.refresh_from_db()
    nairobi.refresh_from_db()
    assert turkana.revoked_at is None and nairobi.revoked_at is not None


def test_unknown_token_is_404(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    url = reverse("api:token_revoke", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert client.post(url).status_code == 404
