"""cases:subcategory_options — the <option>s of the chosen category's sub-categories (htmx)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from cpims.cases.tests.conftest import code
from cpims.core.models import Code

URL = reverse("cases:subcategory_options")


def _values(response: Any) -> set[int]:
    return {int(v) for v in re.findall(r'<option value="(\d+)"', response.content.decode())}


def test_only_the_chosen_categorys_sub_categories(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    neglect = code("case_category_id", "CSIC")
    response = client.get(URL, {"cat-3-category": neglect.pk})  # as htmx sends it: the row's field name
    assert response.status_code == 200
    wanted = set(Code.objects.filter(code_list_id=neglect.sub_list_id, is_active=True).values_list("pk", flat=True))
    assert wanted and _values(response) == wanted
    assert "— choose —" in response.content.decode()
    assert _values(client.get(URL, {"category": code("case_category_id", "CCDF").pk})) == set()  # no sub-list
    assert _values(client.get(URL, {"category": "not-a-number"})) == set()
    assert _values(client.get(URL, {"category": code("emotional_abuse_id", "EAIG").pk})) == set()  # not a category


def test_scope(client: Any, cast: Any, login: Any) -> None:
    neglect = code("case_category_id", "CSIC").pk
    assert client.get(URL, {"category": neglect}).status_code == 302  # to the sign-in page
    login(client, cast.national_me)  # reads cases, opens and edits none
    assert client.get(URL, {"category": neglect}).status_code == 403
    login(client, cast.partner)
    assert client.get(URL, {"category": neglect}).status_code == 200
