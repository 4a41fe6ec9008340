"""The mapping page (org units filtered by county and paged) and the edit pages of category option
combos, org units and the server: national DHIS2 users only, stale edits refused with a message."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.integrations.dhis2.models import CategoryOptionComboMapping, Dhis2Server, OrgUnitMapping

from .conftest import SECRET, SECRET_ENV

pytestmark = pytest.mark.django_db
MAPPING = reverse("dhis2:mapping")


@pytest.fixture
def khis(cast: Any) -> Dhis2Server:
    return Dhis2Server.objects.create(
        name="KHIS test", base_url="https://khis.example.org", username="cpims-push", password_env=SECRET_ENV
    )


def _server_post(server: Dhis2Server, **changes: Any) -> dict[str, Any]:
    data = {
        "name": server.name,
        "base_url": server.base_url,
        "auth": server.auth,
        "username": server.username,
        "password_env": server.password_env,
        "data_set_uid": server.data_set_uid,
        "attribute_option_combo_uid": server.attribute_option_combo_uid,
        "org_unit_level": server.org_unit_level,
        "org_unit_id_scheme": server.org_unit_id_scheme,
        "timeout_seconds": server.timeout_seconds,
        "max_attempts": server.max_attempts,
        "retry_backoff_seconds": server.retry_backoff_seconds,
        "run_as": "",
        "is_active": "on",
        "version": server.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _map_offices(n: int) -> None:
    from cpims.geo.models import OrgUnit
    from cpims.integrations.dhis2.uids import placeholder_uid

    for i, unit in enumerate(OrgUnit.objects.filter(code__startswith="DCS-SC").order_by("code")[:n]):
        OrgUnitMapping.objects.create(
            org_unit=unit, uid=placeholder_uid(f"test-office-{i}"), code=f"OFF{i:03d}", name=unit.name
        )


def test_mapping_page_links_every_edit_page(client: Any, login: Any, cast: Any, khis: Any) -> None:
    login(client, cast.national_me)
    body = client.get(MAPPING).content.decode()
    combo = CategoryOptionComboMapping.objects.get(sex="female", band="6-10")
    nairobi = OrgUnitMapping.objects.get(code="KE_C047")
    assert reverse("dhis2:coc_edit", args=[combo.pk]) in body
    assert reverse("dhis2:org_unit_edit", args=[nairobi.pk]) in body
    assert reverse("dhis2:server_edit", args=[khis.pk]) in body
    assert body.count('href="/dhis2/mapping/category-option-combos/') == 24


def test_org_units_are_listed_by_county_and_paged_in_a_fixed_number_of_queries(
    client: Any, login: Any, cast: Any, khis: Any, django_assert_num_queries: Any
) -> None:
    _map_offices(12)  # 47 counties + 12 offices: two pages
    login(client, cast.national_me)
    edit_links = 'href="/dhis2/mapping/org-units/'
    pages = {}
    for params in ({}, {"page": 2}, {"county": "047"}):
        with django_assert_num_queries(12):
            response = client.get(MAPPING, params)
        assert response.status_code == 200
        pages[str(params)] = response.content.decode()
    assert pages["{}"].count(edit_links) == 50 and "Page 1 of 2" in pages["{}"]
    assert pages["{'page': 2}"].count(edit_links) == 9 and "Page 2 of 2" in pages["{'page': 2}"]
    nairobi = pages["{'county': '047'}"]
    assert "KE_C047" in nairobi and "KE_SC274" in nairobi and "KE_C023" not in nairobi  # Westlands, not Turkana
    assert nairobi.count(edit_links) == OrgUnitMapping.objects.filter(area__county__code="047").count() > 10


def test_county_filter_swaps_only_the_table_with_htmx(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    response = client.get(MAPPING, {"county": "023"}, HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert partial.lstrip().startswith('<section id="org-unit-results"') and "<html" not in partial
    assert "KE_C023" in partial and "KE_C047" not in partial
    assert "HX-Request" in response["Vary"]
    page = client.get(MAPPING).content.decode()
    assert 'hx-target="#org-unit-results"' in page and 'action="/dhis2/mapping/#org-units"' in page


def test_coc_edit_page_saves_and_refuses_bad_or_stale_input(client: Any, login: Any, cast: Any) -> None:
    combo = CategoryOptionComboMapping.objects.get(sex="female", band="6-10")
    url = reverse("dhis2:coc_edit", args=[combo.pk])
    login(client, cast.national_me)
    page = client.get(url)
    assert page.status_code == 200 and combo.uid in page.content.decode()
    bad = client.post(url, {"uid": "1abcdefghij", "name": "X", "version": 1})
    assert bad.status_code == 400 and "starting with a letter" in bad.content.decode()
    ok = client.post(url, {"uid": "Kf6to10Aaa1", "name": "Female, 6-10", "version": 1})
    assert ok.status_code == 302 and ok["Location"] == MAPPING + "#combos"
    combo.refresh_from_db()
    assert (combo.uid, combo.is_placeholder, combo.version) == ("Kf6to10Aaa1", False, 2)
    stale = client.post(url, {"uid": "Kf6to10Bbb2", "name": "Female, 6-10", "version": 1})
    assert stale.status_code == 400 and "Someone else changed this category option combo" in stale.content.decode()
    combo.refresh_from_db()
    assert combo.uid == "Kf6to10Aaa1"
    assert AuditEvent.objects.filter(action="dhis2.coc_mapping_update").count() == 1
    assert client.get(reverse("dhis2:coc_edit", args=[999999])).status_code == 404


def test_org_unit_edit_page_saves_and_goes_back_to_its_county(client: Any, login: Any, cast: Any) -> None:
    item = OrgUnitMapping.objects.get(area=cast.westlands_office.sub_county)
    url = reverse("dhis2:org_unit_edit", args=[item.pk])
    login(client, cast.national_me)
    page = client.get(url).content.decode()
    assert item.code in page and 'href="/dhis2/mapping/?county=047#org-units"' in page  # Cancel
    post = {"uid": "KhisWestl01", "code": "KHIS_WL", "name": "Westlands", "version": 1}  # active unticked
    ok = client.post(url, post)
    assert ok.status_code == 302 and ok["Location"] == MAPPING + "?county=047#org-units"
    item.refresh_from_db()
    assert (item.uid, item.code, item.is_active, item.is_placeholder) == ("KhisWestl01", "KHIS_WL", False, False)
    stale = client.post(url, {**post, "uid": "KhisWestl02"})
    assert stale.status_code == 400 and "Someone else changed this org unit mapping" in stale.content.decode()
    bad = client.post(url, {**post, "uid": "1Westlands0", "version": 2})
    assert bad.status_code == 400 and "starting with a letter" in bad.content.decode()
    item.refresh_from_db()
    assert (item.uid, item.version) == ("KhisWestl01", 2)


def test_server_edit_page_never_shows_the_secret(
    client: Any, login: Any, cast: Any, khis: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    login(client, cast.national_me)
    body = client.get(reverse("dhis2:server_edit", args=[khis.pk])).content.decode()
    assert SECRET not in body and 'type="password"' not in body
    assert f'value="{SECRET_ENV}"' in body and "The secret is set on this server" in body
    monkeypatch.delenv(SECRET_ENV)
    body = client.get(reverse("dhis2:server_edit", args=[khis.pk])).content.decode()
    assert "The secret is not set on this server" in body


def test_server_edit_page_saves_and_refuses_bad_or_stale_input(client: Any, login: Any, cast: Any, khis: Any) -> None:
    url = reverse("dhis2:server_edit", args=[khis.pk])
    login(client, cast.national_me)
    bad = client.post(url, _server_post(khis, data_set_uid="9atasetUid1"))
    assert bad.status_code == 400 and "starting with a letter" in bad.content.decode()
    ok = client.post(url, _server_post(khis, name="KHIS live", send_zeros="on", run_as="national_me"))
    assert ok.status_code == 302 and ok["Location"] == MAPPING + "#servers"
    khis.refresh_from_db()
    assert (khis.name, khis.send_zeros, khis.run_as, khis.version) == ("KHIS live", True, cast.national_me, 2)
    stale = client.post(url, _server_post(khis, name="Other", version=1))
    assert stale.status_code == 400 and "Someone else changed the server settings" in stale.content.decode()
    khis.refresh_from_db()
    assert khis.name == "KHIS live"
    assert AuditEvent.objects.filter(action="dhis2.server_update").count() == 1


@pytest.mark.parametrize("who", ["nairobi_coordinator", "nairobi_officer", "admin"])
def test_others_may_not_edit(client: Any, login: Any, cast: Any, khis: Any, who: str) -> None:
    combo = CategoryOptionComboMapping.objects.get(sex="female", band="6-10")
    item = OrgUnitMapping.objects.get(area=cast.westlands_office.sub_county)  # in the coordinator's county
    login(client, cast.users()[who])
    for url, data in (
        (reverse("dhis2:coc_edit", args=[combo.pk]), {"uid": "Kf6to10Aaa1", "name": "X", "version": 1}),
        (reverse("dhis2:org_unit_edit", args=[item.pk]), {"uid": "KhisWestl01", "name": "X", "version": 1}),
        (reverse("dhis2:server_edit", args=[khis.pk]), _server_post(khis, name="X")),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    combo.refresh_from_db()
    item.refresh_from_db()
    khis.refresh_from_db()
    assert (combo.version, item.version, khis.version, khis.name) == (1, 1, 1, "KHIS test")


def test_anonymous_goes_to_the_login_page(client: Any, cast: Any, khis: Any) -> None:
    combo = CategoryOptionComboMapping.objects.first()
    item = OrgUnitMapping.objects.first()
    for url in (
        reverse("dhis2:coc_edit", args=[combo.pk]),
        reverse("dhis2:org_unit_edit", args=[item.pk]),
        reverse("dhis2:server_edit", args=[khis.pk]),
    ):
        response = client.post(url, {"uid": "Kf6to10Aaa1"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pages_in_kiswahili(client: Any, login: Any, cast: Any, khis: Any) -> None:
    login(client, cast.national_me)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    combo = CategoryOptionComboMapping.objects.first()
    item = OrgUnitMapping.objects.get(code="KE_C047")
    mapping = client.get(MAPPING).content.decode()
    assert "Seva ya DHIS2" in mapping and "Kaunti zote na ofisi" in mapping
    assert (
        "Hariri uoanishaji wa mchanganyiko wa chaguo za kategoria"
        in client.get(reverse("dhis2:coc_edit", args=[combo.pk])).content.decode()
    )
    assert "Hariri uoanishaji wa kitengo" in client.get(reverse("dhis2:org_unit_edit", args=[item.pk])).content.decode()
    server = client.get(reverse("dhis2:server_edit", args=[khis.pk])).content.decode()
    assert "Hariri seva ya DHIS2" in server and "Kigezo cha mazingira" in server
