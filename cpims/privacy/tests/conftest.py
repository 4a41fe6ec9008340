"""Privacy test helpers: the data protection officer, a Westlands child with a full file (case
with reporter and perpetrator, a sibling, a service) and a second, unrelated child. Synthetic
names only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests.conftest import code, make_child, open_case

OTHER_CHILD = ("Baraka", "Othertestchild")
SIBLING = ("Jabari", "Siblingtest")
REPORTER = "Reporter Testname"
PERPETRATOR = "Alleged Testperpetrator"


def make_dpo(username: str = "dpo_user") -> Any:
    from cpims.accounts import roles as R
    from cpims.accounts.models import Assignment, Role, User
    from cpims.geo.models import OrgUnit

    user = User.objects.create(username=username, first_name="Dpo")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    role = Role.objects.get(code=R.DATA_PROTECTION_OFFICER)
    Assignment.objects.create(user=user, role=role, org_unit=OrgUnit.objects.get(code="DCS-HQ"))
    return user


@pytest.fixture
def dpo(cast: Any) -> Any:
    return make_dpo()


@pytest.fixture
def child_file(cast: Any) -> Any:
    """A Westlands child with a case naming a reporter and a perpetrator, a sibling, and notes
    that mention both; and another child of the same office with a case of their own."""
    from cpims.cases import actions as case_actions
    from cpims.registry import actions as registry_actions

    officer, office = cast.nairobi_officer, cast.westlands_office
    child = make_child(officer, office, first="Zawadi", last="Testchild")
    registry_actions.relative_add(
        actor=officer,
        child=child,
        relative=registry_actions.RelativeInput(
            kind="sibling",
            person=registry_actions.PersonInput(first_name=SIBLING[0], last_name=SIBLING[1], sex="male", age_years=12),
        ),
    )
    case = open_case(
        officer,
        office,
        child=child,
        reporter_name=REPORTER,
        reporter_contact="0700 000 001",
        perpetrators=[{"name": PERPETRATOR, "relationship": code("perpetrator_id", "RCEP"), "sex": "male", "age": 40}],
        notes=f"Zawadi told the officer that {PERPETRATOR} hit her; {SIBLING[0]} saw it. Reported by {REPORTER}.",
    )
    case_actions.service_record(
        actor=officer,
        child=child,
        case=case,
        service=_first("intervention_id"),
        given_on=timezone.localdate() - dt.timedelta(days=1),
        provider=office,
        notes=f"Counselling; {SIBLING[0]} {SIBLING[1]} attended too.",
    )
    other = make_child(officer, office, first=OTHER_CHILD[0], last=OTHER_CHILD[1])
    open_case(officer, office, child=other, notes="Another child's case.")
    return child, case, other


def _first(list_name: str) -> Any:
    from cpims.core.models import Code

    return Code.objects.filter(code_list__name=list_name, is_active=True).order_by("order", "id").first()


def register(actor: Any, child: Any, kind: str = "access", **extra: Any) -> Any:
    from cpims.privacy import actions

    fields: dict[str, Any] = {
        "kind": kind,
        "requester_name": "Rehema Testmother",
        "requester_relationship": "mother",
        "identity_checked": "national_id",
        "received_on": timezone.localdate(),
        "details": "Name is misspelt: should be Zawadie." if kind == "correction" else "",
    }
    fields.update(extra)
    return actions.subject_request_register(actor=actor, child=child, **fields)


def record_breach(actor: Any, **extra: Any) -> Any:
    from cpims.privacy import actions

    fields: dict[str, Any] = {"title": "Laptop stolen", "discovered_at": timezone.now() - dt.timedelta(hours=2)}
    fields.update(extra)
    return actions.breach_record(actor=actor, **fields)
