"""UserBackend + OTPMiddleware: the signed-in user, their grants and the session's TOTP device in
one query, with the same answers as django-otp and scope.grants_for give on their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts import backends, roles, scope
from cpims.accounts.models import Assignment, Role, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]
PROFILE = reverse("accounts:profile")


def _with_device(client: Client, user: Any, persistent_id: str) -> Client:
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    return client


def _fresh_grants(user: Any) -> set[Any]:
    """The grants as scope.grants_for reads them on its own (in no particular order)."""
    plain = User.objects.get(pk=user.pk)
    return set(scope.grants_for(plain).items)


def test_one_query_reads_the_user_their_grants_and_the_device(cast: Any, confirmed_device: Any) -> None:
    user = cast.nairobi_coordinator
    device = confirmed_device(user)
    with backends.session_device(device.pk), CaptureQueriesContext(connection) as captured:
        loaded = backends.UserBackend().get_user(user.pk)
        grants = scope.grants_for(loaded).items
    assert len(captured) == 1
    assert loaded == user and set(grants) == _fresh_grants(user) and grants
    assert getattr(loaded, backends.SESSION_DEVICE_ATTR) == (device.pk, device)
    assert not hasattr(loaded, "cpims_grant") and not hasattr(loaded, "cpims_device")


def test_grants_leave_out_ended_assignments_and_closed_units(cast: Any) -> None:
    user = cast.nairobi_officer
    role = Role.objects.get(code=roles.COUNTY_COORDINATOR)
    Assignment.objects.create(user=user, role=role, org_unit=cast.nairobi_office, is_active=False)
    cast.turkana_office.is_active = False
    cast.turkana_office.save()
    Assignment.objects.create(user=user, role=role, org_unit=cast.turkana_office)
    loaded = backends.UserBackend().get_user(user.pk)
    assert [g.org_unit_id for g in scope.grants_for(loaded).items] == [cast.westlands_office.pk]
    assert set(scope.grants_for(loaded).items) == _fresh_grants(user)


def test_inactive_or_missing_user_is_nobody(cast: Any) -> None:
    user = cast.nairobi_officer
    assert backends.UserBackend().get_user(10**9) is None
    user.is_active = False
    user.save()
    assert backends.UserBackend().get_user(user.pk) is None


def test_a_user_without_assignments_has_no_grants(cast: Any) -> None:
    user = User.objects.create(username="no_roles")
    loaded = backends.UserBackend().get_user(user.pk)
    assert loaded == user and scope.grants_for(loaded).items == []


def test_verified_session_opens_the_page_with_the_device_read_with_the_user(
    client: Client, cast: Any, confirmed_device: Any
) -> None:
    device = confirmed_device(cast.nairobi_officer)
    _with_device(client, cast.nairobi_officer, device.persistent_id)
    client.get(PROFILE)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PROFILE).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    # The device and the grants are joined to the user, not read alone (the page itself lists the
    # user's devices and assignments, by user).
    assert not [q for q in sql if 'FROM "otp_totp_totpdevice" WHERE "otp_totp_totpdevice"."id" =' in q]
    assert not [q for q in sql if '"accounts_assignment"."is_active" AND "geo_orgunit"."is_active"' in q]
    assert [q for q in sql if q.startswith('SELECT "accounts_user"."id"') and "cpims_device" in q]
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


@pytest.mark.parametrize("case", ["other_user", "unconfirmed", "deleted"])
def test_a_device_that_does_not_verify_this_user_is_dropped(
    client: Client, cast: Any, confirmed_device: Any, case: str
) -> None:
    mine = confirmed_device(cast.nairobi_officer)
    named = mine.persistent_id
    if case == "other_user":
        named = confirmed_device(cast.turkana_officer).persistent_id
    elif case == "unconfirmed":
        TOTPDevice.objects.filter(pk=mine.pk).update(confirmed=False)
    else:
        TOTPDevice.objects.filter(pk=mine.pk).delete()
    _with_device(client, cast.nairobi_officer, named)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("accounts:2fa_verify"), reverse("accounts:2fa_setup")))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_recovery_codes_device_is_read_by_django_otp(client: Client, cast: Any) -> None:
    device = StaticDevice.objects.create(user=cast.nairobi_officer, name="backup", confirmed=True)
    _with_device(client, cast.nairobi_officer, device.persistent_id)
    assert client.get(PROFILE).status_code == 200


@pytest.mark.parametrize(
    ("persistent_id", "expected"),
    [
        ("otp_totp.totpdevice/12", 12),
        ("django_otp.plugins.otp_totp.models.TOTPDevice/12", None),
        ("otp_static.staticdevice/12", None),
        ("otp_totp.totpdevice/x", None),
        ("", None),
        (None, None),
    ],
)
def test_which_session_devices_are_read_with_the_user(persistent_id: Any, expected: int | None) -> None:
    assert backends.totp_device_id(persistent_id) == expected
