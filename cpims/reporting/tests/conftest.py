"""Reporting test helpers: synthetic children with a given sex and date of birth, and cases
opened through cpims.cases.actions.case_open on a given date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cpims.cases.tests.conftest import code, ward_in

_counter = {"n": 0}


def child(actor: Any, office: Any, *, sex: str = "female", born: dt.date | None = None) -> Any:
    from cpims.registry import actions
    from cpims.registry.models import Person

    _counter["n"] += 1
    n = _counter["n"]
    kid = actions.child_register(
        actor=actor,
        org_unit=office,
        child=actions.PersonInput(
            first_name=f"Synth{n}",
            last_name="Reportchild",
            sex=sex,
            date_of_birth=born if born and born.year >= 2010 else dt.date(2015, 1, 1),
            ward=ward_in(office),
        ),
    ).child
    if born is None or born.year < 2010:
        # Registration asks for a date of birth of a child under 18 today; older records (a case
        # reported before the 18th birthday, an adult at report, no date at all) are set directly.
        Person.objects.filter(pk=kid.pk).update(date_of_birth=born)
        kid.date_of_birth = born
    return kid


def case(
    actor: Any,
    office: Any,
    *,
    reported_on: dt.date,
    categories: tuple[str, ...] = ("CSIC",),
    sex: str = "female",
    born: dt.date | None = dt.date(2015, 3, 1),
    the_child: Any = None,
    **extra: Any,
) -> Any:
    from cpims.cases.actions import case_open

    kid = the_child or child(actor, office, sex=sex, born=born)
    return case_open(
        actor=actor,
        child=kid,
        office=office,
        reported_on=reported_on,
        reporter_type=code("case_reporter_id", "CRMO"),
        categories=[
            {
                "category": code("case_category_id", c),
                "date_of_event": reported_on,
                "nature": code("case_nature_id", "OOEV"),
            }
            for c in categories
        ],
        **extra,
    )
