"""Demo data of the iprs app (CPIMS_DEMO only; idempotent).

The demo runs without a real IPRS: three demo children get a birth registration number, and the
registry records a check of each with an invented answer, as IPRS would have given it: one matched,
one with a different date of birth (shown side by side on the child's page), one not found.
Numbers and names are synthetic.
"""

from __future__ import annotations

import datetime as dt

from cpims.accounts.models import User
from cpims.core.models import Code
from cpims.registry import actions as registry_actions
from cpims.registry.models import Identifier, IdentifierVerification, Person

# (last name of a demo child from cpims.cases.demo, birth registration number, answer)
DEMO_CHECKS = (
    ("Demo-Omondi", "DEMO-BC-0000001", "matched"),
    ("Demo-Chebet", "DEMO-BC-0000002", "mismatch"),
    ("Demo-Mutua", "DEMO-BC-0000003", "not_found"),
)


def _answer(person: Person, kind: str) -> registry_actions.RegisterAnswer:
    if kind == "not_found":
        return registry_actions.RegisterAnswer(found=False, reference="DEMO")
    born = person.date_of_birth
    if kind == "mismatch" and born is not None:
        born = born - dt.timedelta(days=400)
    return registry_actions.RegisterAnswer(
        found=True,
        first_name=person.first_name,
        middle_name=person.middle_name,
        last_name=person.last_name,
        date_of_birth=born,
        reference="DEMO",
    )


def load_demo_iprs() -> int:
    """Record the demo checks; returns how many were recorded."""
    officer = User.objects.filter(username="demo.officer").first()
    id_type = Code.objects.filter(code_list__name="identifier_type_id", code="ISOV").first()
    if officer is None or id_type is None or IdentifierVerification.objects.filter(reference="DEMO").exists():
        return 0
    recorded = 0
    for last_name, number, kind in DEMO_CHECKS:
        person = Person.objects.filter(last_name=last_name, created_by=officer, is_active=True).first()
        if person is None:
            continue
        identifier = Identifier.objects.filter(person=person, id_type=id_type).first()
        if identifier is None:
            identifier = registry_actions.identifier_add(actor=officer, person=person, id_type=id_type, value=number)
        identifier.person = person
        registry_actions.identifier_verification_record(
            actor=officer, identifier=identifier, answer=_answer(person, kind), via="demo"
        )
        recorded += 1
    return recorded
