from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases import actions
from cpims.cases.models import CaseEvent
from cpims.cases.tests.conftest import add_goal, advance, code


def _url(case: Any, name: str) -> str:
    return reverse("cases:transition", kwargs={"public_id": case.public_id, "name": name})


def test_start_assessment(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(_url(westlands_case, "start_assessment"), {"version": westlands_case.version})
    assert response.status_code == 302
    westlands_case.refresh_from_db()
    assert westlands_case.status == "assessment"


def test_refused_state_gives_message_and_writes_nothing(
    client: Any, cast: Any, login: Any, westlands_case: Any
) -> None:
    login(client, cast.nairobi_officer)
    events = CaseEvent.objects.count()
    response = client.post(_url(westlands_case, "reopen"), {"version": westlands_case.version, "reason": "x"})
    assert response.status_code == 400
    assert "not possible while the case is" in response.content.decode()
    assert CaseEvent.objects.count() == events


def test_stale_form_is_refused(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    old = westlands_case.version
    actions.case_update(actor=cast.nairobi_coordinator, case=westlands_case, expected_version=None, notes="changed")
    response = client.post(_url(westlands_case, "start_assessment"), {"version": old})
    assert response.status_code == 400
    assert "Someone else changed this case" in response.content.decode()
    westlands_case.refresh_from_db()
    assert westlands_case.status == "reported"


def test_approval_permissions(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "plan")
    add_goal(case, cast.nairobi_officer, days=5)
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)
    login(client, cast.nairobi_officer)
    assert client.post(_url(case, "approve_plan"), {}).status_code == 403
    client.logout()
    login(client, cast.turkana_coordinator)
    assert client.post(_url(case, "approve_plan"), {}).status_code == 404
    client.logout()
    login(client, cast.nairobi_coordinator)
    # It shows on the coordinator's task list.
    assert case.case_number in client.get(reverse("cases:task_list")).content.decode()
    assert client.post(_url(case, "approve_plan"), {}).status_code == 302
    case.refresh_from_db()
    assert case.status == "services"


def test_unknown_transition_404(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.get(_url(westlands_case, "explode")).status_code == 404


def test_closure_via_pages(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "services")
    login(client, cast.nairobi_officer)
    data = {"version": case.version, "outcome": code("closure_outcome_id", "COEN").pk}
    response = client.post(_url(case, "propose_closure"), data)
    assert response.status_code == 400 and "every category" in response.content.decode()
    for row in case.categories.all():
        data[f"intervention_{row.pk}"] = code("intervention_id", "CMTN").pk
    assert client.post(_url(case, "propose_closure"), data).status_code == 302
    client.logout()
    login(client, cast.nairobi_coordinator)
    assert "Closure awaiting approval" in client.get(reverse("cases:task_list")).content.decode()
    assert client.post(_url(case, "approve_closure"), {}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"
