"""The case page shows a workflow button exactly when its POST would succeed (one rule, workflow.allowed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cpims.cases import actions, workflow
from cpims.cases.tests.conftest import add_goal, advance, code


def _plan_empty(case: Any, cast: Any) -> Any:
    return advance(case, cast, "plan")


def _plan_draft(case: Any, cast: Any) -> Any:
    case = advance(case, cast, "plan")
    add_goal(case, cast.nairobi_officer)
    return case


def _plan_submitted(case: Any, cast: Any) -> Any:
    case = _plan_draft(case, cast)
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)
    return case


def _plan_submitted_by_coordinator(case: Any, cast: Any) -> Any:
    case = _plan_draft(case, cast)
    actions.case_plan_submit(actor=cast.nairobi_coordinator, case=case)
    return case


def _closure_pending(case: Any, cast: Any) -> Any:
    case = advance(case, cast, "services")
    interventions = {c.pk: code("intervention_id", "CMTN") for c in case.categories.all()}
    actions.case_closure_propose(
        actor=cast.nairobi_officer, case=case, outcome=code("closure_outcome_id", "COEN"), interventions=interventions
    )
    return case


SCENARIOS: dict[str, Callable[[Any, Any], Any]] = {
    "reported": lambda case, cast: case,
    "plan_without_goals": _plan_empty,
    "plan_draft": _plan_draft,
    "plan_submitted": _plan_submitted,
    "plan_submitted_by_coordinator": _plan_submitted_by_coordinator,
    "services": lambda case, cast: advance(case, cast, "services"),
    "closure_pending": _closure_pending,
    "closed": lambda case, cast: advance(case, cast, "closed"),
}


def _data(case: Any, name: str) -> dict[str, Any]:
    data: dict[str, Any] = {"version": case.version, "reason": "Checked with the family.", "summary": "Found."}
    if name == "propose_closure":
        data["outcome"] = code("closure_outcome_id", "COEN").pk
        for row in case.categories.all():
            data[f"intervention_{row.pk}"] = code("intervention_id", "CMTN").pk
    return data


CASES = [
    (scenario, who, name)
    for scenario in SCENARIOS
    for who in ("nairobi_officer", "nairobi_coordinator")
    for name in workflow.TRANSITIONS
]


@pytest.mark.parametrize(("scenario", "who", "name"), CASES)
def test_button_shown_exactly_when_the_post_succeeds(
    client: Any, cast: Any, login: Any, westlands_case: Any, scenario: str, who: str, name: str
) -> None:
    case = SCENARIOS[scenario](westlands_case, cast)
    case.refresh_from_db()
    login(client, getattr(cast, who))
    url = reverse("cases:transition", kwargs={"public_id": case.public_id, "name": name})
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id})).content.decode()
    shown = f'href="{url}"' in page
    response = client.post(url, _data(case, name))
    assert (response.status_code == 302) == shown, (scenario, who, name, response.status_code)


def test_refused_step_names_the_states_the_case_can_go_to(
    client: Any, cast: Any, login: Any, westlands_case: Any
) -> None:
    case = advance(westlands_case, cast, "plan")
    login(client, cast.nairobi_officer)
    url = reverse("cases:transition", kwargs={"public_id": case.public_id, "name": "reopen"})
    response = client.post(url, {"version": case.version, "reason": "x"})
    assert response.status_code == 400
    assert "A case in “Case plan” can go to: services in progress, closed." in response.content.decode()


def test_refused_message_in_kiswahili(cast: Any) -> None:
    from django.utils import translation

    with translation.override("sw"):
        message = workflow.refused_message("reported")
    assert "can go to" not in message
