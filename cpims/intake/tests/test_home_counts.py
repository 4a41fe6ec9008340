"""The triage count on the home page equals the queue's new reports, within the user's area."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.intake import home
from cpims.intake.models import IntakeReport
from cpims.intake.tests.conftest import make_report


def test_triage_count_equals_the_queue_in_scope(client: Any, cast: Any, login: Any) -> None:
    make_report()
    make_report()
    make_report("turkana")
    independent = IntakeReport.objects.filter(status="new", sub_county=cast.westlands_office.sub_county).count()
    assert home.triage_waiting(cast.nairobi_officer) == independent == 2
    assert home.triage_waiting(cast.turkana_officer) == 1
    assert home.home_counts(cast.stakeholder) == []
    login(client, cast.nairobi_officer)
    assert client.get(reverse("intake:queue")).context["page"].paginator.count == 2
