"""Every write to cases. Keyword-only, typed, validated before anything is written; each action is
one transaction with exactly one audit event and one CaseEvent (timeline row).

Problems raise ``ValidationError`` (translatable messages, keyed by field where a field is at
fault), ``TransitionRefused`` (a ValidationError: the state does not allow it), ``StaleEdit`` (a
ValidationError: someone changed the case since the editor read it) or ``PermissionDenied``; in
every case nothing is written. Callers fetch the objects they pass in through the scope rules
(``cpims.cases.queries``); the actions check the permission again over the locked row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.audit.actions import audit_record
from cpims.cases import workflow
from cpims.cases.models import (
    Case,
    CaseAccess,
    CaseCategory,
    CaseClosure,
    CaseEvent,
    CaseNumberCounter,
    CasePlan,
    CasePlanGoal,
    FollowUp,
    Perpetrator,
    ServiceRecord,
)
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit

# Code fields of Case and the DCS list each must come from.
CODE_FIELDS: dict[str, str] = {
    "reporter_type": "case_reporter_id",
    "risk_level": "risk_level_id",
    "family_status": "family_status_id",
    "household_economics": "household_economics",
}
MULTI_CODE_FIELDS: dict[str, str] = {
    "immediate_needs": "immediate_need_id",
    "long_term_needs": "long_term_support_id",
}
TEXT_FIELDS = (
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
    "event_village",
    "event_place_detail",
    "police_ob_number",
    "notes",
    "recommendations",
)
AREA_FIELDS = ("event_county", "event_sub_county", "event_ward")
EDITABLE_FIELDS = (
    "reported_on",
    *CODE_FIELDS,
    *MULTI_CODE_FIELDS,
    *TEXT_FIELDS,
    *AREA_FIELDS,
    *Case.SENSITIVE_FIELDS,
)
SERVICE_LIST = "intervention_id"


class StaleEdit(ValidationError):
    """The case changed since the editor read it; nothing was written."""


# --- helpers ----------------------------------------------------------------------------------


def _in_list(code: Any, list_name: str) -> bool:
    return isinstance(code, Code) and code.code_list.name == list_name


def _record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    bump: bool = True,
) -> CaseEvent:
    """Bump the case version (if ``bump``) and write one CaseEvent and one audit event."""
    if bump:
        case.version += 1
        case.save()
    event = CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, summary=summary[:255], details=details or {}, version=case.version
    )
    audit_record(
        actor=actor,
        action=f"case.{kind}" if not kind.startswith("case.") else kind,
        obj=case,
        object_label=case.case_number,
        request=request,
        details=details or {},
    )
    return event


def _stale_message(case: Case, expected_version: int) -> str:
    events = list(
        CaseEvent.objects.filter(case=case, version__gt=expected_version)
        .select_related("actor")
        .order_by("at", "id")[:5]
    )
    changes = "; ".join(
        "{} ({}, {})".format(
            e.summary,
            e.actor.get_username() if e.actor else "-",
            date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"),
        )
        for e in events
    )
    return _(
        "Someone else changed this case after you opened it: %(changes)s. Nothing was saved: reload the page, "
        "check their changes and make yours again."
    ) % {"changes": changes or _("unknown change")}


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case row, locked for this transaction; StaleEdit if it moved past ``expected_version``."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(_stale_message(locked, expected_version), code="stale")
    return locked


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not scope.can(actor, perm, obj):
        raise PermissionDenied


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _validate_categories(categories: Sequence[dict[str, Any]], today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(message: str) -> None:
        errors.setdefault("categories", []).append(message)

    if not categories:
        add(_("Choose at least one case category."))
    seen: set[int] = set()
    for item in categories:
        category = item.get("category")
        if not _in_list(category, "case_category_id"):
            add(_("Choose a case category from the DCS list."))
            continue
        if category.pk in seen:
            add(_("The category “%(category)s” is given twice.") % {"category": category.label})
        seen.add(category.pk)
        sub = item.get("sub_category")
        if sub is not None and (
            category.sub_list_id is None or getattr(sub, "code_list_id", None) != category.sub_list_id
        ):
            add(_("“%(sub)s” is not a sub-category of “%(category)s”.") % {"sub": sub, "category": category.label})
        if item.get("nature") is not None and not _in_list(item["nature"], "case_nature_id"):
            add(_("Choose the nature of the case from the DCS list."))
        if item.get("place_of_event") is not None and not _in_list(item["place_of_event"], "event_place_id"):
            add(_("Choose the place of event from the DCS list."))
        when = item.get("date_of_event")
        if when is not None and when > today:
            add(_("The date of an event cannot be in the future."))
        unknown = set(item) - {"category", "sub_category", "date_of_event", "nature", "place_of_event"}
        if unknown:
            add(_("Unknown category details: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    return errors


def _validate_perpetrators(perpetrators: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in perpetrators:
        rel = item.get("relationship")
        if rel is not None and not _in_list(rel, "perpetrator_id"):
            errors.setdefault("perpetrators", []).append(_("Choose the perpetrator's relationship from the DCS list."))
        if item.get("sex", Perpetrator.Sex.UNKNOWN) not in Perpetrator.Sex.values:
            errors.setdefault("perpetrators", []).append(_("Choose the perpetrator's sex."))
        age = item.get("age")
        if age is not None and not (0 <= int(age) <= 120):
            errors.setdefault("perpetrators", []).append(_("Enter an age between 0 and 120."))
        if not (item.get("name") or "").strip() and rel is None:
            errors.setdefault("perpetrators", []).append(_("Give the perpetrator's name or relationship."))
    return errors


def _validate_fields(fields: dict[str, Any], today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected case fields: {', '.join(sorted(unknown))}")
    if "reported_on" in fields:
        if fields["reported_on"] is None:
            errors["reported_on"] = [_("Enter the date the case was reported.")]
        elif fields["reported_on"] > today:
            errors["reported_on"] = [_("The date reported cannot be in the future.")]
    for name, list_name in CODE_FIELDS.items():
        value = fields.get(name)
        if value is not None and not _in_list(value, list_name):
            errors[name] = [_("Choose a value from the DCS list.")]
    for name, list_name in MULTI_CODE_FIELDS.items():
        values = fields.get(name)
        if values is not None and not all(_in_list(v, list_name) for v in values):
            errors[name] = [_("Choose values from the DCS list.")]
    if fields.get("hiv_status") not in (None, "", *Case.HivStatus.values):
        errors["hiv_status"] = [_("Choose an HIV status.")]
    county, sub_county, ward = (fields.get(n) for n in AREA_FIELDS)
    if ward is not None and (not isinstance(ward, Area) or ward.level != Area.Level.WARD):
        errors["event_ward"] = [_("Choose a ward.")]
    if sub_county is not None and (not isinstance(sub_county, Area) or sub_county.level != Area.Level.SUB_COUNTY):
        errors["event_sub_county"] = [_("Choose a sub-county.")]
    if county is not None and (not isinstance(county, Area) or county.level != Area.Level.COUNTY):
        errors["event_county"] = [_("Choose a county.")]
    if not errors:
        if ward is not None and sub_county is not None and ward.sub_county_id != sub_county.pk:
            errors["event_ward"] = [_("This ward is not in the chosen sub-county.")]
        if sub_county is not None and county is not None and sub_county.county_id != county.pk:
            errors["event_sub_county"] = [_("This sub-county is not in the chosen county.")]
    for name in TEXT_FIELDS:
        max_length = Case._meta.get_field(name).max_length
        if max_length and len(fields.get(name) or "") > max_length:
            errors[name] = [_("Use at most %(n)d characters.") % {"n": max_length}]
    return errors


def _apply_fields(case: Case, fields: dict[str, Any]) -> list[str]:
    """Set plain fields on ``case`` (not saved); returns the names that changed. Areas: the county
    and sub-county follow from the ward (or sub-county) when given."""
    fields = dict(fields)
    ward = fields.get("event_ward")
    if ward is not None:
        fields["event_sub_county"], fields["event_county"] = ward.sub_county, ward.county
    elif fields.get("event_sub_county") is not None:
        fields["event_county"] = fields["event_sub_county"].county
    changed = []
    for name, value in fields.items():
        if name in MULTI_CODE_FIELDS:
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "hiv_status" and not value:
            value = Case.HivStatus.UNKNOWN
        attname = f"{name}_id" if name in CODE_FIELDS or name in AREA_FIELDS else name
        new = value.pk if attname.endswith("_id") and value is not None else value
        if getattr(case, attname) != new:
            setattr(case, attname, new)
            changed.append(name)
    return changed


def _set_multi(case: Case, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name in MULTI_CODE_FIELDS:
        if name in fields and fields[name] is not None:
            manager = getattr(case, name)
            new = {c.pk for c in fields[name]}
            if set(manager.values_list("pk", flat=True)) != new:
                manager.set(sorted(new))
                changed.append(name)
    return changed


def _create_categories(case: Case, categories: Iterable[dict[str, Any]]) -> None:
    CaseCategory.objects.bulk_create(
        [
            CaseCategory(
                case=case,
                category=item["category"],
                sub_category=item.get("sub_category"),
                date_of_event=item.get("date_of_event"),
                nature=item.get("nature"),
                place_of_event=item.get("place_of_event"),
            )
            for item in categories
        ]
    )


def _create_perpetrators(case: Case, perpetrators: Iterable[dict[str, Any]]) -> None:
    Perpetrator.objects.bulk_create(
        [
            Perpetrator(
                case=case,
                name=(item.get("name") or "").strip(),
                relationship=item.get("relationship"),
                sex=item.get("sex") or Perpetrator.Sex.UNKNOWN,
                age=item.get("age"),
            )
            for item in perpetrators
        ]
    )


def _next_case_number(office: OrgUnit, year: int) -> tuple[int, str]:
    """Take the next serial for ``office`` in ``year``; the counter row stays locked until the
    creating transaction ends, so concurrent openings queue and each gets its own number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_next_case_number must run inside the creating transaction")
    CaseNumberCounter.objects.get_or_create(office=office, year=year)
    counter = CaseNumberCounter.objects.select_for_update().get(office=office, year=year)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value, f"{office.code}/{year}/{counter.value:05d}"


