"""Returns on the home page: due, sent back and awaiting review equal an independent count, for
the right people, and the review list filtered the same way shows the same returns."""

from __future__ import annotations

import calendar
from typing import Any

from django.urls import reverse

from cpims.returns import actions, home, queries
from cpims.returns.models import MonthlyReturn
from cpims.returns.tests.conftest import submitted


def _due_on_unit_page(unit: Any) -> int:
    """What the unit's page shows as not received and due by the end of this month."""
    today = queries.nairobi_today()
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    rows = queries.unit_months(unit, months=queries.REMINDER_MONTHS + 1)
    return sum(1 for r in rows if r.due_on <= month_end and not (r.ret and r.ret.is_received))


def test_returns_due_are_the_unit_pages_months_not_received(cast: Any) -> None:
    before = home.returns_due(cast.nairobi_officer)
    assert before == _due_on_unit_page(cast.westlands_office) > 0
    submitted(cast)  # last month's return is received
    assert home.returns_due(cast.nairobi_officer) == before - 1 == _due_on_unit_page(cast.westlands_office)
    assert home.returns_due(cast.stakeholder) == 0


def test_sent_back_and_awaiting_review(client: Any, cast: Any, login: Any) -> None:
    ret = submitted(cast)
    assert home.returns_to_review(cast.nairobi_coordinator) == 1
    assert home.returns_to_review(cast.turkana_coordinator) == 0
    assert home.returns_sent_back(cast.nairobi_officer) == 0
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("returns:review"), {"status": "submitted", "to_review": "1"}).context["page"]
    assert [r.pk for r in page] == [ret.pk]
    client.logout()

    actions.return_send_back(
        actor=cast.nairobi_coordinator, ret=ret, comment="Check the admissions figure", expected_version=None
    )
    independent = MonthlyReturn.objects.filter(org_unit=cast.westlands_office, status="returned").count()
    assert home.returns_sent_back(cast.nairobi_officer) == independent == 1
    assert home.returns_sent_back(cast.turkana_officer) == 0
    assert home.returns_to_review(cast.nairobi_coordinator) == 0
    login(client, cast.nairobi_officer)
    page = client.get(reverse("returns:review"), {"status": "returned", "mine": "1"}).context["page"]
    assert [r.pk for r in page] == [ret.pk]
