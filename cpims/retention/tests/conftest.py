"""Retention test helpers: generated cases of synthetic children (invented names), made through
the cases and registry actions, then aged by moving their dates into the past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests.conftest import code, make_child, open_case

FIRST = ["Zawadi", "Baraka", "Imani", "Neema", "Jabari", "Amani", "Furaha", "Tumaini"]
LAST = ["Testchild", "Samplename", "Mfanochild", "Examplekid"]


def years_ago(n: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - n) - dt.timedelta(days=days)


def rules() -> None:
    from cpims.retention import defaults

    defaults.load()


def aged_case(cast: Any, i: int, *, closed_years_ago: int = 20, born_years_ago: int = 40, then: Any = None) -> Any:
    """A Westlands case whose child was born ``born_years_ago`` and which closed
    ``closed_years_ago`` (reported a year before), with a perpetrator, a service and an identifier."""
    from cpims.cases import actions as case_actions
    from cpims.cases.models import Case
    from cpims.registry.models import Identifier, Person

    officer, office = cast.nairobi_officer, cast.westlands_office
    child = make_child(officer, office, first=FIRST[i % len(FIRST)], last=LAST[i % len(LAST)])
    Person.objects.filter(pk=child.pk).update(
        date_of_birth=years_ago(born_years_ago, i), phone="0700000000", village="Testvillage"
    )
    Identifier.objects.create(
        person=child, id_type=code("identifier_type_id", "ISOV"), value=f"TEST{i:05d}", value_normalised=f"TEST{i:05d}"
    )
    case = open_case(
        officer,
        office,
        child=child,
        notes="Synthetic note about the family.",
        perpetrators=[{"name": "Testperp Name", "relationship": code("perpetrator_id", "RCEP"), "sex": "male"}],
    )
    case_actions.service_record(
        actor=officer,
        child=child,
        case=case,
        service=code("intervention_id", "CMTN"),
        given_on=timezone.localdate(),
        provider=office,
        notes="Synthetic service note.",
    )
    if then is not None:
        then(case)
    closed_on = years_ago(closed_years_ago, i)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, reported_on=closed_on - dt.timedelta(days=365), closed_on=closed_on
    )
    case.refresh_from_db()
    return case


@dataclass
class Generated:
    due: list[Any]
    held: list[Any]
    recent: list[Any]


@pytest.fixture
def generated(cast: Any) -> Generated:
    """Eight cases: five long due, one due but on legal hold, one due with an open court matter,
    one closed last year (not due)."""
    from cpims.court.tests.conftest import record_session
    from cpims.reporting import facts
    from cpims.retention import actions

    rules()
    due = [aged_case(cast, i) for i in range(5)]
    on_hold = aged_case(cast, 5)
    in_court = aged_case(cast, 6, then=lambda case: record_session(cast.nairobi_officer, case))  # next date ahead
    actions.hold_place(actor=cast.admin, case=on_hold, reason="Investigation by the police (synthetic)")
    recent = [aged_case(cast, 7, closed_years_ago=1, born_years_ago=10)]
    facts.rebuild_all()
    return Generated(due=due, held=[on_hold, in_court], recent=recent)


@pytest.fixture
def admin_client(client: Any, cast: Any, login: Any) -> Any:
    """The system administrator (retention.manage) signed in, with the default schedule loaded."""
    rules()
    login(client, cast.admin)
    return client