# --- opening and editing ------------------------------------------------------------------------


def case_open(
    *,
    actor: Any,
    child: Any,
    office: OrgUnit,
    reported_on: dt.date,
    reporter_type: Code | None,
    categories: list[dict[str, Any]],
    request: HttpRequest | None = None,
    perpetrators: Sequence[dict[str, Any]] = (),
    via: str = "web",
    **case_fields: Any,
) -> Case:
    """Open a case for a registered ``child`` at ``office`` (which must lie within the actor's
    case.create grants). ``categories``: dicts with ``category`` (case_category_id Code) and
    optionally ``sub_category``, ``date_of_event``, ``nature``, ``place_of_event``.
    ``perpetrators``: dicts with ``name``, ``relationship`` (perpetrator_id), ``sex``, ``age``.
    Other Sheet A fields as keyword arguments (see EDITABLE_FIELDS)."""
    today = timezone.localdate()
    scope.require_perm(actor, P.CASE_CREATE)
    if not scope.can(actor, P.CHILD_VIEW, child):
        raise PermissionDenied
    fields = {"reported_on": reported_on, "reporter_type": reporter_type, **case_fields}
    if any(fields.get(n) for n in Case.SENSITIVE_FIELDS) and not scope.has_perm(actor, P.CASE_VIEW_SENSITIVE):
        raise PermissionDenied(_("You may not record sensitive case details."))
    errors = _validate_fields(fields, today)
    errors.update(_validate_categories(categories, today))
    errors.update(_validate_perpetrators(perpetrators))
    if getattr(child, "kind", "child") != "child" or not getattr(child, "is_active", True):
        errors.setdefault("child", []).append(_("Cases are opened for registered, active children only."))
    if not office.is_active:
        errors.setdefault("office", []).append(_("This office is not active."))
    _raise(errors)
    scope.grants_for(actor)  # read the actor's grants before anything changes
    with transaction.atomic():
        year = reported_on.year
        serial, number = _next_case_number(office, year)
        case = Case(
            case_number=number,
            year=year,
            serial=serial,
            child=child,
            office=office,
            county_id=office.county_id,
            sub_county_id=office.sub_county_id,
            created_by=actor,
        )
        _apply_fields(case, fields)
        if case.county_id is None:  # an office serving no area: scope by where it happened
            case.county_id, case.sub_county_id = case.event_county_id, case.event_sub_county_id
        case.save()
        _set_multi(case, fields)
        _create_categories(case, categories)
        _create_perpetrators(case, perpetrators)
        if not scope.can(actor, P.CASE_CREATE, case):
            raise PermissionDenied(_("You can only open cases at an office within your area."))
        _record(
            case=case,
            actor=actor,
            kind="open",
            summary=_("Case opened"),
            details={
                "office": str(office.public_id),
                "categories": [c["category"].code for c in categories],
                "via": via,
            },
            request=request,
            bump=False,
        )
    return case


