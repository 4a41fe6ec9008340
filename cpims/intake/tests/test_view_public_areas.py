from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.intake.tests.conftest import area

URL = reverse("intake:public_areas")


def test_sub_counties_of_a_county(client: Any, cast: Any) -> None:
    nairobi = area("county", "047")
    html = client.get(URL, {"level": "sub_county", "county": nairobi.pk, "clear": "id_ward"}).content.decode()
    assert "Westlands" in html and "Turkana" not in html
    assert 'id="id_ward"' in html


def test_wards_of_a_sub_county_and_junk(client: Any, cast: Any) -> None:
    westlands = area("sub_county", "274")
    assert "Kangemi" in client.get(URL, {"level": "ward", "sub_county": westlands.pk}).content.decode()
    junk = client.get(URL, {"level": "ward", "sub_county": "x'1", "clear": "<script>"}).content.decode()
    assert "<script>" not in junk and junk.count("<option") == 1
