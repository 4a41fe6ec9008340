from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.api.tests.schema import clean_schema
from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.models import Case, ServiceRecord
from cpims.cases.tests.conftest import make_child

pytestmark = pytest.mark.urls("cpims.cases.tests.api_urls")


def _detail(case: Any, suffix: str = "detail") -> str:
    return reverse(f"api:case-{suffix}", kwargs={"public_id": case.public_id})


def test_list_and_retrieve_scope(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    data = client.get(reverse("api:case-list")).json()
    assert [c["case_number"] for c in data["results"]] == [westlands_case.case_number]
    assert client.get(_detail(westlands_case)).json()["status"] == "reported"
    assert AuditEvent.objects.filter(action="case.view", details__via="api").count() == 1
    client.logout()
    login(client, cast.turkana_officer)
    assert client.get(_detail(westlands_case)).status_code == 404
    assert client.get(reverse("api:case-list")).json()["results"] == []
    client.logout()
    login(client, cast.national_me)
    assert client.patch(_detail(westlands_case), {"notes": "x"}, content_type="application/json").status_code == 403


def test_create_update_and_transitions(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    payload = {
        "child": str(child.public_id),
        "office": str(cast.westlands_office.public_id),
        "reported_on": timezone.localdate().isoformat(),
        "reporter_type": "CRMO",
        "categories": [{"category": "CSIC", "nature": "OOEV"}],
    }
    response = client.post(reverse("api:case-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    bad = client.post(reverse("api:case-list"), {**payload, "categories": []}, content_type="application/json")
    assert bad.status_code == 400 and "categories" in bad.json()["errors"]
    assert Case.objects.count() == 1
    ok = client.patch(_detail(case), {"version": case.version, "notes": "n"}, content_type="application/json")
    assert ok.status_code == 200
    stale = client.patch(_detail(case), {"version": case.version, "notes": "m"}, content_type="application/json")
    assert stale.status_code == 400
    version = ok.json()["version"]
    r = client.post(_detail(case, "start-assessment"), {"version": version}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "assessment"
    r = client.post(
        _detail(case, "reopen"), {"reason": "x", "version": r.json()["version"]}, content_type="application/json"
    )
    assert r.status_code == 400
    assert client.post(_detail(case, "approve-plan"), {}, content_type="application/json").status_code == 403


def test_services(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    actions.case_access_grant(
        actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    login(client, cast.partner)
    payload = {
        "case": str(westlands_case.public_id),
        "service": "CMTN",
        "given_on": timezone.localdate().isoformat(),
        "provider": str(cast.nairobi_ngo.public_id),
    }
    response = client.post(reverse("api:servicerecord-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert ServiceRecord.objects.count() == 1
    assert len(client.get(reverse("api:servicerecord-list")).json()["results"]) == 1
    other = {**payload, "provider": str(cast.westlands_office.public_id)}
    assert client.post(reverse("api:servicerecord-list"), other, content_type="application/json").status_code == 400
    client.logout()
    login(client, cast.turkana_officer)
    assert client.post(reverse("api:servicerecord-list"), payload, content_type="application/json").status_code == 404


def test_schema_is_clean() -> None:
    schema = clean_schema("cpims.cases.tests.api_urls")
    assert "/api/v1/cases/{public_id}/approve-plan/" in schema["paths"]


def test_case_carries_perpetrators_and_filters_by_ward(client: Any, cast: Any, login: Any) -> None:
    from cpims.cases.tests.conftest import code, open_case
    from cpims.geo.models import Area

    wards = list(
        Area.objects.filter(level=Area.Level.WARD, sub_county=cast.westlands_office.sub_county).order_by("code")[:2]
    )
    case = open_case(
        cast.nairobi_officer,
        cast.westlands_office,
        event_ward=wards[0],
        perpetrators=[
            {"name": "Alleged Testperson", "relationship": code("perpetrator_id", "RCEP"), "sex": "male", "age": 40}
        ],
    )
    other = open_case(cast.nairobi_officer, cast.westlands_office, event_ward=wards[1])
    login(client, cast.national_me)  # a reader without the sensitive permission sees them too
    body = client.get(_detail(case)).json()
    assert body["perpetrators"] == [{"name": "Alleged Testperson", "relationship": "RCEP", "sex": "male", "age": 40}]
    assert "sensitive_narrative" not in body and "hiv_status" not in body
    assert body["event_ward"] == wards[0].code
    listed = client.get(reverse("api:case-list"), {"ward": wards[0].code}).json()["results"]
    assert [c["case_number"] for c in listed] == [case.case_number]
    assert other.case_number not in str(listed)
    assert client.get(reverse("api:case-list"), {"ward": "nonsense"}).json()["results"] == []


def test_list_query_count_with_perpetrators(
    client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.cases.tests.conftest import open_case

    perp = [{"name": "P", "relationship": None, "sex": "male", "age": 30}]
    for _ in range(3):
        open_case(cast.nairobi_officer, cast.westlands_office, perpetrators=perp)
    login(client, cast.nairobi_officer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("api:case-list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("api:case-list"))
    for _ in range(5):
        open_case(cast.nairobi_officer, cast.westlands_office, perpetrators=perp)
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("api:case-list"))
    assert len(big) == len(small)


def test_create_and_update_with_several_categories(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    payload = {
        "child": str(child.public_id),
        "office": str(cast.westlands_office.public_id),
        "reported_on": timezone.localdate().isoformat(),
        "reporter_type": "CRMO",
        "categories": [{"category": "CSIC", "sub_category": "NDBS"}, {"category": "CCDF", "nature": "OOEV"}],
    }
    response = client.post(reverse("api:case-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(c["category"], c["sub_category"]) for c in body["categories"]] == [("CSIC", "NDBS"), ("CCDF", None)]
    case = Case.objects.get()
    twice = {**payload, "categories": [{"category": "CSIC"}, {"category": "CSIC"}]}
    assert client.post(reverse("api:case-list"), twice, content_type="application/json").status_code == 400
    mismatch = {**payload, "categories": [{"category": "CSIC", "sub_category": "EAIG"}]}
    bad = client.post(reverse("api:case-list"), mismatch, content_type="application/json")
    assert bad.status_code == 400 and "categories.0.sub_category" in bad.json()["errors"]
    assert Case.objects.count() == 1
    # A perpetrator's sex is sent ("unknown" included), never assumed.
    no_sex = {**payload, "perpetrators": [{"name": "Alleged Testperson"}]}
    assert client.post(reverse("api:case-list"), no_sex, content_type="application/json").status_code == 400
    # An update replaces the list: CCDF removed, CCEA added.
    r = client.patch(
        _detail(case),
        {"version": case.version, "categories": [{"category": "CSIC"}, {"category": "CCEA", "sub_category": "EAIG"}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [c["category"] for c in r.json()["categories"]] == ["CSIC", "CCEA"]


def test_schema_documents_the_category_list() -> None:
    schema = clean_schema("cpims.cases.tests.api_urls")
    create = schema["components"]["schemas"]["CaseCreateRequest"]["properties"]["categories"]
    assert create["type"] == "array" and "each category once" in create["description"]


def test_a_change_without_the_version_it_was_based_on_is_refused(
    client: Any, cast: Any, login: Any, westlands_case: Any
) -> None:
    login(client, cast.nairobi_officer)
    before, status_before = westlands_case.notes, westlands_case.status
    for send in (
        lambda: client.patch(_detail(westlands_case), {"notes": "overwritten"}, content_type="application/json"),
        lambda: client.post(_detail(westlands_case, "start-assessment"), {}, content_type="application/json"),
    ):
        response = send()
        assert response.status_code == 428 and "version" in response.json()["detail"]
    westlands_case.refresh_from_db()
    assert westlands_case.notes == before and westlands_case.status == status_before
    # The ETag read with the case serves as If-Match; a stale one is refused, a bad one is a 400.
    read = client.get(_detail(westlands_case))
    assert read["ETag"] == f'"{westlands_case.version}"'
    ok = client.patch(
        _detail(westlands_case), {"notes": "n"}, content_type="application/json", HTTP_IF_MATCH=read["ETag"]
    )
    assert ok.status_code == 200 and ok.json()["notes"] == "n"
    stale = client.patch(
        _detail(westlands_case), {"notes": "m"}, content_type="application/json", HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 400
    bad = client.patch(_detail(westlands_case), {"notes": "m"}, content_type="application/json", HTTP_IF_MATCH="*")
    assert bad.status_code == 400
    westlands_case.refresh_from_db()
    assert westlands_case.notes == "n"
