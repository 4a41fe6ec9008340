"""The demo returns load, in several states, and loading twice changes nothing."""

from __future__ import annotations

from typing import Any


def _demo_cast() -> None:
    """The demo units and users the returns demo needs (without passwords: hashing is slow)."""
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    ngo = OrgUnit.objects.create(
        code="DEMO-NGO-WESTLANDS",
        name="Tumaini Children Support (demo NGO)",
        kind="ngo",
        area=westlands.area,
        county=westlands.county,
        sub_county=westlands.sub_county,
    )
    make_user("demo.officer", R.SUBCOUNTY_OFFICER, westlands)
    make_user("demo.coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    make_user("demo.partner", R.PARTNER_CASEWORKER, ngo)
    make_user("demo.turkana.officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC125"))
    make_user("demo.turkana.coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C023"))


def test_demo_returns_are_idempotent(reference: Any) -> None:
    from cpims.returns.demo import load_demo_returns
    from cpims.returns.models import MonthlyReturn, ReturnEvent

    _demo_cast()
    load_demo_returns()
    statuses = set(MonthlyReturn.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "returned", "approved"} <= statuses
    assert MonthlyReturn.objects.filter(on_time=False).exists()
    assert ReturnEvent.objects.filter(kind="resubmitted").exists()
    count, events = MonthlyReturn.objects.count(), ReturnEvent.objects.count()
    load_demo_returns()
    assert (MonthlyReturn.objects.count(), ReturnEvent.objects.count()) == (count, events)


def test_demo_without_demo_users_does_nothing(reference: Any) -> None:
    from cpims.returns.demo import load_demo_returns
    from cpims.returns.models import MonthlyReturn

    load_demo_returns()
    assert not MonthlyReturn.objects.exists()
