"""New case and record a service: the child is picked with the one person picker (number, name,
phone or identifier), and the choice opens the form for that child."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases.tests.conftest import make_child


def test_new_case_picks_the_child_by_name(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Picked", last="Testchild")
    login(client, cast.nairobi_officer)
    for name in ("cases:case_create", "cases:service_create"):
        page_url = reverse(name)
        page = client.get(page_url).content.decode()
        assert reverse("registry:person_pick") in page and f'name="next" value="{page_url}"' in page
        found = client.post(reverse("registry:person_pick"), {"q": "Picked Testchild", "next": page_url})
        assert f'href="{page_url}?child={child.public_id}"' in found.content.decode()
    response = client.get(reverse("cases:case_create"), {"child": child.public_id})
    assert response.status_code == 200 and child.cpims_number in response.content.decode()


def test_another_countys_officer_does_not_find_the_child(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Picked", last="Testchild")
    login(client, cast.turkana_officer)
    found = client.post(
        reverse("registry:person_pick"), {"q": child.cpims_number, "next": reverse("cases:case_create")}
    )
    assert str(child.public_id) not in found.content.decode()
