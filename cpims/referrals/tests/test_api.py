from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.cases.models import Case
from cpims.referrals.models import Referral, Transfer
from cpims.referrals.tests.conftest import give_consent

pytestmark = pytest.mark.urls("cpims.referrals.tests.api_urls")
JSON = "application/json"


def _r(name: str, obj: Any = None) -> str:
    return reverse(f"api:{name}", kwargs={"public_id": obj.public_id} if obj is not None else None)


def test_referral_lifecycle(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    payload = {"case": str(westlands_case.public_id), "to_unit": str(cast.nairobi_ngo.public_id), "reason": "x"}
    refused = client.post(_r("referral-list"), payload, content_type=JSON)
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]
    give_consent(cast.nairobi_officer, westlands_case.child, cast.nairobi_ngo)
    created = client.post(
        _r("referral-list"), {**payload, "urgency": "urgent", "service_requested": "RMPC"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "sent" and body["service_requested"] == "RMPC" and body["destination_type"] == "RDNA"
    referral = Referral.objects.get()
    assert client.post(_r("referral-accept", referral), content_type=JSON).status_code == 403
    login(client, cast.partner)
    assert [r["public_id"] for r in client.get(_r("referral-list")).json()["results"]] == [str(referral.public_id)]
    assert client.post(_r("referral-accept", referral), content_type=JSON).json()["status"] == "accepted"
    again = client.post(_r("referral-accept", referral), content_type=JSON)
    assert again.status_code == 400
    assert client.post(_r("referral-complete", referral), {}, content_type=JSON).status_code == 400
    done = client.post(_r("referral-complete", referral), {"notes": "Done"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["status"] == "completed"


def test_referral_decline_and_scope(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(_r("referral-detail", referral)).status_code == 404
    assert client.post(_r("referral-decline", referral), {"reason": "x"}, content_type=JSON).status_code == 404
    assert client.get(_r("referral-list")).json()["results"] == []
    login(client, cast.national_me)
    assert client.get(_r("referral-detail", referral)).status_code == 200
    assert client.post(_r("referral-decline", referral), {"reason": "x"}, content_type=JSON).status_code == 403
    login(client, cast.partner)
    assert client.post(_r("referral-decline", referral), {}, content_type=JSON).status_code == 400
    declined = client.post(_r("referral-decline", referral), {"reason": "Full"}, content_type=JSON)
    assert declined.json()["status"] == "declined"
    assert client.get("/api/v1/referrals/not-a-uuid/").status_code == 404


def test_transfer_lifecycle(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    payload = {"case": str(westlands_case.public_id), "to_office": str(cast.turkana_central_office.public_id)}
    assert client.post(_r("transfer-list"), payload, content_type=JSON).status_code == 400
    created = client.post(_r("transfer-list"), {**payload, "reason": "Moved"}, content_type=JSON)
    assert created.status_code == 201, created.content
    transfer = Transfer.objects.get()
    assert client.post(_r("transfer-accept", transfer), content_type=JSON).status_code == 403
    login(client, cast.partner)
    assert client.post(_r("transfer-list"), {**payload, "reason": "x"}, content_type=JSON).status_code == 403
    assert client.get(_r("transfer-detail", transfer)).status_code == 404
    login(client, cast.turkana_officer)
    accepted = client.post(_r("transfer-accept", transfer), content_type=JSON)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Case.objects.get().office == cast.turkana_central_office
    assert client.post(_r("transfer-decline", transfer), {"reason": "x"}, content_type=JSON).status_code == 400


def test_transfer_decline(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    from cpims.referrals import actions

    transfer = actions.transfer_request(
        actor=cast.nairobi_officer, case=westlands_case, to_office=cast.turkana_central_office, reason="Moved"
    )
    login(client, cast.turkana_officer)
    response = client.post(_r("transfer-decline", transfer), {"reason": "Not ours"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "declined"


def test_schema_is_clean(tmp_path: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", urlconf="cpims.referrals.tests.api_urls", validate=True, fail_on_warn=True, file=str(out)
    )
    text = out.read_text()
    assert "/api/v1/referrals/{public_id}/accept/" in text
    assert "/api/v1/transfers/{public_id}/decline/" in text
