"""The care alerts count on the home page equals what the alerts page lists, within scope."""

from __future__ import annotations

from typing import Any

from cpims.care import home, queries
from cpims.care.actions import CapacityInput, institution_save, placement_status_change, review_add
from cpims.care.models import Placement
from cpims.care.tests.conftest import admit, days
from cpims.cases.tests.conftest import make_child


def test_care_alerts_count_equals_the_alerts_page(cast: Any, placement: Any, cci: Any, tcci: Any) -> None:
    Placement.objects.filter(pk=placement.pk).update(order_expires_on=days(-1))  # expired
    review_add(actor=cast.nairobi_officer, placement=placement, kind="care_plan", due_on=days(-2))  # overdue
    other = admit(cast.nairobi_officer, make_child(cast.nairobi_officer, cast.westlands_office, first="Imani"), cci)
    placement_status_change(actor=cast.nairobi_officer, placement=other, status="escaped", on=days(-1))
    institution_save(
        actor=cast.nairobi_officer,
        org_unit=cci,
        expected_version=None,
        registration_status="registered",
        registration_number="R",
        capacity=[CapacityInput("any", "any", 1)],
    )
    page = queries.alerts(cast.nairobi_officer)
    independent = len(page.expired) + len(page.overdue_reviews) + len(page.escaped) + len(page.over_capacity)
    assert independent == 4
    assert home.care_alerts(cast.nairobi_officer) == independent
    assert home.care_alerts(cast.turkana_officer) == 0
    assert home.home_counts(cast.admin) == []  # no placement.view
