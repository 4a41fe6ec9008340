"""The receiver of a pending referral takes access to its case on the referral's authority."""

from __future__ import annotations

from typing import Any

from cpims.accounts import scope
from cpims.cases import queries
from cpims.cases.models import CaseEvent
from cpims.referrals import actions as referral_actions


def _second_ngo(cast: Any) -> Any:
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    ngo = OrgUnit.objects.create(
        name="Other Test NGO",
        code="NGO-TEST-2",
        kind=OrgUnit.Kind.NGO,
        area=cast.westlands_office.area,
        county=cast.westlands_office.county,
        sub_county=cast.westlands_office.sub_county,
    )
    return make_user("other_caseworker", R.PARTNER_CASEWORKER, ngo)


def test_grant_for_referral_is_taken_and_audited_by_the_receiver(cast: Any, westlands_case: Any) -> None:
    from cpims.audit.models import AuditEvent
    from cpims.referrals.tests.conftest import refer

    referral = refer(cast, westlands_case)
    access = referral_actions.referral_access_grant(actor=cast.partner, referral=referral)
    assert access.org_unit_id == cast.nairobi_ngo.pk and access.granted_by_id == cast.partner.pk
    scope.forget(cast.partner)
    assert list(queries.cases_visible_to(cast.partner)) == [westlands_case]
    event = AuditEvent.objects.filter(action="case.access_grant").latest("id")
    assert event.actor_id == cast.partner.pk  # the receiver, not the referring officer
    assert event.details["referral"] == str(referral.public_id)
    assert event.details["referred_by"] == str(cast.nairobi_officer.public_id)
    row = CaseEvent.objects.filter(case=westlands_case, kind="access_grant").latest("id")
    assert row.actor_id == cast.partner.pk
    # Idempotent while active.
    assert referral_actions.referral_access_grant(actor=cast.partner, referral=referral).pk == access.pk


def test_grant_for_referral_refused_to_another_unit(cast: Any, westlands_case: Any) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from cpims.cases.models import CaseAccess
    from cpims.referrals.tests.conftest import refer

    referral = refer(cast, westlands_case)
    outsider = _second_ngo(cast)  # holds referral.receive, but at another unit
    for actor in (outsider, cast.turkana_officer, cast.nairobi_coordinator):
        with pytest.raises(PermissionDenied):
            referral_actions.referral_access_grant(actor=actor, referral=referral)
    assert not CaseAccess.objects.filter(case=westlands_case).exists()
    assert not CaseEvent.objects.filter(case=westlands_case, kind="access_grant").exists()


def test_grant_for_referral_needs_a_pending_referral(cast: Any, westlands_case: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from cpims.referrals.tests.conftest import refer

    referral = refer(cast, westlands_case)
    referral_actions.referral_decline(actor=cast.partner, referral=referral, reason="No capacity")
    with pytest.raises(ValidationError):
        referral_actions.referral_access_grant(actor=cast.partner, referral=referral)
    scope.forget(cast.partner)
    assert not queries.cases_visible_to(cast.partner).exists()
