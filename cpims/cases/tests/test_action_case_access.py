"""A CaseAccess grant gives the receiving unit access to that case only; revoking removes it."""

from __future__ import annotations

from typing import Any

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.cases import actions, queries
from cpims.cases.models import Case, CaseEvent
from cpims.cases.tests.conftest import open_case


def test_grant_and_revoke(cast: Any, westlands_case: Any) -> None:
    other = open_case(cast.nairobi_officer, cast.westlands_office)
    partner = cast.partner
    assert not queries.cases_visible_to(partner).exists()
    access = actions.case_access_grant(
        actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    scope.forget(partner)
    assert list(queries.cases_visible_to(partner)) == [westlands_case]
    assert scope.can(partner, P.SERVICE_RECORD, westlands_case)
    assert not scope.can(partner, P.CASE_UPDATE, westlands_case)  # the NGO role has no case.update
    assert not scope.can(partner, P.CASE_VIEW, other)
    # Idempotent while active.
    again = actions.case_access_grant(
        actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral"
    )
    assert again.pk == access.pk
    actions.case_access_revoke(actor=cast.nairobi_officer, access=access)
    assert not queries.cases_visible_to(partner).exists()
    kinds = set(CaseEvent.objects.filter(case=westlands_case).values_list("kind", flat=True))
    assert {"access_grant", "access_revoke"} <= kinds


def test_office_change_moves_scope(cast: Any, westlands_case: Any) -> None:
    case = actions.case_office_change(
        actor=cast.nairobi_officer, case=westlands_case, office=cast.turkana_central_office
    )
    assert case.county_id == cast.turkana_central_office.county_id
    assert queries.cases_visible_to(cast.turkana_officer).filter(pk=case.pk).exists()
    assert Case.objects.get(pk=case.pk).case_number == westlands_case.case_number
    assert not queries.cases_visible_to(cast.nairobi_coordinator).filter(pk=case.pk).exists()


def test_grant_on_the_callers_authority(cast: Any, westlands_case: Any) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from cpims.audit.models import AuditEvent

    # Without an authority the actor must see the case; the partner does not yet.
    with pytest.raises(PermissionDenied):
        actions.case_access_grant(actor=cast.partner, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral")
    access = actions.case_access_grant(
        actor=cast.partner,
        case=westlands_case,
        org_unit=cast.nairobi_ngo,
        reason="referral",
        authority={"referral": "checked-by-the-caller"},
    )
    event = AuditEvent.objects.filter(action="case.access_grant").latest("id")
    assert event.actor_id == cast.partner.pk
    assert event.details == {
        "org_unit": str(cast.nairobi_ngo.public_id),
        "reason": "referral",
        "access": str(access.public_id),
        "basis": "assignment",
        "referral": "checked-by-the-caller",
    }
