"""The child's profile timeline shows their cases and services, within the viewer's scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases.tests.scope_routes import westlands_case


def test_profile_shows_the_childs_case(client: Any, cast: Any, login: Any) -> None:
    case = westlands_case(cast)
    login(client, cast.nairobi_officer)
    response = client.get(reverse("registry:child_detail", kwargs={"public_id": case.child.public_id}))
    assert response.status_code == 200
    assert case.case_number in response.content.decode()


def test_out_of_scope_viewer_never_reaches_the_timeline(client: Any, cast: Any, login: Any) -> None:
    case = westlands_case(cast)
    login(client, cast.turkana_officer)
    response = client.get(reverse("registry:child_detail", kwargs={"public_id": case.child.public_id}))
    assert response.status_code == 404
