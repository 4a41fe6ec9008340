"""The cases counts on the home page equal an independent count, within the user's scope, and
the lists they link to show the same items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions, home
from cpims.cases.models import Case, FollowUp
from cpims.cases.tests.conftest import add_goal, advance, open_case


def _followups(actor: Any, case: Any) -> None:
    today = timezone.localdate()
    for days, purpose in ((-3, "Visit one"), (-1, "Visit two"), (5, "Visit later")):
        actions.followup_add(actor=actor, case=case, due_on=today + dt.timedelta(days=days), purpose=purpose)


def test_overdue_followups_are_counted_in_scope(client: Any, cast: Any, login: Any) -> None:
    westlands = open_case(cast.nairobi_officer, cast.westlands_office)
    turkana = open_case(cast.turkana_officer, cast.turkana_central_office)
    _followups(cast.nairobi_officer, westlands)
    _followups(cast.turkana_officer, turkana)
    independent = FollowUp.objects.filter(
        case__sub_county=cast.westlands_office.sub_county, done_on__isnull=True, due_on__lt=timezone.localdate()
    ).count()
    assert independent == 2
    assert home.overdue_followups(cast.nairobi_officer) == 2
    assert home.overdue_followups(cast.turkana_officer) == 2  # Nairobi's two are not among them
    FollowUp.objects.filter(case=turkana).update(done_on=timezone.localdate())
    assert home.overdue_followups(cast.turkana_officer) == 0
    # The link shows the same follow-ups and nothing else.
    login(client, cast.nairobi_officer)
    body = client.get(reverse("cases:task_list"), {"view": "office", "kind": "followup", "overdue": "1"}).content
    text = body.decode()
    assert "Visit one" in text and "Visit two" in text and "Visit later" not in text


def test_approvals_waiting_for_the_coordinator_only(cast: Any) -> None:
    case = advance(open_case(cast.nairobi_officer, cast.westlands_office), cast, "plan")
    add_goal(case, cast.nairobi_officer)
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)
    assert home.approvals_waiting(cast.nairobi_coordinator) == 1
    assert home.approvals_waiting(cast.turkana_coordinator) == 0
    labels = [str(c.label) for c in home.home_counts(cast.nairobi_officer)]
    assert "Approvals waiting" not in labels  # an officer approves nothing


def test_my_open_cases(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    closed = advance(open_case(cast.nairobi_officer, cast.westlands_office), cast, "closed")
    open_case(cast.turkana_officer, cast.turkana_central_office)
    independent = Case.objects.filter(created_by=cast.nairobi_officer).exclude(status="closed").count()
    assert home.my_open_cases(cast.nairobi_officer) == independent == 1
    login(client, cast.nairobi_officer)
    page = client.get(reverse("cases:case_list"), {"mine": "1", "open": "1"}).context["page"]
    assert page.paginator.count == 1 and closed.pk not in [c.pk for c in page]
