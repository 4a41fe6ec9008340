"""accounts:user_create — a new account with a password set by the administrator and a first role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, User
from cpims.accounts.tests.conftest import events
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("accounts:user_create")
GOOD_PASSWORD = "Mto-Tana-Unapita-77"


def _data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "username": "westlands_vco",
        "first_name": "Test",
        "last_name": "Officer",
        "email": "vco@example.org",
        "phone": "0700000000",
        "preferred_language": "sw",
        "role": R.VOLUNTEER_OFFICER,
        "org_unit": str(cast.westlands_office.public_id),
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def test_coordinator_creates_an_officer_in_their_county(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_coordinator, URL) == 200
    response = client.post(URL, _data(cast))
    user = User.objects.get(username="westlands_vco")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", kwargs={"public_id": user.public_id})
    assert user.password.startswith("argon2") and user.check_password(GOOD_PASSWORD)
    assert user.preferred_language == "sw" and user.is_active
    assignment = Assignment.objects.get(user=user)
    assert assignment.role.code == R.VOLUNTEER_OFFICER and assignment.org_unit == cast.westlands_office
    assert assignment.created_by == cast.nairobi_coordinator
    [created] = events("user.create")
    assert created.actor == cast.nairobi_coordinator and created.object_id == str(user.public_id)
    assert created.ip == "127.0.0.1"
    [granted] = events("assignment.create")
    assert granted.details == {"user": str(user.public_id), "role": R.VOLUNTEER_OFFICER, "org_unit": "DCS-SC274"}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1A", "too short"),
        ("password1234", "too common"),
        ("482910573648", "entirely numeric"),
        ("westlands_vco1", "too similar"),
    ],
)
def test_weak_password_is_refused_and_nothing_is_written(
    client: Client, cast: Any, login: Any, password: str, message: str
) -> None:
    login(client, cast.nairobi_coordinator)
    before = AuditEvent.objects.count()
    response = client.post(URL, _data(cast, password1=password, password2=password))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password1"])
    assert message in response.content.decode()
    assert not User.objects.filter(username="westlands_vco").exists()
    assert AuditEvent.objects.count() == before


def test_passwords_must_match(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _data(cast, password2="Something-Else-123"))
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(username="westlands_vco").exists()


def test_duplicate_username_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _data(cast, username="nairobi_officer"))
    assert response.status_code == 200 and response.context["form"].errors["username"]


def test_coordinator_cannot_grant_system_admin(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _data(cast, role=R.SYSTEM_ADMIN))
    assert response.status_code == 200
    assert "You may not grant this role" in " ".join(response.context["form"].errors["role"])
    assert not User.objects.filter(username="westlands_vco").exists()
    assert R.SYSTEM_ADMIN not in [c for c, _ in response.context["form"].fields["role"].choices]


def test_coordinator_cannot_create_at_a_unit_outside_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, _data(cast, org_unit=str(cast.turkana_central_office.public_id)))
    assert response.status_code == 200
    assert "You may not assign roles at this unit" in " ".join(response.context["form"].errors["org_unit"])
    assert not User.objects.filter(username="westlands_vco").exists()


@pytest.mark.parametrize("who", ["nairobi_officer", "national_me", "stakeholder"])
def test_users_without_user_manage_get_403(client: Client, cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], URL) == 403
    assert client.post(URL, _data(cast)).status_code == 403


def test_anonymous_goes_to_login(client: Client, cast: Any) -> None:
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [r.code for r in R.DEFAULT_ROLES])
def test_system_admin_creates_a_user_of_every_default_role(client: Client, cast: Any, login: Any, role: str) -> None:
    # docs/security.md: the system administrator may grant any role, the helpline's partner-system
    # account (intake_system) and roles carrying permissions the administrator does not hold included.
    login(client, cast.admin)
    offered = [str(c) for c, _ in client.get(URL).context["form"].fields["role"].choices if c]
    assert sorted(offered) == sorted(r.code for r in R.DEFAULT_ROLES)
    response = client.post(URL, _data(cast, username=f"new_{role}", role=role))
    assert response.status_code == 302, response.context["form"].errors
    assignment = Assignment.objects.get(user__username=f"new_{role}")
    assert assignment.role.code == role and assignment.created_by == cast.admin


def test_coordinator_is_offered_no_national_role_and_cannot_grant_one(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    offered = {str(c) for c, _ in client.get(URL).context["form"].fields["role"].choices if c}
    national = {r.code for r in R.DEFAULT_ROLES if r.scope == "national"}
    assert offered and not offered & national
    assert R.SUBCOUNTY_OFFICER in offered and R.VOLUNTEER_OFFICER in offered
    for role in sorted(national):
        response = client.post(URL, _data(cast, username=f"new_{role}", role=role))
        assert response.status_code == 200 and response.context["form"].errors["role"]
    assert not User.objects.filter(username__startswith="new_").exists()
