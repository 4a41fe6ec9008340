"""A child's caregivers and siblings after registration: adding one, recording that a parent died
or moved out, and the household moves that follow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.validation import Errors, add_error, raise_errors
from cpims.geo.models import OrgUnit
from cpims.registry.actions._shared import check_can_register, index_names, new_person
from cpims.registry.actions.inputs import RelativeInput, validate_relative
from cpims.registry.models import Household, HouseholdMember, Person, Relationship


def relative_add(
    *,
    actor: User,
    child: Person,
    relative: RelativeInput,
    org_unit: OrgUnit | None = None,
    request: HttpRequest | None = None,
) -> Relationship:
    """Add a caregiver or sibling (new or already registered) to a child; one who lives with the
    child joins the child's household."""
    if child.kind != Person.Kind.CHILD:
        raise ValidationError(_("Caregivers and siblings are added to a child's record."))
    today = timezone.localdate()
    if relative.person is not None and relative.person.ward is None:
        relative.person.ward = child.ward
        relative.person.village = relative.person.village or child.village
    raise_errors(_relative_problems(child, relative, today))
    unit = org_unit or child.registered_by_unit
    if relative.person is not None:
        check_can_register(actor, unit)
    try:
        with transaction.atomic(durable=True):
            person = _relative_person(
                actor=actor, child=child, relative=relative, unit=unit, today=today, request=request
            )
            relationship = Relationship.objects.create(
                child=child,
                relative=person,
                kind=relative.kind,
                parent_status=relative.parent_status,
                lives_with_child=relative.lives_with_child
                and relative.parent_status != Relationship.ParentStatus.DECEASED,
                created_by=actor,
            )
            if person is not None and relationship.lives_with_child:
                _join_childs_household(actor=actor, child=child, person=person, today=today, request=request)
            Person.objects.filter(pk=child.pk).update(updated_at=timezone.now())
            audit_record(
                actor=actor,
                action="relationship.add",
                obj=child,
                object_label=child.cpims_number,
                request=request,
                details={"kind": relationship.kind, "parent_status": relationship.parent_status},
            )
    except IntegrityError as exc:
        raise ValidationError(_("This relationship is already recorded.")) from exc
    return relationship


def _relative_problems(child: Person, relative: RelativeInput, today: dt.date) -> Errors:
    problems = validate_relative(relative, today)
    if relative.existing is not None and relative.existing.pk == child.pk:
        add_error(problems, "existing", _("A child cannot be their own relative."))
    if (
        relative.kind in Relationship.PARENT_KINDS
        and Relationship.objects.filter(child=child, kind=relative.kind, is_active=True).exists()
    ):
        add_error(
            problems,
            "kind",
            _("This child already has a %(kind)s recorded. Change that entry instead.")
            % {"kind": Relationship.Kind(relative.kind).label.lower()},
        )
    return problems


def _relative_person(
    *, actor: User, child: Person, relative: RelativeInput, unit: OrgUnit, today: dt.date, request: HttpRequest | None
) -> Person | None:
    """The relative's record: the existing one, a new one registered at ``unit``, or none."""
    if relative.existing is not None:
        return relative.existing
    if relative.person is None:
        return None
    person = new_person(actor=actor, org_unit=unit, data=relative.person, today=today)
    index_names([person])
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        object_label=person.cpims_number,
        request=request,
        details={"kind": person.kind, "relative_of": str(child.public_id)},
    )
    return person


def _join_childs_household(
    *, actor: User, child: Person, person: Person, today: dt.date, request: HttpRequest | None
) -> None:
    """``person`` lives with ``child``: into the child's household (created if the child has none)."""
    membership = HouseholdMember.objects.filter(person=child, is_active=True).select_related("household").first()
    if membership is None:
        household = Household.objects.create(
            ward=child.ward,
            sub_county_id=child.sub_county_id,
            county_id=child.county_id,
            village=child.village,
            registered_by_unit=child.registered_by_unit,
            created_by=actor,
        )
        HouseholdMember.objects.create(household=household, person=child, joined_on=today)
        audit_record(actor=actor, action="household.create", obj=household, request=request, details={"members": 1})
    else:
        household = membership.household
        if HouseholdMember.objects.filter(household=household, person=person, is_active=True).exists():
            return
    HouseholdMember.objects.filter(person=person, is_active=True).update(is_active=False, left_on=today)
    HouseholdMember.objects.create(household=household, person=person, joined_on=today)
    if person.kind == Person.Kind.CAREGIVER and household.head_id is None:
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    audit_record(
        actor=actor,
        action="household.member_add",
        obj=household,
        request=request,
        details={"person": str(person.public_id)},
    )


def relationship_update(
    *,
    actor: User,
    relationship: Relationship,
    parent_status: str,
    lives_with_child: bool,
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> Relationship:
    """Record that a parent died, moved out, or that a relationship ended."""
    if parent_status not in Relationship.ParentStatus.values:
        raise ValidationError({"parent_status": [_("Choose alive, deceased or not known.")]})
    if parent_status != Relationship.ParentStatus.ALIVE and relationship.kind not in Relationship.PARENT_KINDS:
        raise ValidationError(
            {"parent_status": [_("Only a mother or father can be recorded as deceased or not known.")]}
        )
    with transaction.atomic(durable=True):
        before = (relationship.parent_status, relationship.lives_with_child, relationship.is_active)
        relationship.parent_status = parent_status
        relationship.lives_with_child = lives_with_child and parent_status != Relationship.ParentStatus.DECEASED
        relationship.is_active = is_active
        relationship.save()
        if relationship.relative_id and not relationship.lives_with_child:
            households = HouseholdMember.objects.filter(person_id=relationship.child_id, is_active=True).values(
                "household_id"
            )
            HouseholdMember.objects.filter(
                person_id=relationship.relative_id, household_id__in=households, is_active=True
            ).update(is_active=False, left_on=timezone.localdate())
            Household.objects.filter(pk__in=households, head_id=relationship.relative_id).update(head=None)
        Person.objects.filter(pk=relationship.child_id).update(updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="relationship.update",
            obj=relationship.child,
            object_label=relationship.child.cpims_number,
            request=request,
            details={
                "kind": relationship.kind,
                "before": list(before),
                "after": [relationship.parent_status, relationship.lives_with_child, relationship.is_active],
            },
        )
    return relationship
