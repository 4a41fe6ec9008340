"""This app's counts on the home page: referrals and transfers waiting for the user's answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core.hooks import HomeCount
from cpims.referrals.models import Referral, Transfer
from cpims.referrals.queries import referrals_received, transfers_incoming


def referrals_to_answer(user: User) -> int:
    return referrals_received(user).filter(status=Referral.Status.SENT).count()


def transfers_to_answer(user: User) -> int:
    return transfers_incoming(user).filter(status=Transfer.Status.PENDING).count()


def home_counts(user: User) -> list[HomeCount]:
    out: list[HomeCount] = []
    if scope.has_perm(user, P.REFERRAL_RECEIVE):
        url = reverse("referrals:inbox") + f"?status={Referral.Status.SENT}"
        out.append(HomeCount(_("Referrals to answer"), url, referrals_to_answer(user)))
    if scope.has_perm(user, P.CASE_TRANSFER):
        url = reverse("referrals:transfer_list") + "?incoming=1"
        out.append(HomeCount(_("Transfers to answer"), url, transfers_to_answer(user)))
    return out
