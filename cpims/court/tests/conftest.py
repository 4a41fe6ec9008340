"""Court test helpers: a children's court, the DCS codes, and Westlands / Turkana cases of
synthetic children (invented names), opened through the cases app's actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests import conftest as cases_conftest
from cpims.cases.tests.conftest import advance, code, make_child, open_case  # noqa: F401 - re-exported

westlands_case = cases_conftest.westlands_case  # the cases app's fixture, as it is


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def session_type(dcs_code: str = "STHR") -> Any:
    return code("courtsession_type_id", dcs_code)


def outcome(dcs_code: str = "CADJ") -> Any:
    return code("court_outcome_id", dcs_code)


def order_type(dcs_code: str = "OSUP") -> Any:
    return code("court_order_id", dcs_code)


def plea(dcs_code: str = "PLNG") -> Any:
    return code("plea_type_id", dcs_code)


def make_court(name: str = "Milimani Children Court", code_: str = "CRT-TEST-1", near: Any = None) -> Any:
    from cpims.geo.models import OrgUnit

    existing = OrgUnit.objects.filter(code=code_).first()
    if existing is not None:
        return existing
    kwargs: dict[str, Any] = {}
    if near is not None:
        kwargs = {"area": near.area, "county": near.county, "sub_county": near.sub_county}
    return OrgUnit.objects.create(name=name, code=code_, kind=OrgUnit.Kind.COURT, **kwargs)


def record_session(actor: Any, case: Any, **extra: Any) -> Any:
    from cpims.court.actions import court_session_record

    fields: dict[str, Any] = {
        "session_type": session_type(),
        "held_on": days(-1),
        "court": make_court(),
        "outcome": outcome(),
        "next_date": days(10),
        "notes": "Adjourned for the social inquiry report.",
    }
    fields.update(extra)
    return court_session_record(actor=actor, case=case, **fields)


@pytest.fixture
def court(cast: Any) -> Any:
    return make_court(near=cast.westlands_office)


@pytest.fixture
def turkana_case(cast: Any) -> Any:

    child = make_child(cast.turkana_officer, cast.turkana_central_office, first="Ekai", last="Testchild")
    return open_case(cast.turkana_officer, cast.turkana_central_office, child=child)


@pytest.fixture
def session(cast: Any, westlands_case: Any, court: Any) -> Any:
    return record_session(cast.nairobi_officer, westlands_case, court=court)
