"""Intake test helpers: synthetic reports (invented names) in the cast's areas."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import NAIROBI_COUNTY, TURKANA_CENTRAL, TURKANA_COUNTY, WESTLANDS, make_user


def area(level: str, code: str) -> Any:
    from cpims.geo.models import Area

    return Area.objects.get(level=level, code=code)


def westlands_ward() -> Any:
    from cpims.geo.models import Area

    return Area.objects.filter(level=Area.Level.WARD, sub_county__code=WESTLANDS).order_by("code").first()


def report_input(where: str = "westlands", **extra: Any) -> Any:
    from cpims.intake.actions import ReportInput

    if where == "westlands":
        places = {"county": area("county", NAIROBI_COUNTY), "sub_county": area("sub_county", WESTLANDS)}
    elif where == "turkana":
        places = {"county": area("county", TURKANA_COUNTY), "sub_county": area("sub_county", TURKANA_CENTRAL)}
    else:  # county only
        places = {"county": area("county", NAIROBI_COUNTY)}
    data: dict[str, Any] = {
        "what_happened": "A girl of about nine is left alone at home for days without food.",
        "child_name": "Amani Testchild",
        "child_age": 9,
        "child_sex": "female",
        "place": "Kangemi stage",
        "reporter_name": "Reporter Testname",
        "reporter_contact": "0700000001",
        **places,
    }
    data.update(extra)
    return ReportInput(**data)


def make_report(where: str = "westlands", **extra: Any) -> Any:
    from cpims.intake.actions import report_submit_public

    return report_submit_public(data=report_input(where, **extra))


def form_data(**extra: Any) -> dict[str, Any]:
    """What the public form posts for a Westlands concern."""
    data = {
        "what_happened": "A boy of about seven sleeps outside the market every night.",
        "county": str(area("county", NAIROBI_COUNTY).pk),
        "sub_county": str(area("sub_county", WESTLANDS).pk),
        "ward": "",
        "place": "Westlands market",
        "happened_on": "",
        "child_name": "Baraka Testchild",
        "child_age": "7",
        "child_sex": "male",
        "reporter_name": "",
        "reporter_contact": "",
        "reporter_relationship": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def report(cast: Any) -> Any:
    return make_report()


@pytest.fixture
def turkana_report(cast: Any) -> Any:
    return make_report("turkana")


@pytest.fixture
def helpline(cast: Any) -> Any:
    """A partner system account (intake_system role) with a token: (user, secret)."""
    from cpims.accounts import roles as R
    from cpims.api.actions import token_issue

    user = make_user("helpline_116", R.INTAKE_SYSTEM, cast.hq)
    token, secret = token_issue(actor=cast.admin, user=user, name="Helpline 116")
    user._token = token
    return user, secret
