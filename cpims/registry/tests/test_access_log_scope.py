"""Who saw this child (issue 15, part 2): a viewer is shown the events on the child's own record
and on the child's records they may see, never events on a case outside their scope; search hits
are listed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.registry import access_log


def test_events_on_a_case_the_viewer_cannot_see_are_not_listed(client: Any, cast: Any, login: Any, people: Any) -> None:
    from cpims.cases import actions
    from cpims.cases.tests.conftest import open_case

    child = people.nairobi_child()
    case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
    # The case moves to Turkana: the Nairobi coordinator no longer sees it; a Turkana officer opens it.
    actions.case_office_change(actor=cast.nairobi_officer, case=case, office=cast.turkana_central_office)
    login(client, cast.turkana_officer)
    assert client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id})).status_code == 200

    seen_by_nairobi = {e.object_id for e in access_log.events_for(child, cast.nairobi_coordinator)}
    assert str(case.public_id) not in seen_by_nairobi and str(child.public_id) in seen_by_nairobi
    seen_nationally = {e.object_id for e in access_log.events_for(child, cast.national_me)}
    assert str(case.public_id) in seen_nationally
    login(client, cast.nairobi_coordinator)
    body = client.get(reverse("registry:access_log", kwargs={"public_id": child.public_id})).content.decode()
    assert case.case_number not in body


def test_search_hits_are_listed(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    assert client.post(reverse("registry:search"), {"q": child.cpims_number}).status_code == 200
    login(client, cast.nairobi_coordinator)
    body = client.get(reverse("registry:access_log", kwargs={"public_id": child.public_id})).content.decode()
    assert "Found the child in a search" in body
