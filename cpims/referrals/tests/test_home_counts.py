"""Referrals and transfers awaiting an answer: the home page's counts equal an independent count
and the filtered lists they link to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.referrals import actions, home
from cpims.referrals.models import Referral, Transfer
from cpims.referrals.tests.conftest import open_case


def test_referrals_to_answer_at_the_receiving_unit(cast: Any, referral: Any) -> None:
    independent = Referral.objects.filter(to_unit=cast.nairobi_ngo, status="sent").count()
    assert home.referrals_to_answer(cast.partner) == independent == 1
    assert home.referrals_to_answer(cast.turkana_officer) == 0
    actions.referral_decline(actor=cast.partner, referral=referral, reason="No places this month")
    assert home.referrals_to_answer(cast.partner) == 0


def test_transfers_to_answer_at_the_receiving_office(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    open_case(cast.nairobi_officer, cast.westlands_office)
    actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Family moved"
    )
    independent = Transfer.objects.filter(to_office=cast.turkana_central_office, status="pending").count()
    assert home.transfers_to_answer(cast.turkana_officer) == independent == 1
    assert home.transfers_to_answer(cast.nairobi_officer) == 0  # the sender does not answer
    login(client, cast.turkana_officer)
    page = client.get(reverse("referrals:transfer_list"), {"incoming": "1"}).context["page"]
    assert [t.case_id for t in page] == [case.pk]
