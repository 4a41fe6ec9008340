"""Triage picks a registered child with the one person picker; the choice comes back as ?child=."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases.tests.conftest import make_child


def test_picker_on_the_page_and_choice_fills_the_number(client: Any, cast: Any, login: Any, report: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Picked", last="Testchild")
    login(client, cast.nairobi_officer)
    page_url = reverse("intake:report_open_case", kwargs={"public_id": report.public_id})
    page = client.get(page_url).content.decode()
    assert reverse("registry:person_pick") in page and f'name="next" value="{page_url}"' in page
    found = client.post(
        reverse("registry:person_pick"), {"q": "Picked Testchild", "next": page_url}, HTTP_HX_REQUEST="true"
    )
    assert f'href="{page_url}?child={child.public_id}"' in found.content.decode()
    page = client.get(page_url, {"child": child.public_id}).content.decode()
    assert f'value="{child.cpims_number}"' in page
