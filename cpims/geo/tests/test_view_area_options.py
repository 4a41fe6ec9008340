"""geo:area_options — the <option>s of the cascading area pickers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.geo.tests.helpers import county, sub_county

pytestmark = pytest.mark.django_db

URL = reverse("geo:area_options")


def test_anonymous_is_sent_to_sign_in(client: Client, reference: None) -> None:
    response = client.get(URL, {"parent": county("047").pk})
    assert response.status_code == 302


def test_sub_counties_of_a_county(client: Client, cast: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL, {"parent": county("047").pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<option") == 1 + 17
    assert f'<option value="{sub_county("274").pk}">Westlands</option>' in content
    assert "hx-swap-oob" not in content


def test_the_select_may_send_its_own_name_and_clear_the_wards(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL, {"county": county("047").pk, "clear": "id_ward"})
    content = response.content.decode()
    assert content.count('value=""') == 2
    assert '<select id="id_ward" hx-swap-oob="innerHTML">' in content


def test_wards_of_a_sub_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = client.get(URL, {"sub_county": sub_county("274").pk}).content.decode()
    assert content.count("<option") == 1 + 5


@pytest.mark.parametrize("value", ["", "abc", "99999999", "1" * 40, "-1"])
def test_bad_parent_gives_only_the_empty_option(client: Client, cast: Any, login: Any, value: str) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL, {"parent": value, "clear": "<script>"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<option") == 1
    assert "script" not in content
