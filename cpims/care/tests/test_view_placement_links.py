"""The placement page links to the institution only for a reader who may open its page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_institution_link_only_when_it_opens(client: Any, cast: Any, login: Any, placement: Any, manager: Any) -> None:
    institution_url = reverse("care:institution_detail", kwargs={"public_id": placement.institution.public_id})
    for user in (cast.nairobi_officer, manager, cast.national_me):
        login(client, user)
        page = client.get(reverse("care:placement_detail", kwargs={"public_id": placement.public_id}))
        assert page.status_code == 200
        opens = client.get(institution_url).status_code == 200
        content = page.content.decode()
        assert (f'href="{institution_url}"' in content) == opens, user
        assert placement.institution.name in content
