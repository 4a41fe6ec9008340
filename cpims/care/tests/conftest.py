"""Care test helpers: institutions in the cast's areas (a CCI and a rescue centre in Nairobi, a
CCI in Turkana), an institution manager, and admissions of synthetic children (invented names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests.conftest import code, make_child, open_case  # noqa: F401 - re-exported


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_institution(
    office: Any, code_: str, name: str, kind: str = "cci", places: list[tuple[str, str, int]] | None = None
) -> Any:
    from cpims.care.models import CapacityRow, Institution
    from cpims.geo.models import OrgUnit

    unit = OrgUnit.objects.filter(code=code_).first()
    if unit is None:
        unit = OrgUnit.objects.create(
            name=name,
            code=code_,
            kind=kind,
            parent=office,
            area=office.area,
            county=office.county,
            sub_county=office.sub_county,
        )
        profile = Institution.objects.create(org_unit=unit, registration_status="registered", registration_number="T1")
        for sex, band, n in places if places is not None else [("any", "any", 20)]:
            CapacityRow.objects.create(institution=profile, sex=sex, band=band, places=n)
    return unit


def westlands_cci(cast: Any) -> Any:
    return make_institution(cast.westlands_office, "CCI-TEST-W", "Test Westlands Childrens Home")


def westlands_rescue(cast: Any) -> Any:
    return make_institution(cast.westlands_office, "RES-TEST-W", "Test Rescue Centre", kind="si_rescue")


def turkana_cci(cast: Any) -> Any:
    return make_institution(cast.turkana_central_office, "CCI-TEST-T", "Test Lodwar Childrens Home")


def admit(actor: Any, child: Any, institution: Any = None, **extra: Any) -> Any:
    from cpims.care.actions import OrderInput, placement_admit

    fields: dict[str, Any] = {
        "care_type": code("alternative_family_care_type_id", "AFIC"),
        "admitted_on": days(-30),
        "admission_type": code("admission_type_id", "TANA"),
        "admission_reason": code("admission_reason_id", "RACP"),
        "institution": institution,
        "order": OrderInput(),
    }
    fields.update(extra)
    return placement_admit(actor=actor, child=child, **fields)


def manager_of(unit: Any, username: str = "cci_manager") -> Any:
    from conftest import make_user
    from cpims.accounts.models import User

    return User.objects.filter(username=username).first() or make_user(username, "institution_manager", unit)


@pytest.fixture
def cci(cast: Any) -> Any:
    return westlands_cci(cast)


@pytest.fixture
def rescue(cast: Any) -> Any:
    return westlands_rescue(cast)


@pytest.fixture
def tcci(cast: Any) -> Any:
    return turkana_cci(cast)


@pytest.fixture
def manager(cci: Any) -> Any:
    return manager_of(cci)


@pytest.fixture
def child(cast: Any) -> Any:
    return make_child(cast.nairobi_officer, cast.westlands_office, first="Amani", last="Testchild")


@pytest.fixture
def placement(cast: Any, child: Any, cci: Any) -> Any:
    return admit(cast.nairobi_officer, child, cci)
