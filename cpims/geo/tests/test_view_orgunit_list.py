"""geo:orgunit_list — administrators' list of organisation units."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.geo.models import OrgUnit
from cpims.geo.tests.helpers import first_ward

pytestmark = pytest.mark.django_db

URL = reverse("geo:orgunit_list")


def test_anonymous_is_sent_to_sign_in(client: Client, reference: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["stakeholder", "nairobi_officer", "partner", "national_me"])
def test_users_who_manage_no_units_are_refused(cast: Any, who: str, status_as: Any) -> None:
    assert status_as(getattr(cast, who), URL) == 403


def test_coordinator_sees_only_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(URL, {"q": "children office"})
    assert response.status_code == 200
    names = {u.name for u in response.context["page"].paginator.object_list}
    assert "Nairobi County Children Office" in names
    assert "Westlands Sub-County Children Office" in names
    assert "Turkana County Children Office" not in names
    assert all(u.can_manage for u in response.context["page"].object_list)


def test_search_and_filters(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.get(URL, {"q": "westlands"})
    assert [u.code for u in response.context["page"].object_list] == ["DCS-SC274"]
    response = client.get(URL, {"q": "dcs-c04"})
    assert {u.code for u in response.context["page"].paginator.object_list} >= {"DCS-C047", "DCS-C040"}
    response = client.get(URL, {"kind": "county_office", "county": "023"})
    assert [u.code for u in response.context["page"].object_list] == ["DCS-C023"]
    response = client.get(URL, {"kind": "ngo", "q": "test"})
    assert [u.code for u in response.context["page"].object_list] == ["NGO-TEST-1"]
    content = response.content.decode()
    assert "Test Children NGO" in content and reverse("geo:orgunit_edit", args=[cast.nairobi_ngo.public_id]) in content


def test_pagination_keeps_the_filters(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.get(URL, {"kind": "sub_county_office", "page": "2"})
    page = response.context["page"]
    assert page.number == 2 and page.paginator.count == 290
    content = response.content.decode()
    assert "?kind=sub_county_office&amp;page=3" in content
    assert "?kind=sub_county_office&amp;page=1" in content


def test_htmx_search_answers_only_the_results(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.get(URL, {"q": "westlands"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'id="orgunit-results"' in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_list_in_kiswahili(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.get(URL, {"kind": "sub_county_office"}, headers={"Accept-Language": "sw"})
    content = response.content.decode()
    assert "Kitengo kipya cha shirika" in content  # the "New organisation unit" button
    assert "Ofisi ya watoto ya kaunti ndogo" in content  # the type of each row
    assert "Vitengo vilivyopatikana: 290" in content


def _count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"county": "047"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_small_and_constant(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    few = _count_queries(client)
    ward = first_ward("274")
    OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"Test School {i}",
            code=f"SCH-TEST-{i}",
            kind=OrgUnit.Kind.SCHOOL,
            parent=cast.westlands_office,
            area=ward,
            county_id=ward.county_id,
            sub_county_id=ward.sub_county_id,
        )
        for i in range(30)
    )
    many = _count_queries(client)
    assert many == few
    assert many <= 10