def case_update(
    *,
    actor: Any,
    case: Case,
    expected_version: int | None,
    request: HttpRequest | None = None,
    categories: list[dict[str, Any]] | None = None,
    perpetrators: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Case:
    """Change Sheet A fields of an open case. ``categories``/``perpetrators``, when given, replace
    the existing ones (a category's recorded intervention is kept when the category stays)."""
    today = timezone.localdate()
    errors = _validate_fields(fields, today)
    if categories is not None:
        errors.update(_validate_categories(categories, today))
    if perpetrators is not None:
        errors.update(_validate_perpetrators(perpetrators))
    _raise(errors)
    with transaction.atomic():
        case = _lock(case, expected_version)
        _require(actor, P.CASE_UPDATE, case)
        if case.status == Case.Status.CLOSED:
            raise workflow.TransitionRefused(_("A closed case cannot be edited; reopen it first."), code="state")
        sensitive = [n for n in Case.SENSITIVE_FIELDS if n in fields]
        if sensitive and not scope.can(actor, P.CASE_VIEW_SENSITIVE, case):
            raise PermissionDenied(_("You may not change sensitive case details."))
        changed = _apply_fields(case, fields)
        changed += _set_multi(case, fields)
        if categories is not None:
            old = {c.category_id: c for c in case.categories.all()}
            wanted = [
                (
                    c["category"].pk,
                    getattr(c.get("sub_category"), "pk", None),
                    c.get("date_of_event"),
                    getattr(c.get("nature"), "pk", None),
                    getattr(c.get("place_of_event"), "pk", None),
                )
                for c in categories
            ]
            current = [
                (c.category_id, c.sub_category_id, c.date_of_event, c.nature_id, c.place_of_event_id)
                for c in old.values()
            ]
            if sorted(wanted, key=str) != sorted(current, key=str):
                case.categories.all().delete()
                _create_categories(case, categories)
                for row in case.categories.all():
                    if row.category_id in old and old[row.category_id].intervention_id:
                        row.intervention_id = old[row.category_id].intervention_id
                        row.save(update_fields=["intervention"])
                changed.append("categories")
        if perpetrators is not None:
            current_p = [(p.name, p.relationship_id, p.sex, p.age) for p in case.perpetrators.all()]
            wanted_p = [
                (
                    (p.get("name") or "").strip(),
                    getattr(p.get("relationship"), "pk", None),
                    p.get("sex") or "unknown",
                    p.get("age"),
                )
                for p in perpetrators
            ]
            if current_p != wanted_p:
                case.perpetrators.all().delete()
                _create_perpetrators(case, perpetrators)
                changed.append("perpetrators")
        if not changed:
            return case
        labels = [
            str(Case._meta.get_field(n).verbose_name) if n not in ("categories", "perpetrators") else n for n in changed
        ]
        _record(
            case=case,
            actor=actor,
            kind="update",
            summary=_("Case record changed: %(fields)s") % {"fields": ", ".join(labels)},
            details={"changed": changed},
            request=request,
        )
    return case


def case_event_add(
    *,
    case: Case,
    kind: str,
    actor: Any,
    summary: str,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> CaseEvent:
    """Add a timeline row (and its audit event ``case.<kind>``) for something another app did to
    the case (a referral sent, a court session). Call inside the other app's transaction; it does
    not bump the case version."""
    return _record(case=case, actor=actor, kind=kind, summary=summary, details=details, request=request, bump=False)


# --- access for other units -----------------------------------------------------------------------


def case_access_grant(
    *, actor: Any, case: Case, org_unit: OrgUnit, reason: str, request: HttpRequest | None = None
) -> CaseAccess:
    """Give ``org_unit`` scoped access to ``case`` (referral, transfer). Idempotent per unit and
    reason: an active grant is returned as it is. The caller checks the actor's permission for
    the business step (case.refer, case.transfer); here the actor must at least see the case."""
    if not reason or len(reason) > 40:
        raise ValidationError({"reason": [_("Give the reason for the access.")]})
    with transaction.atomic():
        case = _lock(case, None)
        _require(actor, P.CASE_VIEW, case)
        existing = CaseAccess.objects.filter(
            case=case, org_unit=org_unit, reason=reason, revoked_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        access = CaseAccess.objects.create(case=case, org_unit=org_unit, reason=reason, granted_by=actor)
        _record(
            case=case,
            actor=actor,
            kind="access_grant",
            summary=_("Access given to %(unit)s (%(reason)s)") % {"unit": org_unit.name, "reason": reason},
            details={"org_unit": str(org_unit.public_id), "reason": reason, "access": str(access.public_id)},
            request=request,
            bump=False,
        )
    return access


REFERRAL_ACCESS_REASON = "referral"


def case_access_grant_for_referral(*, actor: Any, referral: Any, request: HttpRequest | None = None) -> CaseAccess:
    """Give the receiving unit of a pending ``referral`` access to its case, on the authority of
    the receiving user who accepts it (``actor``), audited in their name.

    The receiver cannot see the case before accepting, so ``case_access_grant`` (which needs
    case.view) does not fit. The authority here is the referral itself: it must still be awaiting
    an answer, be addressed to a unit where ``actor`` holds ``referral.receive`` there (never
    through an area above it), and be on this case. Idempotent like ``case_access_grant``.
    Call inside the referrals action's transaction (the referral row is locked there)."""
    from django.apps import apps

    # Referrals build on cases, not the reverse: the model is looked up here, not imported.
    referral_model = apps.get_model("referrals", "Referral")
    with transaction.atomic():
        pending = (
            referral_model.objects.select_for_update()
            .select_related("to_unit", "from_user", "case")
            .filter(pk=getattr(referral, "pk", None))
            .first()
        )
        if pending is None:
            raise PermissionDenied
        receiving_units = {g.org_unit_id for g in scope.grants_for(actor).with_perm(P.REFERRAL_RECEIVE)}
        if pending.to_unit_id not in receiving_units:
            raise PermissionDenied(_("Only the receiving unit answers a referral."))
        if pending.status != referral_model.Status.SENT:
            raise ValidationError(_("This referral is no longer awaiting an answer."), code="stale")
        case = _lock(pending.case, None)
        org_unit = pending.to_unit
        existing = CaseAccess.objects.filter(
            case=case, org_unit=org_unit, reason=REFERRAL_ACCESS_REASON, revoked_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        access = CaseAccess.objects.create(
            case=case, org_unit=org_unit, reason=REFERRAL_ACCESS_REASON, granted_by=actor
        )
        _record(
            case=case,
            actor=actor,
            kind="access_grant",
            summary=_("Access given to %(unit)s (%(reason)s)")
            % {"unit": org_unit.name, "reason": REFERRAL_ACCESS_REASON},
            details={
                "org_unit": str(org_unit.public_id),
                "reason": REFERRAL_ACCESS_REASON,
                "access": str(access.public_id),
                "referral": str(pending.public_id),
                # Who chose to share the case (the referrer) beside who took the access (the actor).
                "referred_by": str(pending.from_user.public_id),
            },
            request=request,
            bump=False,
        )
    return access


def case_access_revoke(*, actor: Any, access: CaseAccess, request: HttpRequest | None = None) -> CaseAccess:
    """End an access grant. Revoking an already revoked grant changes nothing."""
    with transaction.atomic():
        access = CaseAccess.objects.select_for_update().select_related("case", "org_unit").get(pk=access.pk)
        if access.revoked_at is not None:
            return access
        _require(actor, P.CASE_VIEW, access.case)
        access.revoked_at = timezone.now()
        access.revoked_by = actor
        access.save(update_fields=["revoked_at", "revoked_by"])
        _record(
            case=access.case,
            actor=actor,
            kind="access_revoke",
            summary=_("Access of %(unit)s ended (%(reason)s)")
            % {"unit": access.org_unit.name, "reason": access.reason},
            details={
                "org_unit": str(access.org_unit.public_id),
                "reason": access.reason,
                "access": str(access.public_id),
            },
            request=request,
            bump=False,
        )
    return access


def case_office_change(*, actor: Any, case: Case, office: OrgUnit, request: HttpRequest | None = None) -> Case:
    """Move the case to another owning office (an accepted transfer); the scope areas follow.
    The number and history stay. The caller checks case.transfer where the business step needs it;
    the actor must hold case.transfer either over the case or at the receiving office."""
    with transaction.atomic():
        case = _lock(case, None)
        receiving = office.pk in {g.org_unit_id for g in scope.grants_for(actor).with_perm(P.CASE_TRANSFER)}
        if not receiving and not scope.can(actor, P.CASE_TRANSFER, case):
            raise PermissionDenied
        if not office.is_active:
            raise ValidationError({"office": [_("This office is not active.")]})
        if office.pk == case.office_id:
            return case
        previous = case.office
        case.office = office
        case.county_id = office.county_id or case.event_county_id
        case.sub_county_id = office.sub_county_id or case.event_sub_county_id
        _record(
            case=case,
            actor=actor,
            kind="office_change",
            summary=_("Case moved from %(old)s to %(new)s") % {"old": previous.name, "new": office.name},
            details={"from": str(previous.public_id), "to": str(office.public_id)},
            request=request,
        )
    return case


# --- the state machine ----------------------------------------------------------------------------


def _transition(
    *,
    actor: Any,
    case: Case,
    name: str,
    expected_version: int | None,
) -> tuple[Case, workflow.Transition]:
    locked = _lock(case, expected_version)
    transition = workflow.check(actor, locked, name)
    return locked, transition


def case_assessment_start(
    *, actor: Any, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    with transaction.atomic():
        case, t = _transition(actor=actor, case=case, name="start_assessment", expected_version=expected_version)
        case.status = t.target
        _record(case=case, actor=actor, kind="start_assessment", summary=_("Assessment started"), request=request)
    return case


def case_assessment_complete(
    *,
    actor: Any,
    case: Case,
    summary: str,
    assessed_on: dt.date | None = None,
    risk_level: Code | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Record the assessment; the case moves on to its case plan (a draft plan is created)."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not (summary or "").strip():
        errors["summary"] = [_("Write what the assessment found.")]
    if assessed_on is not None and assessed_on > today:
        errors["assessed_on"] = [_("The assessment date cannot be in the future.")]
    if risk_level is not None and not _in_list(risk_level, "risk_level_id"):
        errors["risk_level"] = [_("Choose a value from the DCS list.")]
    _raise(errors)
    with transaction.atomic():
        case, t = _transition(actor=actor, case=case, name="complete_assessment", expected_version=expected_version)
        case.status = t.target
        case.assessment_summary = summary.strip()
        case.assessed_on = assessed_on or today
        case.assessed_by = actor
        if risk_level is not None:
            case.risk_level = risk_level
        CasePlan.objects.get_or_create(case=case)
        _record(
            case=case,
            actor=actor,
            kind="complete_assessment",
            summary=_("Assessment recorded"),
            details={"risk_level": risk_level.code if risk_level else None},
            request=request,
        )
    return case


def case_plan_goal_add(
    *,
    actor: Any,
    case: Case,
    domain: Code,
    goal: str,
    responsible: str,
    due_on: dt.date,
    actions: str = "",
    responsible_unit: OrgUnit | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> CasePlanGoal:
    """Add a goal to the case's draft plan (a submitted or approved plan is not changed)."""
    errors: dict[str, list[str]] = {}
    if not _in_list(domain, "domain_id"):
        errors["domain"] = [_("Choose a domain from the DCS list.")]
    if not (goal or "").strip():
        errors["goal"] = [_("Write the goal.")]
    if not (responsible or "").strip():
        errors["responsible"] = [_("Say who is responsible.")]
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    _raise(errors)
    with transaction.atomic():
        case = _lock(case, expected_version)
        _require(actor, P.CASE_UPDATE, case)
        if case.status != Case.Status.PLAN:
            raise workflow.TransitionRefused(
                _("Goals can be added while the case is at its case plan stage."), code="state"
            )
        plan, _created = CasePlan.objects.select_for_update().get_or_create(case=case)
        if plan.status != CasePlan.Status.DRAFT:
            raise workflow.TransitionRefused(
                _("The plan has been submitted; it can be changed only after it is returned."), code="state"
            )
        item = CasePlanGoal.objects.create(
            plan=plan,
            domain=domain,
            goal=goal.strip()[:255],
            actions=actions.strip(),
            responsible=responsible.strip()[:200],
            responsible_unit=responsible_unit,
            due_on=due_on,
        )
        _record(
            case=case,
            actor=actor,
            kind="plan_goal_add",
            summary=_("Plan goal added (%(domain)s)") % {"domain": domain.label},
            details={"domain": domain.code, "due_on": due_on.isoformat()},
            request=request,
        )
    return item


def case_plan_submit(
    *, actor: Any, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    with transaction.atomic():
        case, _t = _transition(actor=actor, case=case, name="submit_plan", expected_version=expected_version)
        plan = CasePlan.objects.select_for_update().filter(case=case).first()
        if plan is None or plan.status != CasePlan.Status.DRAFT:
            raise workflow.TransitionRefused(_("There is no draft plan to submit."), code="state")
        if not plan.goals.exists():
            raise workflow.TransitionRefused(_("Add at least one goal before submitting the plan."), code="empty")
        plan.status = CasePlan.Status.SUBMITTED
        plan.submitted_by = actor
        plan.submitted_at = timezone.now()
        plan.returned_reason = ""
        plan.save()
        _record(
            case=case, actor=actor, kind="submit_plan", summary=_("Case plan submitted for approval"), request=request
        )
    return plan


def case_plan_approve(
    *, actor: Any, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    with transaction.atomic():
        case, t = _transition(actor=actor, case=case, name="approve_plan", expected_version=expected_version)
        plan = CasePlan.objects.select_for_update().filter(case=case).first()
        if plan is None or plan.status != CasePlan.Status.SUBMITTED:
            raise workflow.TransitionRefused(_("The plan has not been submitted for approval."), code="state")
        if plan.submitted_by_id == actor.pk:
            raise workflow.TransitionRefused(
                _("You submitted this plan; another supervisor must approve it."), code="own"
            )
        plan.status = CasePlan.Status.APPROVED
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save()
        case.status = t.target
        _record(case=case, actor=actor, kind="approve_plan", summary=_("Case plan approved"), request=request)
    return plan


def case_plan_return(
    *, actor: Any, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the plan is returned.")]})
    with transaction.atomic():
        case, _t = _transition(actor=actor, case=case, name="return_plan", expected_version=expected_version)
        plan = CasePlan.objects.select_for_update().filter(case=case).first()
        if plan is None or plan.status != CasePlan.Status.SUBMITTED:
            raise workflow.TransitionRefused(_("The plan has not been submitted for approval."), code="state")
        plan.status = CasePlan.Status.DRAFT
        plan.returned_reason = reason.strip()
        plan.save()
        _record(
            case=case, actor=actor, kind="return_plan", summary=_("Case plan returned for changes"), request=request
        )
    return plan


def case_closure_propose(
    *,
    actor: Any,
    case: Case,
    outcome: Code,
    interventions: dict[int, Code],
    notes: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> CaseClosure:
    """Propose closing the case with ``outcome`` and the intervention given for each category
    (``interventions``: CaseCategory pk -> intervention_id Code, one for every category)."""
    errors: dict[str, list[str]] = {}
    if not _in_list(outcome, "closure_outcome_id"):
        errors["outcome"] = [_("Choose the closure outcome from the DCS list.")]
    if not all(_in_list(code, "intervention_id") for code in interventions.values()):
        errors["interventions"] = [_("Choose each intervention from the DCS list.")]
    _raise(errors)
    with transaction.atomic():
        case, _t = _transition(actor=actor, case=case, name="propose_closure", expected_version=expected_version)
        if CaseClosure.objects.filter(case=case, decision=CaseClosure.Decision.PENDING).exists():
            raise workflow.TransitionRefused(_("A closure is already awaiting approval."), code="pending")
        category_ids = set(case.categories.values_list("pk", flat=True))
        if set(interventions) != category_ids:
            raise ValidationError({"interventions": [_("Give the intervention for every category of the case.")]})
        closure = CaseClosure.objects.create(
            case=case,
            outcome=outcome,
            notes=(notes or "").strip(),
            interventions={str(k): v.pk for k, v in interventions.items()},
            proposed_by=actor,
        )
        _record(
            case=case,
            actor=actor,
            kind="propose_closure",
            summary=_("Closure proposed: %(outcome)s") % {"outcome": outcome.label},
            details={"outcome": outcome.code, "interventions": sorted(c.code for c in interventions.values())},
            request=request,
        )
    return closure


def _pending_closure(case: Case) -> CaseClosure:
    closure = CaseClosure.objects.select_for_update().filter(case=case, decision=CaseClosure.Decision.PENDING).first()
    if closure is None:
        raise workflow.TransitionRefused(_("No closure is awaiting approval."), code="state")
    return closure


def case_closure_approve(
    *, actor: Any, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    with transaction.atomic():
        case, t = _transition(actor=actor, case=case, name="approve_closure", expected_version=expected_version)
        closure = _pending_closure(case)
        if closure.proposed_by_id == actor.pk:
            raise workflow.TransitionRefused(
                _("You proposed this closure; another supervisor must approve it."), code="own"
            )
        closure.decision = CaseClosure.Decision.APPROVED
        closure.decided_by = actor
        closure.decided_at = timezone.now()
        closure.save()
        for row in case.categories.all():
            row.intervention_id = closure.interventions.get(str(row.pk))
            row.save(update_fields=["intervention"])
        case.status = t.target
        case.closure_outcome_id = closure.outcome_id
        case.closed_on = timezone.localdate()
        _record(case=case, actor=actor, kind="approve_closure", summary=_("Case closed"), request=request)
    return case


def case_closure_reject(
    *, actor: Any, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> CaseClosure:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the closure is rejected.")]})
    with transaction.atomic():
        case, _t = _transition(actor=actor, case=case, name="reject_closure", expected_version=expected_version)
        closure = _pending_closure(case)
        closure.decision = CaseClosure.Decision.REJECTED
        closure.decided_by = actor
        closure.decided_at = timezone.now()
        closure.decision_reason = reason.strip()
        closure.save()
        _record(case=case, actor=actor, kind="reject_closure", summary=_("Closure not approved"), request=request)
    return closure


def case_reopen(
    *, actor: Any, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    with transaction.atomic():
        case, t = _transition(actor=actor, case=case, name="reopen", expected_version=expected_version)
        case.status = t.target
        case.closed_on = None
        case.closure_outcome = None
        CasePlan.objects.filter(case=case).update(status=CasePlan.Status.DRAFT, approved_by=None, approved_at=None)
        _record(
            case=case,
            actor=actor,
            kind="reopen",
            summary=_("Case reopened: %(reason)s") % {"reason": reason.strip()[:150]},
            request=request,
        )
    return case


# --- follow-ups -----------------------------------------------------------------------------------


def followup_add(
    *,
    actor: Any,
    case: Case,
    due_on: dt.date,
    purpose: str,
    assigned_to: Any = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    errors: dict[str, list[str]] = {}
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Say what the follow-up is for.")]
    _raise(errors)
    with transaction.atomic():
        case = _lock(case, None)
        _require(actor, P.CASE_UPDATE, case)
        if case.status == Case.Status.CLOSED:
            raise workflow.TransitionRefused(_("A closed case cannot get new follow-ups."), code="state")
        item = FollowUp.objects.create(
            case=case, due_on=due_on, purpose=purpose.strip()[:255], assigned_to=assigned_to or actor, created_by=actor
        )
        _record(
            case=case,
            actor=actor,
            kind="followup_add",
            summary=_("Follow-up planned for %(date)s") % {"date": date_format(due_on, "SHORT_DATE_FORMAT")},
            details={"followup": str(item.public_id), "due_on": due_on.isoformat()},
            request=request,
            bump=False,
        )
    return item


def followup_complete(
    *,
    actor: Any,
    followup: FollowUp,
    outcome: str,
    done_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not (outcome or "").strip():
        errors["outcome"] = [_("Write what the follow-up found.")]
    if done_on is not None and done_on > today:
        errors["done_on"] = [_("The date cannot be in the future.")]
    _raise(errors)
    with transaction.atomic():
        case = _lock(followup.case, None)
        _require(actor, P.CASE_UPDATE, case)
        item = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if item.done_on is not None:
            raise workflow.TransitionRefused(_("This follow-up is already done."), code="state")
        item.done_on = done_on or today
        item.outcome = outcome.strip()
        item.save()
        _record(
            case=case,
            actor=actor,
            kind="followup_done",
            summary=_("Follow-up done"),
            details={"followup": str(item.public_id)},
            request=request,
            bump=False,
        )
    return item


# --- services by every actor ----------------------------------------------------------------------


def service_units(actor: Any) -> list[int]:
    """The org units on whose behalf ``actor`` may record services."""
    return sorted({g.org_unit_id for g in scope.grants_for(actor).with_perm(P.SERVICE_RECORD)})


def service_record(
    *,
    actor: Any,
    child: Any,
    service: Code,
    given_on: dt.date,
    provider: OrgUnit,
    case: Case | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
    via: str = "web",
) -> ServiceRecord:
    """Record a service given to ``child`` by ``provider`` (one of the actor's units), with or
    without a case. The actor must see the child (or the case, e.g. through a referral)."""
    today = timezone.localdate()
    scope.require_perm(actor, P.SERVICE_RECORD)
    if case is not None:
        if case.child_id != child.pk:
            raise ValidationError({"case": [_("This case is about another child.")]})
        _require(actor, P.SERVICE_RECORD, case)
    elif not scope.can(actor, P.CHILD_VIEW, child):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not _in_list(service, SERVICE_LIST):
        errors["service"] = [_("Choose the service from the DCS list.")]
    if given_on is None:
        errors["given_on"] = [_("Enter the date the service was given.")]
    elif given_on > today:
        errors["given_on"] = [_("The date cannot be in the future.")]
    if provider is None or provider.pk not in service_units(actor):
        errors["provider"] = [_("Choose a unit you work for.")]
    _raise(errors)
    with transaction.atomic():
        if case is not None:
            case = _lock(case, None)
        record = ServiceRecord.objects.create(
            child=child,
            case=case,
            service=service,
            given_on=given_on,
            provider=provider,
            notes=(notes or "").strip(),
            recorded_by=actor,
            county_id=getattr(child, "county_id", None) or provider.county_id,
            sub_county_id=getattr(child, "sub_county_id", None) or provider.sub_county_id,
        )
        details = {"service": service.code, "provider": str(provider.public_id), "via": via}
        if case is not None:
            _record(
                case=case,
                actor=actor,
                kind="service",
                summary=_("Service recorded: %(service)s by %(unit)s")
                % {"service": service.label, "unit": provider.name},
                details={**details, "service_record": str(record.public_id)},
                request=request,
                bump=False,
            )
        else:
            audit_record(
                actor=actor,
                action="service.record",
                obj=record,
                request=request,
                details={**details, "child": str(child.public_id)},
            )
    return record
