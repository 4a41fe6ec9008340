"""geo:area_options — the <option>s of the cascading area pickers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.geo.tests.helpers import county, sub_county

pytestmark = pytest.mark.django_db

URL = reverse("geo:area_options")


def test_anonymous_gets_them_too(client: Client, reference: None) -> None:
    # Area names are reference data; the public report-a-concern form needs its pickers.
    response = client.get(URL, {"parent": county("047").pk})
    assert response.status_code == 200
    assert "Westlands" in response.content.decode()


def test_level_says_which_picker_to_read_and_a_form_prefix_is_allowed(client: Client, reference: None) -> None:
    westlands = sub_county("274")
    query = {"level": "ward", "child-county": county("047").pk, "child-sub_county": westlands.pk}
    content = client.get(URL, {**query, "clear": "id_child-ward"}).content.decode()
    assert "Kangemi" in content and "Westlands" not in content
    assert '<select id="id_child-ward" hx-swap-oob="innerHTML">' in content
    content = client.get(URL, {"level": "sub_county", "county": county("047").pk}).content.decode()
    assert "Westlands" in content


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


def test_the_public_report_form_asks_for_them(client: Client, reference: None) -> None:
    # Anonymous, as on the report-a-concern page: the picker names the level and what to clear.
    query = {"level": "sub_county", "county": county("047").pk, "clear": "id_ward"}
    html = client.get(URL, query).content.decode()
    assert "Westlands" in html and "Turkana" not in html
    assert 'id="id_ward"' in html
    assert "Kangemi" in client.get(URL, {"level": "ward", "sub_county": sub_county("274").pk}).content.decode()
    junk = client.get(URL, {"level": "ward", "sub_county": "x'1", "clear": "<script>"}).content.decode()
    assert "<script>" not in junk and junk.count("<option") == 1
