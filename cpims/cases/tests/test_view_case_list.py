from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.cases.tests.conftest import open_case


def test_list_filters_and_scope(client: Any, cast: Any, login: Any) -> None:
    mine = open_case(cast.nairobi_officer, cast.westlands_office)
    theirs = open_case(cast.turkana_officer, cast.turkana_central_office)
    login(client, cast.nairobi_officer)
    body = client.get(reverse("cases:case_list")).content.decode()
    assert mine.case_number in body and theirs.case_number not in body
    body = client.get(reverse("cases:case_list"), {"status": "closed"}).content.decode()
    assert mine.case_number not in body
    body = client.get(
        reverse("cases:case_list"), {"status": "reported", "category": mine.categories.first().category_id}
    ).content.decode()
    assert mine.case_number in body
    assert client.get(reverse("cases:case_list"), {"reported_from": "not a date"}).status_code == 200


def test_query_count_is_constant(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        open_case(cast.nairobi_officer, cast.westlands_office)
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_ward_filter(client: Any, cast: Any, login: Any) -> None:
    from cpims.geo.models import Area

    wards = list(
        Area.objects.filter(level=Area.Level.WARD, sub_county=cast.westlands_office.sub_county).order_by("code")[:2]
    )
    here = open_case(cast.nairobi_officer, cast.westlands_office, event_ward=wards[0])
    there = open_case(cast.nairobi_officer, cast.westlands_office, event_ward=wards[1])
    login(client, cast.nairobi_officer)
    page = client.get(reverse("cases:case_list"))
    # The officer's own sub-county's wards are offered.
    assert f'value="{wards[0].pk}"' in page.content.decode()
    body = client.get(reverse("cases:case_list"), {"ward": wards[0].pk}).content.decode()
    assert here.case_number in body and there.case_number not in body
    # A ward outside the offered list is a form error, not a leak or a 500.
    turkana_ward = Area.objects.filter(level=Area.Level.WARD, county=cast.turkana_office.county).first()
    refused = client.get(reverse("cases:case_list"), {"ward": turkana_ward.pk})
    assert refused.status_code == 200 and here.case_number in refused.content.decode()


def test_ward_list_follows_the_office_for_national_users(client: Any, cast: Any, login: Any) -> None:
    from cpims.geo.models import Area

    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=cast.westlands_office.sub_county).first()
    login(client, cast.national_me)
    assert f'value="{ward.pk}"' not in client.get(reverse("cases:case_list")).content.decode()
    body = client.get(reverse("cases:case_list"), {"office": cast.westlands_office.pk}).content.decode()
    assert f'value="{ward.pk}"' in body
