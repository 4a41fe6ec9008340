"""API: returns list/detail (scoped) and completeness."""

from __future__ import annotations

from typing import Any

from cpims.returns.tests.conftest import last_month, submitted


def test_list_and_detail_are_scoped(cast: Any, client: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    ret = submitted(cast)
    nairobi = login(client, cast.nairobi_coordinator)
    with django_assert_max_num_queries(8):
        data = nairobi.get("/api/v1/returns/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["public_id"] for r in rows] == [str(ret.public_id)]
    detail = nairobi.get(f"/api/v1/returns/{ret.public_id}/").json()
    assert detail["status"] == "submitted" and detail["period"] == last_month().code
    assert "vco_cases" in detail["paper"]

    turkana = login(client, cast.turkana_coordinator)
    assert turkana.get(f"/api/v1/returns/{ret.public_id}/").status_code == 404
    data = turkana.get("/api/v1/returns/").json()
    assert (data["results"] if isinstance(data, dict) else data) == []


def test_completeness_endpoint(cast: Any, client: Any, login: Any) -> None:
    submitted(cast)
    national = login(client, cast.national_me)
    rows = national.get(f"/api/v1/returns/completeness/?period={last_month().code}&group_by=county").json()
    nairobi = next(r for r in rows if r["area"] == "county-047")
    assert nairobi["received"] == 1 and nairobi["expected"] >= 2
    assert national.get("/api/v1/returns/completeness/?period=bad").status_code == 400
    assert national.get(f"/api/v1/returns/completeness/?period={last_month().code}&group_by=ward").status_code == 400
    turkana = login(client, cast.turkana_coordinator)
    assert turkana.get("/api/v1/returns/completeness/?period=2026-07&area=county-047").status_code == 404
