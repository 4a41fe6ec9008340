"""geo:orgunit_options — the units a case can be sent to, by county and type, never the user's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.geo import queries

pytestmark = pytest.mark.django_db

URL = reverse("geo:orgunit_options")


def _options(client: Any, **params: Any) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_signed_in_only(client: Any, cast: Any) -> None:
    response = client.get(URL, {"county": cast.nairobi_office.county_id})
    assert response.status_code == 302 and "login" in response["Location"]


def test_by_county_and_type_without_the_users_own_office(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = _options(client, county=cast.nairobi_office.county_id, kind="sub_county_office")
    assert f'value="{cast.westlands_office.pk}"' not in content  # the officer's own office
    assert "(Sub-county children office)" in content
    assert f'value="{cast.nairobi_office.pk}"' not in content  # another type
    assert f'value="{cast.turkana_central_office.pk}"' not in content  # another county
    content = _options(client, county=cast.nairobi_office.county_id)
    assert f'value="{cast.nairobi_office.pk}"' in content and f'value="{cast.nairobi_ngo.pk}"' in content


def test_kinds_bound_the_types(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = _options(client, county=cast.nairobi_office.county_id, kinds="county_office,sub_county_office")
    assert f'value="{cast.nairobi_office.pk}"' in content and f'value="{cast.nairobi_ngo.pk}"' not in content


def test_bad_parameters_are_ignored(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = _options(client, county="x' or 1=1", kind="nonsense", kinds="nope")
    assert "<option" in content


def test_query_count_is_constant(client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    login(client, cast.nairobi_officer)
    with django_assert_max_num_queries(8):
        _options(client, county=cast.nairobi_office.county_id)


def test_own_unit_ids_are_the_assignments(cast: Any) -> None:
    assert queries.own_unit_ids(cast.nairobi_officer) == {cast.westlands_office.pk}
