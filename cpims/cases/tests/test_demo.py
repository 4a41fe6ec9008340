from __future__ import annotations

from cpims.cases.demo import load_demo_cases
from cpims.cases.models import Case


def test_demo_cases(reference: None) -> None:
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    make_user("demo.officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    make_user("demo.coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    assert load_demo_cases() == 5
    states = set(Case.objects.values_list("status", flat=True))
    assert states == {"reported", "assessment", "plan", "services", "closed"}
    assert load_demo_cases() == 0
