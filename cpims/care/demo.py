"""Demo data of the care app (CPIMS_DEMO only; idempotent).

Institution profiles for the demo CCI (Upendo, Westlands; managed by demo.institution) and the demo
rescue centre (Langata), and placements of the demo children (synthetic, from the cases demo) in
several states: transferred from the rescue centre, resident with an overdue review and an expired
order, on leave, escaped, reintegrated with a follow-up, and one in foster care.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpims.accounts.models import User
from cpims.care import actions
from cpims.care.models import Placement
from cpims.cases.models import Case
from cpims.core.models import Code
from cpims.geo.models import OrgUnit
from cpims.registry.models import Person

CCI, RESCUE = "DEMO-CCI-WESTLANDS", "DEMO-RESCUE-LANGATA"


def _code(list_name: str, dcs_code: str) -> Code:
    return Code.objects.select_related("code_list").get(code_list__name=list_name, code=dcs_code)


def load_demo_care() -> int:
    """Create the demo institution profiles and placements; returns how many placements were made."""
    # The county coordinator: the demo CCI (Westlands) and rescue centre (Langata) are both in Nairobi.
    officer = User.objects.filter(username="demo.coordinator").first()
    cci = OrgUnit.objects.filter(code=CCI).first()
    rescue = OrgUnit.objects.filter(code=RESCUE).first()
    if officer is None or cci is None or rescue is None:
        return 0
    _save_profiles(officer, cci, rescue)
    if Placement.objects.filter(institution__in=[cci, rescue]).exists():
        return 0
    return _admit_demo_children(officer, cci, rescue)


def _save_profiles(officer: User, cci: OrgUnit, rescue: OrgUnit) -> None:
    """The care profiles (registration, capacity) of the demo CCI and rescue centre, once."""
    for unit, status, number, rows in (
        (cci, "registered", "CCI/NRB/0001 (demo)", [("female", "any", 12), ("male", "any", 12)]),
        (rescue, "statutory", "", [("any", "any", 20)]),
    ):
        if not hasattr(unit, "institution"):
            actions.institution_save(
                actor=officer,
                org_unit=unit,
                expected_version=None,
                registration_status=status,
                registration_number=number,
                capacity=[actions.CapacityInput(s, b, n) for s, b, n in rows],
            )


def _admit_demo_children(officer: User, cci: OrgUnit, rescue: OrgUnit) -> int:
    """The demo placements, in their several states; returns how many placements were made."""
    today = timezone.localdate()

    def ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    afic = _code("alternative_family_care_type_id", "AFIC")
    safety = _code("alternative_family_care_type_id", "AFPS")
    new, care_protection = _code("admission_type_id", "TANA"), _code("admission_reason_id", "RACP")
    made = 0

    def child_named(last: str) -> Person | None:
        return Person.objects.filter(last_name=last, kind=Person.Kind.CHILD).first()

    def admit(last: str, unit: OrgUnit, admitted: int, **extra: object) -> Placement | None:
        nonlocal made
        child = child_named(last)
        if child is None:
            return None
        case = Case.objects.filter(child=child).order_by("id").first()
        made += 1
        return actions.placement_admit(
            actor=officer,
            child=child,
            case=case,
            care_type=extra.pop("care_type", afic),  # type: ignore[arg-type]
            institution=unit,
            admitted_on=ago(admitted),
            admission_type=new,
            admission_reason=care_protection,
            **extra,  # type: ignore[arg-type]
        )

    order = actions.OrderInput(
        court_name="Nairobi Children's Court (demo)", number="CP 14/2026 (demo)", date=ago(21), period_months=6
    )
    p = admit("Demo-Wekesa", rescue, 20, care_type=safety, order=order, first_review_due=ago(-10))
    if p is not None:
        actions.placement_transfer(actor=officer, placement=p, to_institution=cci, on=ago(5))
        made += 1
    expired = actions.OrderInput(
        court_name="Kibera Law Courts (demo)", number="CP 3/2026 (demo)", date=ago(100), period_months=3
    )
    admit("Demo-Mutua", cci, 95, order=expired, first_review_due=ago(3))
    p = admit("Demo-Chebet", cci, 30)
    if p is not None:
        actions.placement_status_change(
            actor=officer, placement=p, status="on_leave", on=ago(2), notes="Holiday with aunt"
        )
    p = admit("Demo-Omondi", cci, 45)
    if p is not None:
        actions.placement_status_change(actor=officer, placement=p, status="escaped", on=ago(4))
    p = admit("Demo-Njeri", cci, 60)
    if p is not None:
        actions.review_add(actor=officer, placement=p, kind="case_conference", held_on=ago(20), notes="Family traced")
        p = actions.placement_status_change(actor=officer, placement=p, status="reintegrated", on=ago(10))
        actions.followup_record(
            actor=officer, placement=p, visited_on=ago(3), outcome="settled", due_on=ago(-30), notes="Back in school"
        )
    made += _foster(ago(40))
    return made


def _foster(admitted: dt.date) -> int:
    """One child in foster care in Westlands (family-based care: never counted as institutional)."""
    from cpims.geo.models import Area
    from cpims.registry import actions as registry_actions

    officer = User.objects.filter(username="demo.officer").first()
    office = OrgUnit.objects.filter(code="DCS-SC274").first()
    if officer is None or office is None:
        return 0
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=office.sub_county_id).order_by("code").first()
    child = registry_actions.child_register(
        actor=officer,
        org_unit=office,
        child=registry_actions.PersonInput(
            first_name="Amani", last_name="Demo-Kamau", sex="male", age_years=6, ward=ward
        ),
    ).child
    actions.placement_admit(
        actor=officer,
        child=child,
        care_type=_code("alternative_family_care_type_id", "AFFC"),
        caregiver_name="A foster family (demo)",
        admitted_on=admitted,
        admission_type=_code("admission_type_id", "TANA"),
        admission_reason=_code("admission_reason_id", "RACP"),
    )
    return 1
