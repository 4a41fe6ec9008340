"""The referral pages: create, detail, accept, decline, record a service, complete; scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions as case_actions
from cpims.cases.models import CaseAccess, ServiceRecord
from cpims.referrals import actions
from cpims.referrals.models import Referral
from cpims.referrals.tests.conftest import code, give_consent


def _url(name: str, referral: Any) -> str:
    return reverse(f"referrals:{name}", kwargs={"public_id": referral.public_id})


def _case_url(case: Any) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def test_create_form_and_send(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("referrals:create", kwargs={"case_id": westlands_case.public_id})
    page = client.get(url)
    assert page.status_code == 200 and b"Test Children NGO" in page.content
    assert b"consent_override" not in page.content  # no override permission: no override fields
    data = {
        "to_unit": cast.nairobi_ngo.pk,
        "urgency": "routine",
        "reason": "Counselling",
        "from_office": cast.westlands_office.pk,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and b"no recorded consent" in refused.content
    give_consent(cast.nairobi_officer, westlands_case.child, cast.nairobi_ngo)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == _case_url(westlands_case)
    assert Referral.objects.get().to_unit == cast.nairobi_ngo


def test_create_with_override(client: Any, cast: Any, login: Any, westlands_case: Any, override_officer: Any) -> None:
    login(client, override_officer)
    url = reverse("referrals:create", kwargs={"case_id": westlands_case.public_id})
    assert b"consent_override" in client.get(url).content
    response = client.post(
        url,
        {
            "to_unit": cast.nairobi_ngo.pk,
            "urgency": "emergency",
            "reason": "Shelter",
            "from_office": cast.westlands_office.pk,
            "consent_override": "on",
            "override_reason": "Guardian unreachable",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().consent_overridden


def test_create_scope(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    url = reverse("referrals:create", kwargs={"case_id": westlands_case.public_id})
    login(client, cast.turkana_officer)
    assert client.get(url).status_code == 404
    login(client, cast.national_me)
    assert client.get(url).status_code == 403
    login(client, cast.partner)
    assert client.get(url).status_code == 404


def test_web_lifecycle(client: Any, cast: Any, login: Any, referral: Any, settings: Any) -> None:
    settings.CPIMS_PARTNER_ACCESS_GRACE_DAYS = 0  # no grace: access ends with the referral
    login(client, cast.partner)
    page = client.get(_url("detail", referral))
    assert page.status_code == 200 and b"Needs counselling" in page.content
    assert client.get(_case_url(referral.case)).status_code == 404  # not before accepting
    assert client.post(_url("accept", referral)).status_code == 302
    assert client.get(_case_url(referral.case)).status_code == 200
    response = client.post(
        _url("service_add", referral),
        {"service": code("intervention_id", "CMTN").pk, "given_on": timezone.localdate().isoformat(), "notes": ""},
    )
    assert response.status_code == 302 and ServiceRecord.objects.count() == 1
    assert client.post(_url("complete", referral), {"notes": "Done"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    # Access ended: the case answers 404 again, the referral itself stays readable.
    assert client.get(_case_url(referral.case)).status_code == 404
    assert client.get(_url("detail", referral)).status_code == 200
    # A second accept is refused with a message, nothing changes.
    response = client.post(_url("accept", referral), follow=True)
    assert response.status_code == 200 and b"already" in response.content


def test_decline_page(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.partner)
    assert client.get(_url("decline", referral)).status_code == 200
    assert client.post(_url("decline", referral), {"reason": ""}).status_code == 200
    assert client.post(_url("decline", referral), {"reason": "Full"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    stale = client.post(_url("decline", referral), {"reason": "Again"})
    assert stale.status_code == 302


def test_receiver_sees_only_the_referred_case(
    client: Any, cast: Any, login: Any, referral: Any, other_case: Any
) -> None:
    actions.referral_accept(actor=cast.partner, referral=referral)
    login(client, cast.partner)
    assert client.get(_case_url(referral.case)).status_code == 200
    assert client.get(_case_url(other_case)).status_code == 404
    # Another unit's referral is out of scope too.
    give_consent(cast.nairobi_officer, other_case.child, cast.nairobi_office)
    to_county = actions.referral_send(
        actor=cast.nairobi_officer, case=other_case, to_unit=cast.nairobi_office, reason="Supervision"
    )
    assert client.get(_url("detail", to_county)).status_code == 404
    assert client.post(_url("accept", to_county)).status_code == 404
    # The referring office revokes the access: 404 again.
    access = CaseAccess.objects.get(org_unit=cast.nairobi_ngo)
    case_actions.case_access_revoke(actor=cast.nairobi_officer, access=access)
    assert client.get(_case_url(referral.case)).status_code == 404


def test_outsiders_and_read_only(client: Any, cast: Any, login: Any, referral: Any) -> None:
    for user in (cast.turkana_officer, cast.turkana_coordinator):
        login(client, user)
        assert client.get(_url("detail", referral)).status_code == 404
        assert client.post(_url("accept", referral)).status_code == 404
        assert client.get(_url("decline", referral)).status_code == 404
    # The national M&E officer and the sender see it but may not answer it.
    for user in (cast.national_me, cast.nairobi_officer):
        login(client, user)
        assert client.get(_url("detail", referral)).status_code == 200
        assert client.post(_url("accept", referral)).status_code == 403
        assert client.get(_url("complete", referral)).status_code == 403
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_accepted_referral_lets_the_receiving_unit_open_the_child(client: Any, cast: Any, login: Any) -> None:
    """The NGO serves the child, so accepting the referral opens the child's record to it too;
    ending the access closes it again."""
    from cpims.cases import actions as case_actions
    from cpims.cases.tests.scope_routes import westlands_case

    case = westlands_case(cast)
    url = reverse("registry:child_detail", kwargs={"public_id": case.child.public_id})
    login(client, cast.partner)
    assert client.get(url).status_code == 404
    access = case_actions.case_access_grant(
        actor=cast.nairobi_officer, case=case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    assert client.get(url).status_code == 200
    case_actions.case_access_revoke(actor=cast.nairobi_officer, access=access)
    assert client.get(url).status_code == 404
