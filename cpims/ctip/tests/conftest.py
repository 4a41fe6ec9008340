"""CTiP test helpers: trafficking cases of synthetic children (invented names), opened through the
cases app's actions, and their CTiP tracks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests.conftest import categories, code, make_child, open_case


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def ctip_case(actor: Any, office: Any, child: Any = None, *, reported_on: dt.date | None = None) -> Any:
    """An open case with the category trafficked child (CSTC)."""
    return open_case(actor, office, child=child, categories=categories("CSTC"), reported_on=reported_on or days(-20))


def identify(actor: Any, case: Any, **overrides: Any) -> Any:
    from cpims.ctip import actions

    fields: dict[str, Any] = {
        "identified_on": days(-10),
        "trafficking_type": code("ctip_trafficking_type", "TFDVT"),
        "nationality": code("ctip_country", "UG"),
        "country_of_origin": code("ctip_country", "UG"),
        "purpose": code("ctip_purpose_id", "TPLB"),
        "means": [code("ctip_means_id", "TMDC")],
        "indicators": [code("ctip_situation", "TFDII")],
        "route": "Busia, Nairobi",
    }
    fields.update(overrides)
    return actions.ctip_identify(actor=actor, case=case, **fields)


@pytest.fixture
def westlands_ctip_case(cast: Any) -> Any:
    return ctip_case(cast.nairobi_officer, cast.westlands_office)


@pytest.fixture
def westlands_track(cast: Any, westlands_ctip_case: Any) -> Any:
    return identify(cast.nairobi_officer, westlands_ctip_case)


def partner(code_: str = "CTIP-SEC") -> Any:
    from cpims.geo.models import OrgUnit

    return OrgUnit.objects.get(code=code_)


__all__ = ["code", "ctip_case", "days", "identify", "make_child", "partner"]
