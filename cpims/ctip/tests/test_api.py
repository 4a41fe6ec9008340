"""The CTiP API: identify, record each step, read; the scope rules of the pages (outside 404,
no sensitive permission 403); bad input 400; stale update 400; a clean OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.api.tests.schema import clean_schema
from cpims.ctip.models import CtipTrack
from cpims.ctip.tests.conftest import days, partner

pytestmark = [pytest.mark.urls("cpims.ctip.tests.api_urls"), pytest.mark.django_db]
TRACKS = "/api/v1/ctip-tracks/"


@pytest.fixture
def api(cast: Any, login: Any) -> Any:
    def as_user(user: Any) -> APIClient:
        return login(APIClient(), user)

    return as_user


def identification(case: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "case": str(case.public_id),
        "identified_on": days(-10).isoformat(),
        "trafficking_type": "TFDVT",
        "nationality": "UG",
        "country_of_origin": "UG",
        "purpose": "TPSE",
        "means": ["TMDC", "TMCO"],
        "indicators": ["TFDII"],
    }
    data.update(changes)
    return data


def test_the_whole_track_through_the_api(cast: Any, api: Any, westlands_ctip_case: Any) -> None:
    client = api(cast.nairobi_officer)
    made = client.post(TRACKS, identification(westlands_ctip_case), format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["stage"], body["purpose"], sorted(body["means"])) == ("identified", "TPSE", ["TMCO", "TMDC"])
    case = str(westlands_ctip_case.public_id)
    steps = [
        ("/api/v1/ctip-assistance/", {"kind": "shelter", "given_on": days(-9).isoformat()}),
        (
            "/api/v1/ctip-referrals/",
            {"to_unit": str(partner().public_id), "referred_on": days(-9).isoformat(), "reason": "Repatriation"},
        ),
        ("/api/v1/ctip-tracing/", {"traced_on": days(-8).isoformat(), "outcome": "found", "country": "UG"}),
        (
            "/api/v1/ctip-returns/",
            {
                "kind": "repatriation",
                "travelled_on": days(-5).isoformat(),
                "country": "UG",
                "travel_document": "passport",
                "receiving_agency": str(partner("CTIP-UG").public_id),
            },
        ),
        ("/api/v1/ctip-follow-ups/", {"visited_on": days(-1).isoformat(), "status": "settled"}),
    ]
    for url, data in steps:
        answer = client.post(url, {"case": case, **data}, format="json")
        assert answer.status_code == 201, (url, answer.json())
        assert answer.json()["case"] == case
        assert client.get(url, {"case": case}).json()["count"] == 1
    detail = f"{TRACKS}{body['public_id']}/"
    plan = client.post(
        f"{detail}plan/",
        {"reintegration_plan": "School", "plan_agreed_on": days(-5).isoformat(), "version": 1},
        format="json",
    )
    assert plan.status_code == 200 and plan.json()["version"] == 2
    stale = client.post(f"{detail}prosecution/", {"police_ob_number": "OB/1/2026", "version": 1}, format="json")
    assert stale.status_code == 400
    linked = client.post(f"{detail}prosecution/", {"police_ob_number": "OB/1/2026", "version": 2}, format="json")
    assert linked.status_code == 200 and linked.json()["police_ob_number"] == "OB/1/2026"
    assert client.get(detail).json()["stage"] == CtipTrack.Stage.REINTEGRATION


def test_correcting_the_identification(cast: Any, api: Any, westlands_track: Any) -> None:
    client = api(cast.nairobi_officer)
    detail = f"{TRACKS}{westlands_track.public_id}/"
    data = {k: v for k, v in identification(westlands_track.case, purpose="TPOR").items() if k != "case"}
    fixed = client.put(detail, {**data, "version": 1}, format="json")
    assert fixed.status_code == 200 and (fixed.json()["purpose"], fixed.json()["version"]) == ("TPOR", 2)
    assert client.put(detail, {**data, "version": 1}, format="json").status_code == 400  # stale
    assert api(cast.national_me).put(detail, {**data, "version": 2}, format="json").status_code == 403


def test_bad_input_is_400_not_500(cast: Any, api: Any, westlands_ctip_case: Any) -> None:
    client = api(cast.nairobi_officer)
    for bad in (
        identification(westlands_ctip_case, purpose="XXXX"),
        identification(westlands_ctip_case, indicators=["NOPE"]),
        identification(westlands_ctip_case, identified_on=days(3).isoformat()),
        {**identification(westlands_ctip_case), "case": "not-a-uuid"},
    ):
        assert client.post(TRACKS, bad, format="json").status_code == 400
    assert not CtipTrack.objects.exists()
    assert client.get(TRACKS, {"case": "not-a-uuid"}).json()["count"] == 0


def test_scope(cast: Any, api: Any, westlands_track: Any) -> None:
    detail = f"{TRACKS}{westlands_track.public_id}/"
    case = str(westlands_track.case.public_id)
    assert api(cast.nairobi_coordinator).get(detail).status_code == 200
    assert api(cast.turkana_officer).get(detail).status_code == 404
    assert api(cast.turkana_officer).get(TRACKS).json()["count"] == 0
    assert api(cast.national_me).get(detail).status_code == 403
    assert api(cast.stakeholder).get(TRACKS).status_code == 403
    step = {"case": case, "kind": "medical", "given_on": days(-1).isoformat()}
    assert api(cast.turkana_officer).post("/api/v1/ctip-assistance/", step, format="json").status_code == 404
    assert api(cast.partner).post("/api/v1/ctip-assistance/", step, format="json").status_code == 403
    assert APIClient().get(TRACKS).status_code == 401


def test_list_queries_do_not_grow(cast: Any, api: Any, django_assert_max_num_queries: Any) -> None:
    from cpims.ctip.tests.conftest import ctip_case, identify

    for _ in range(3):
        identify(cast.nairobi_officer, ctip_case(cast.nairobi_officer, cast.westlands_office))
    client = api(cast.nairobi_officer)
    client.get(TRACKS)  # warm the session and grants
    with django_assert_max_num_queries(12):
        assert client.get(TRACKS).json()["count"] == 3


def test_schema_is_clean() -> None:
    schema = clean_schema("cpims.ctip.tests.api_urls")
    assert {"/api/v1/ctip-tracks/", "/api/v1/ctip-tracks/{public_id}/plan/", "/api/v1/ctip-returns/"} <= set(
        schema["paths"]
    )
