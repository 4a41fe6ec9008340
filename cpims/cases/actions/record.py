"""Opening and editing the case record (Sheet A): its fields, categories, perpetrators and number,
and the timeline rows other apps add."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases import workflow
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.messages import texts_param
from cpims.cases.models import Case, CaseCategory, CaseEvent, CaseNumberCounter, Perpetrator
from cpims.core.history import current_actor
from cpims.core.models import Code
from cpims.core.validation import Errors, in_list, raise_errors
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


def _validate_categories(categories: Sequence[dict[str, Any]], today: dt.date) -> Errors:
    errors: Errors = {}

    def add(message: str) -> None:
        errors.setdefault("categories", []).append(message)

    if not categories:
        add(_("Choose at least one case category."))
    seen: set[int] = set()
    for item in categories:
        category = item.get("category")
        if not in_list(category, "case_category_id"):
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
        if item.get("nature") is not None and not in_list(item["nature"], "case_nature_id"):
            add(_("Choose the nature of the case from the DCS list."))
        if item.get("place_of_event") is not None and not in_list(item["place_of_event"], "event_place_id"):
            add(_("Choose the place of event from the DCS list."))
        when = item.get("date_of_event")
        if when is not None and when > today:
            add(_("The date of an event cannot be in the future."))
        unknown = set(item) - {"category", "sub_category", "date_of_event", "nature", "place_of_event"}
        if unknown:
            add(_("Unknown category details: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    return errors


def _validate_perpetrators(perpetrators: Sequence[dict[str, Any]]) -> Errors:
    errors: Errors = {}
    for item in perpetrators:
        rel = item.get("relationship")
        if rel is not None and not in_list(rel, "perpetrator_id"):
            errors.setdefault("perpetrators", []).append(_("Choose the perpetrator's relationship from the DCS list."))
        if item.get("sex", Perpetrator.Sex.UNKNOWN) not in Perpetrator.Sex.values:
            errors.setdefault("perpetrators", []).append(_("Choose the perpetrator's sex."))
        age = item.get("age")
        if age is not None and not (0 <= int(age) <= 120):
            errors.setdefault("perpetrators", []).append(_("Enter an age between 0 and 120."))
        if not (item.get("name") or "").strip() and rel is None:
            errors.setdefault("perpetrators", []).append(_("Give the perpetrator's name or relationship."))
    return errors


def _validate_fields(fields: dict[str, Any], today: dt.date) -> Errors:
    errors: Errors = {}
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
        if value is not None and not in_list(value, list_name):
            errors[name] = [_("Choose a value from the DCS list.")]
    for name, list_name in MULTI_CODE_FIELDS.items():
        values = fields.get(name)
        if values is not None and not all(in_list(v, list_name) for v in values):
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
    # With their change history rows, naming the acting user (cpims.core.history).
    bulk_create_with_history(
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
        ],
        CaseCategory,
        default_user=current_actor(),
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


def case_open(
    *,
    actor: User,
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
    raise_errors(errors)
    scope.grants_for(actor)  # read the actor's grants before anything changes
    with transaction.atomic():
        year = reported_on.year
        serial, number = _next_case_number(office, year)
        case = Case(
            case_number=number,
            year=year,
            serial=serial,
            numbered_by=office,
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
            message="case.opened",
            details={
                "office": str(office.public_id),
                "categories": [c["category"].code for c in categories],
                "via": via,
            },
            request=request,
            bump=False,
        )
    return case


def _replace_categories(case: Case, categories: Sequence[dict[str, Any]]) -> bool:
    """Replace the case's categories when they differ (a category keeps its recorded intervention
    when it stays); whether they changed."""
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
        (c.category_id, c.sub_category_id, c.date_of_event, c.nature_id, c.place_of_event_id) for c in old.values()
    ]
    if sorted(wanted, key=str) == sorted(current, key=str):
        return False
    case.categories.all().delete()
    _create_categories(case, categories)
    for row in case.categories.all():
        if row.category_id in old and old[row.category_id].intervention_id:
            row.intervention_id = old[row.category_id].intervention_id
            row.save(update_fields=["intervention"])
    return True


def _replace_perpetrators(case: Case, perpetrators: Sequence[dict[str, Any]]) -> bool:
    """Replace the case's perpetrators when they differ; whether they changed."""
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
    if current_p == wanted_p:
        return False
    case.perpetrators.all().delete()
    _create_perpetrators(case, perpetrators)
    return True


def case_update(
    *,
    actor: User,
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
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case = _lock(case, expected_version)
        _require(actor, P.CASE_UPDATE, case)
        if case.status == Case.Status.CLOSED:
            raise workflow.TransitionRefused(_("A closed case cannot be edited; reopen it first."), code="state")
        sensitive = [n for n in Case.SENSITIVE_FIELDS if n in fields]
        if sensitive and not scope.can(actor, P.CASE_VIEW_SENSITIVE, case):
            raise PermissionDenied(_("You may not change sensitive case details."))
        changed = _apply_fields(case, fields)
        changed += _set_multi(case, fields)
        details: dict[str, Any] = {}
        if categories is not None:
            before = [c.category.code for c in case.categories.select_related("category").order_by("id")]
            if _replace_categories(case, categories):
                changed.append("categories")
                # The category codes before and after: the audit shows a category added or removed.
                details["categories"] = {"before": before, "after": [c["category"].code for c in categories]}
        if perpetrators is not None and _replace_perpetrators(case, perpetrators):
            changed.append("perpetrators")
        if not changed:
            return case
        labels = [
            Case._meta.get_field(n).verbose_name if n not in ("categories", "perpetrators") else n for n in changed
        ]
        _record(
            case=case,
            actor=actor,
            kind="update",
            message="case.updated",
            params={"fields": texts_param(labels)},
            details={"changed": changed, **details},
            request=request,
        )
    return case


def case_event_add(
    *,
    case: Case,
    kind: str,
    actor: User,
    message: str = "",
    params: dict[str, Any] | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> CaseEvent:
    """Add a timeline row (and its audit event ``case.<kind>``) for something another app did to
    the case (a referral sent, a court session). Call inside the other app's transaction; it does
    not bump the case version. Pass ``message`` (registered with cpims.cases.messages) and
    ``params`` so the row is read in the reader's language."""
    return _record(
        case=case,
        actor=actor,
        kind=kind,
        message=message,
        params=params,
        summary=summary,
        details=details,
        request=request,
        bump=False,
    )
