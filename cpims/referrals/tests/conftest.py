"""Referrals test helpers: Westlands cases (invented names), consent, a consent-override role."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests import conftest as cases_conftest
from cpims.cases.tests.conftest import code, make_child, open_case  # noqa: F401 - shared helpers

westlands_case = cases_conftest.westlands_case  # the cases app's fixture, as it is


def give_consent(actor: Any, child: Any, unit: Any) -> Any:
    from cpims.registry import actions

    return actions.consent_give(
        actor=actor,
        person=child,
        purpose="data_sharing",
        given_by="guardian",
        given_on=timezone.localdate(),
        shared_with=unit,
    )


def refer(cast: Any, case: Any, unit: Any = None, **extra: Any) -> Any:
    """A referral of ``case`` from the Westlands officer to ``unit`` (the NGO), with consent."""
    from cpims.referrals import actions

    unit = unit or cast.nairobi_ngo
    if not extra.get("consent_override"):
        give_consent(cast.nairobi_officer, case.child, unit)
    fields: dict[str, Any] = {"reason": "Needs counselling", "urgency": "urgent"}
    fields.update(extra)
    return actions.referral_send(actor=cast.nairobi_officer, case=case, to_unit=unit, **fields)


@pytest.fixture
def other_case(cast: Any) -> Any:
    """Another Westlands case, never referred."""
    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Baraka", last="Othertest")
    return open_case(cast.nairobi_officer, cast.westlands_office, child=child)


@pytest.fixture
def referral(cast: Any, westlands_case: Any) -> Any:
    return refer(cast, westlands_case)


@pytest.fixture
def override_officer(cast: Any) -> Any:
    """A Westlands officer whose role also holds consent.override (no default role does)."""
    from cpims.accounts import permissions as P
    from cpims.accounts.models import Assignment, Role, User
    from cpims.accounts.roles import SUBCOUNTY_OFFICER

    base = Role.objects.get(code=SUBCOUNTY_OFFICER)
    role = Role.objects.create(
        code="test_override_officer",
        name="Officer who may override consent",
        scope=base.scope,
        permissions=[*base.permissions, P.CONSENT_OVERRIDE],
    )
    user = User.objects.create(username="override_officer", first_name="Override")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Assignment.objects.create(user=user, role=role, org_unit=cast.westlands_office)
    return user
