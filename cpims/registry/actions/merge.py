"""Merging a duplicate record into the one that stays."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.registry.actions._shared import index_names
from cpims.registry.models import Household, HouseholdMember, Person, PersonMerge, Relationship

# Relations a merge handles itself; every other foreign key to Person (in any app, including the
# ones later issues add: cases, services, placements) is moved to the survivor automatically.
_SPECIAL = {
    ("registry", "person", "merged_into"),
    ("registry", "personmerge", "survivor"),
    ("registry", "personmerge", "merged"),
    ("registry", "nametoken", "person"),
    ("registry", "householdmember", "person"),
    ("registry", "relationship", "child"),
    ("registry", "relationship", "relative"),
    ("registry", "household", "head"),
}


def person_merge(
    *,
    actor: User,
    survivor: Person,
    duplicate: Person,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PersonMerge:
    """Merge ``duplicate`` into ``survivor``: everything attached to the duplicate moves to the
    survivor, blank details of the survivor are filled from the duplicate, the duplicate is kept
    (inactive, ``merged_into`` the survivor) so its CPIMS number still leads to the survivor."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if not survivor.is_active or not duplicate.is_active:
        raise ValidationError(_("One of these records has already been merged."))
    if survivor.kind != duplicate.kind:
        raise ValidationError(_("A child's record can only be merged with another child's record."))
    for person in (survivor, duplicate):
        if not scope.can(actor, P.CHILD_MERGE, person):
            raise PermissionDenied
    with transaction.atomic(durable=True):
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
        if not all(p.is_active for p in locked.values()):
            raise ValidationError(_("One of these records has already been merged."))
        moved = _move_everything(survivor, duplicate)
        filled = _fill_blanks(survivor, duplicate)
        duplicate.is_active = False
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["is_active", "merged_into", "photo", "updated_at"])
        # Records merged into the duplicate earlier now lead straight to the survivor.
        Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
        survivor.save()
        index_names([survivor, duplicate])
        merge = PersonMerge.objects.create(
            survivor=survivor,
            merged=duplicate,
            merged_number=duplicate.cpims_number,
            actor=actor,
            reason=reason.strip()[:300],
            moved={**moved, "filled": filled},
        )
        audit_record(
            actor=actor,
            action="person.merge",
            obj=survivor,
            object_label=survivor.cpims_number,
            request=request,
            details={
                "merged": str(duplicate.public_id),
                "merged_number": duplicate.cpims_number,
                "moved": moved,
                "filled": filled,
            },
        )
    return merge


def _fill_blanks(survivor: Person, duplicate: Person) -> list[str]:
    filled: list[str] = []
    for name in ("middle_name", "other_names", "village", "landmark", "phone", "school_name"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    for name in ("school_class", "disability", "ward", "date_of_birth"):
        if getattr(survivor, f"{name}_id" if name != "date_of_birth" else name) is None and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    if "date_of_birth" in filled:
        survivor.date_of_birth_estimated = duplicate.date_of_birth_estimated
    elif survivor.date_of_birth_estimated and duplicate.date_of_birth and not duplicate.date_of_birth_estimated:
        survivor.date_of_birth, survivor.date_of_birth_estimated = duplicate.date_of_birth, False
        filled.append("date_of_birth")
    if "ward" in filled:
        survivor.sub_county_id, survivor.county_id = survivor.ward.sub_county_id, survivor.ward.county_id
    if survivor.birth_certificate == Person.BirthCertificate.UNKNOWN:
        survivor.birth_certificate = duplicate.birth_certificate
    if not survivor.photo and duplicate.photo:
        survivor.photo = duplicate.photo.name
        duplicate.photo = ""
        filled.append("photo")
    return filled


def _move_everything(survivor: Person, duplicate: Person) -> dict[str, int]:
    moved = {"relationships": _move_relationships(survivor, duplicate)}
    moved["household_memberships"] = _move_household_memberships(survivor, duplicate)
    moved["households_headed"] = Household.objects.filter(head=duplicate).update(head=survivor)
    moved.update(_move_other_relations(survivor, duplicate))
    return moved


def _move_relationships(survivor: Person, duplicate: Person) -> int:
    """Drop the relationships that would become self-relations or repeat an existing one; move the rest."""
    rels = Relationship.objects.filter(is_active=True)
    Relationship.objects.filter(
        models.Q(child=duplicate, relative=survivor) | models.Q(child=survivor, relative=duplicate)
    ).update(is_active=False)
    count = 0
    for rel in list(rels.filter(child=duplicate)):
        clash = rels.filter(child=survivor, kind=rel.kind)
        if rel.kind not in Relationship.PARENT_KINDS:
            clash = clash.filter(relative_id=rel.relative_id)
        if clash.exists():
            rel.is_active = False
            rel.save(update_fields=["is_active", "updated_at"])
        else:
            rel.child = survivor
            rel.save(update_fields=["child", "updated_at"])
            count += 1
    for rel in list(rels.filter(relative=duplicate)):
        if rels.filter(child_id=rel.child_id, relative=survivor, kind=rel.kind).exists():
            rel.is_active = False
            rel.save(update_fields=["is_active", "updated_at"])
        else:
            rel.relative = survivor
            rel.save(update_fields=["relative", "updated_at"])
            count += 1
    return count


def _move_household_memberships(survivor: Person, duplicate: Person) -> int:
    """The duplicate's memberships move unless the survivor is already in that household."""
    today = timezone.localdate()
    count = 0
    survivor_households = set(
        HouseholdMember.objects.filter(person=survivor, is_active=True).values_list("household_id", flat=True)
    )
    for member in HouseholdMember.objects.filter(person=duplicate, is_active=True):
        if member.household_id in survivor_households:
            member.is_active, member.left_on = False, today
            member.save(update_fields=["is_active", "left_on"])
        else:
            member.person = survivor
            member.save(update_fields=["person"])
            count += 1
    return count


def _move_other_relations(survivor: Person, duplicate: Person) -> dict[str, int]:
    """Everything else that points at a person (identifiers, consents, and later cases, services,
    placements...) moves as it is."""
    moved: dict[str, int] = {}
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many or relation.one_to_one) or not relation.auto_created or relation.concrete:
            continue
        model = relation.related_model
        fk = relation.field
        key = (model._meta.app_label, model._meta.model_name, fk.name)
        if key in _SPECIAL or getattr(model, "instance_type", None) is not None:  # skip history tables
            continue
        n = model._base_manager.filter(**{fk.name: duplicate}).update(**{fk.name: survivor})
        if n:
            moved[f"{model._meta.app_label}.{model._meta.model_name}.{fk.name}"] = n
    return moved
