from __future__ import annotations

from cpims.intake.demo import load_demo_intake
from cpims.intake.models import IntakeReport


def test_demo_intake(reference: None) -> None:
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    make_user("demo.officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    assert load_demo_intake() == 4
    assert IntakeReport.objects.filter(status="new", office__code="DCS-SC274").count() == 3
    assert IntakeReport.objects.filter(status="dismissed").count() == 1
    assert load_demo_intake() == 0


def test_demo_intake_without_demo_users(reference: None) -> None:
    assert load_demo_intake() == 4
    assert set(IntakeReport.objects.values_list("status", flat=True)) == {"new"}
