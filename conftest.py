"""Shared test fixtures: Kenya's reference data (loaded once) and the fixed cast of users.

The cast is the same in every scope test: an officer in a Nairobi sub-county (Westlands) and one
in a Turkana sub-county (Turkana Central), their county coordinators, the national M&E officer, a
partner caseworker at a Nairobi NGO, a stakeholder viewer and a system administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

NAIROBI_COUNTY = "047"
WESTLANDS = "274"
TURKANA_COUNTY = "023"
TURKANA_CENTRAL = "125"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters and other cached state never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default() -> Any:
    """A language switched on in one test (a Kiswahili page) never carries into the next."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def reference(db: Any) -> None:
    """Reference data present (transactional tests flush it, so reload when missing)."""
    from cpims.geo.models import Area

    if not Area.objects.exists():
        call_command("load_reference", verbosity=0)


@dataclass
class Cast:
    admin: Any
    national_me: Any
    nairobi_coordinator: Any
    turkana_coordinator: Any
    nairobi_officer: Any
    turkana_officer: Any
    partner: Any
    stakeholder: Any
    # Org units the cast works at.
    hq: Any
    nairobi_office: Any
    turkana_office: Any
    westlands_office: Any
    turkana_central_office: Any
    nairobi_ngo: Any

    def users(self) -> dict[str, Any]:
        return {
            "admin": self.admin,
            "national_me": self.national_me,
            "nairobi_coordinator": self.nairobi_coordinator,
            "turkana_coordinator": self.turkana_coordinator,
            "nairobi_officer": self.nairobi_officer,
            "turkana_officer": self.turkana_officer,
            "partner": self.partner,
            "stakeholder": self.stakeholder,
        }


def make_user(username: str, role_code: str, org_unit: Any, **extra: Any) -> Any:
    from cpims.accounts.models import Assignment, Role, User

    user = User.objects.create(username=username, first_name=username.split("_")[0].title(), **extra)
    # No password: tests log in with force_login; Argon2 hashing per test would be slow.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Assignment.objects.create(user=user, role=Role.objects.get(code=role_code), org_unit=org_unit)
    return user


@pytest.fixture
def cast(reference: None) -> Cast:
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    hq = OrgUnit.objects.get(code="DCS-HQ")
    nairobi_office = OrgUnit.objects.get(code=f"DCS-C{NAIROBI_COUNTY}")
    turkana_office = OrgUnit.objects.get(code=f"DCS-C{TURKANA_COUNTY}")
    westlands = OrgUnit.objects.get(code=f"DCS-SC{WESTLANDS}")
    turkana_central = OrgUnit.objects.get(code=f"DCS-SC{TURKANA_CENTRAL}")
    ngo = OrgUnit.objects.create(
        name="Test Children NGO",
        code="NGO-TEST-1",
        kind=OrgUnit.Kind.NGO,
        area=westlands.area,
        county=westlands.county,
        sub_county=westlands.sub_county,
    )
    return Cast(
        admin=make_user("admin_user", R.SYSTEM_ADMIN, hq),
        national_me=make_user("national_me", R.NATIONAL_ME, hq),
        nairobi_coordinator=make_user("nairobi_coordinator", R.COUNTY_COORDINATOR, nairobi_office),
        turkana_coordinator=make_user("turkana_coordinator", R.COUNTY_COORDINATOR, turkana_office),
        nairobi_officer=make_user("nairobi_officer", R.SUBCOUNTY_OFFICER, westlands),
        turkana_officer=make_user("turkana_officer", R.SUBCOUNTY_OFFICER, turkana_central),
        partner=make_user("partner_caseworker", R.PARTNER_CASEWORKER, ngo),
        stakeholder=make_user("stakeholder_viewer", R.STAKEHOLDER_VIEWER, hq),
        hq=hq,
        nairobi_office=nairobi_office,
        turkana_office=turkana_office,
        westlands_office=westlands,
        turkana_central_office=turkana_central,
        nairobi_ngo=ngo,
    )


def login_verified(client: Client, user: Any) -> Client:
    """Log ``user`` in as if they had passed their second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login(db: Any) -> Any:
    """``login(client, user)`` logs in with a verified second factor and returns the client."""
    return login_verified


@pytest.fixture
def status_as(client: Client, login: Any) -> Any:
    """``status_as(user, url)`` logs ``user`` in on the test's client (as ``login``) and returns the
    status code of a GET of ``url`` (with ``post=data``, a POST). The client stays signed in as
    ``user``, for assertions that follow."""

    def _status(user: Any, url: str, *, post: dict[str, Any] | None = None) -> int:
        login(client, user)
        response = client.get(url) if post is None else client.post(url, post)
        return int(response.status_code)

    return _status
