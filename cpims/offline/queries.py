"""Reads for offline field work: devices, the records a user works on in the field, the sync-down
payload and the sync log. Everything starts from the scope rules (cpims.accounts.scope)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case, CaseAccess, CaseCategory, FollowUp
from cpims.core.models import Code, CodeList
from cpims.geo.models import Area, OrgUnit
from cpims.offline.models import Device, SyncLog
from cpims.registry import queries as registry_queries
from cpims.registry.models import Person, Relationship

DEFAULT_MAX_CASES = 200
CURSOR_SALT = "cpims.offline.cursor"
# Records changed this long before the previous sync are sent again: a write that committed just
# after that sync read the database is not missed (the client upserts, so repeats are harmless).
CURSOR_OVERLAP = dt.timedelta(minutes=2)

# The code lists the field forms use, sent in English and Kiswahili.
CODE_LISTS = (
    "case_category_id",
    "case_nature_id",
    "case_reporter_id",
    "intervention_id",
    "identifier_type_id",
    "class_level_id",
    "disability_type_id",
    "risk_level_id",
)


def max_cases() -> int:
    return int(getattr(settings, "CPIMS_OFFLINE_MAX_CASES", DEFAULT_MAX_CASES))


def may_work_offline(user: User) -> bool:
    """Offline work is for people who work on cases: a role with case.view somewhere."""
    return scope.has_perm(user, P.CASE_VIEW)


# --- devices --------------------------------------------------------------------------------------


def devices_for(user: User) -> QuerySet[Device]:
    """The user's own devices, newest first."""
    return Device.objects.filter(owner=user).order_by("-created_at", "-id")


def device_for(user: User, public_id: Any, *, manage: bool = False) -> Device:
    """One device: the owner's own, or (with ``manage``) one of a user the actor manages
    (user.manage over its owner). 404 otherwise."""
    try:
        device = Device.objects.select_related("owner").get(public_id=public_id)
    except (Device.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if device.owner_id == user.pk:
        return device
    if manage and scope.can(user, P.USER_MANAGE, device.owner):
        return device
    raise Http404


def sync_logs_for(user: User, *, limit: int = 100) -> QuerySet[SyncLog]:
    """The latest sync log rows of the user's own devices."""
    return SyncLog.objects.filter(device__owner=user).select_related("device").order_by("-at", "-id")[:limit]


# --- what a user works on in the field ------------------------------------------------------------


def user_unit_ids(user: User, perm: str = P.CASE_VIEW) -> list[int]:
    return sorted({g.org_unit_id for g in scope.grants_for(user).with_perm(perm)})


def field_cases(user: User) -> QuerySet[Case]:
    """The open cases the user works on: in their scope (case.view) and assigned to them (they
    opened it, or an open follow-up is theirs) or granted to their unit (a referral or transfer;
    an emergency access is for reading at the office, not for carrying around)."""
    units = user_unit_ids(user)
    mine = Q(created_by=user) | Q(
        pk__in=FollowUp.objects.filter(assigned_to=user, done_on__isnull=True, ended_on__isnull=True).values("case_id")
    )
    if units:
        granted = (
            CaseAccess.objects.active()
            .filter(org_unit__in=units, user__isnull=True)
            .exclude(basis=CaseAccess.Basis.EMERGENCY)
            .values("case_id")
        )
        mine |= Q(pk__in=granted)
    return scope.restrict(user, Case.objects.exclude(status=Case.Status.CLOSED), P.CASE_VIEW).filter(mine)


# --- versions -------------------------------------------------------------------------------------


def person_version(person: Person) -> int:
    """A person has no version counter: the milliseconds of its last change stand for one."""
    return int(person.updated_at.timestamp() * 1000)


# --- the cursor -----------------------------------------------------------------------------------


@dataclass
class Cursor:
    at: dt.datetime | None = None
    cases: set[int] = field(default_factory=set)
    persons: set[int] = field(default_factory=set)
    codes: str = ""

    @property
    def empty(self) -> bool:
        return self.at is None


def cursor_dump(*, device: Device, at: dt.datetime, cases: Iterable[int], persons: Iterable[int], codes: str) -> str:
    """Signed and compressed: the time of this sync and the ids sent (so removals can be told)."""
    body = {
        "d": device.pk,
        "t": at.isoformat(),
        "c": sorted(cases),
        "p": sorted(persons),
        "k": codes,
    }
    return signing.dumps(body, salt=CURSOR_SALT, compress=True)


def cursor_load(raw: str, device: Device) -> Cursor:
    """The cursor a client sent; an empty, tampered, foreign or unreadable one means a full sync."""
    if not raw:
        return Cursor()
    try:
        body = signing.loads(raw, salt=CURSOR_SALT)
        if body.get("d") != device.pk:
            return Cursor()
        return Cursor(
            at=dt.datetime.fromisoformat(body["t"]),
            cases={int(i) for i in body["c"]},
            persons={int(i) for i in body["p"]},
            codes=str(body.get("k", "")),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return Cursor()


# --- the payload ----------------------------------------------------------------------------------


def codes_version() -> str:
    """Changes when a code list the forms use changes (its version, or its codes)."""
    rows = (
        CodeList.objects.filter(name__in=CODE_LISTS)
        .annotate(n=Max("codes__id"))
        .order_by("name")
        .values_list("name", "version", "n")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def code_lists() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {name: [] for name in CODE_LISTS}
    rows = (
        Code.objects.filter(code_list__name__in=CODE_LISTS, is_active=True)
        .order_by("code_list__name", "order", "label")
        .values_list("code_list__name", "code", "label", "label_sw")
    )
    for list_name, code, label, label_sw in rows:
        out[list_name].append({"code": code, "label": label, "label_sw": label_sw or label})
    return out


def wards_for(user: User) -> list[dict[str, str]]:
    """The wards of the counties of the user's units: the choices of a child's ward offline."""
    counties = OrgUnit.objects.filter(pk__in=user_unit_ids(user)).values("county_id")
    rows = Area.objects.filter(level=Area.Level.WARD, county_id__in=counties).order_by("name", "code")
    return [{"code": a.code, "label": a.name, "label_sw": a.name} for a in rows.only("code", "name")]


def _case_data(case: Case) -> dict[str, Any]:
    changed = max(case.updated_at, getattr(case, "followups_changed", None) or case.updated_at)
    return {
        "id": str(case.public_id),
        "case_number": case.case_number,
        "status": case.status,
        "version": case.version,
        "child": str(case.child.public_id),
        "categories": [c.category.code for c in case.categories.all()],
        "summary": {
            "reported_on": case.reported_on.isoformat(),
            "office": case.office.name,
            "risk_level": case.risk_level.code if case.risk_level_id and case.risk_level else None,
            "notes": case.notes,
            "followups": [
                {"id": str(f.public_id), "due_on": f.due_on.isoformat(), "purpose": f.purpose}
                for f in case.open_followups  # type: ignore[attr-defined]
            ],
        },
        "updated_at": changed.isoformat(),
    }


def _person_data(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.public_id),
        "first_name": person.first_name,
        "other_names": " ".join(n for n in (person.middle_name, person.other_names) if n),
        "surname": person.last_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "cpims_number": person.cpims_number,
        "version": person_version(person),
        "caregivers": [
            {
                "id": str(r.relative.public_id) if r.relative else None,
                "relationship": r.kind,
                "first_name": r.relative.first_name if r.relative else "",
                "surname": r.relative.last_name if r.relative else "",
                "parent_status": r.parent_status,
                "lives_with_child": r.lives_with_child,
            }
            for r in person.offline_carers  # type: ignore[attr-defined]
        ],
    }


def case_record(case: Case) -> dict[str, Any]:
    """One case as sync down sends it (the "server" side of a conflict)."""
    case = _cases_qs(Case.objects.filter(pk=case.pk)).get()
    return _case_data(case)


def _cases_qs(qs: QuerySet[Case]) -> QuerySet[Case]:
    open_followups = FollowUp.objects.filter(done_on__isnull=True, ended_on__isnull=True).order_by("due_on", "id")
    return (
        qs.select_related("child", "office", "risk_level")
        .annotate(followups_changed=Max("followups__updated_at"))
        .prefetch_related(
            Prefetch("categories", queryset=CaseCategory.objects.select_related("category").order_by("id")),
            Prefetch("followups", queryset=open_followups, to_attr="open_followups"),
        )
    )


def _carers_prefetch() -> Prefetch:
    carers = (
        Relationship.objects.filter(is_active=True)
        .exclude(kind=Relationship.Kind.SIBLING)
        .select_related("relative")
        .order_by("id")
    )
    return Prefetch("relationships", queryset=carers, to_attr="offline_carers")


@dataclass
class SyncDown:
    body: dict[str, Any]
    full: bool
    cases: int = 0
    persons: int = 0
    removed: int = 0


def sync_down(user: User, device: Device, raw_cursor: str, *, now: dt.datetime | None = None) -> SyncDown:
    """The sync-down answer for ``device`` (not yet logged or audited: see actions.sync_logged).

    A full sync (no usable cursor) sends every field case and child; a later one sends what changed
    since the cursor's time (with an overlap) or is new to the device, and lists in ``removed`` what
    the device holds that the user may no longer carry. Constant queries, whatever the numbers."""
    now = now or timezone.now()
    limit = max_cases()
    if device.is_revoked:
        return SyncDown(body={"wipe": True}, full=True)
    cursor = cursor_load(raw_cursor, device)
    full = cursor.empty
    ids = list(field_cases(user).order_by("-updated_at", "-id").values_list("pk", flat=True)[:limit])
    cases = list(_cases_qs(Case.objects.filter(pk__in=ids)).order_by("-updated_at", "-id"))
    case_ids = {c.pk for c in cases}
    child_ids = {c.child_id for c in cases}
    since = (cursor.at - CURSOR_OVERLAP) if cursor.at else None

    def fresh(pk: int, changed: dt.datetime, held: set[int]) -> bool:
        return full or pk not in held or since is None or changed >= since

    send_cases = [
        c
        for c in cases
        if fresh(c.pk, max(c.updated_at, getattr(c, "followups_changed", None) or c.updated_at), cursor.cases)
    ]
    children = {c.child_id: c.child for c in cases}
    send_child_ids = [pk for pk, p in children.items() if fresh(pk, p.updated_at, cursor.persons)]
    persons = (
        list(Person.objects.filter(pk__in=send_child_ids).prefetch_related(_carers_prefetch()).order_by("id"))
        if send_child_ids
        else []
    )
    removed_cases: list[str] = []
    removed_persons: list[str] = []
    if not full:
        gone_cases = cursor.cases - case_ids
        gone_persons = cursor.persons - child_ids
        if gone_cases:
            removed_cases = [str(u) for u in Case.objects.filter(pk__in=gone_cases).values_list("public_id", flat=True)]
        if gone_persons:
            removed_persons = [
                str(u) for u in Person.objects.filter(pk__in=gone_persons).values_list("public_id", flat=True)
            ]
    wards = wards_for(user)
    codes = hashlib.sha256((codes_version() + repr(wards)).encode()).hexdigest()[:16]
    body: dict[str, Any] = {
        "wipe": False,
        "cursor": cursor_dump(device=device, at=now, cases=case_ids, persons=child_ids, codes=codes),
        "full": full,
        "limits": {"max_cases": limit},
        "cases": [_case_data(c) for c in send_cases],
        "persons": [_person_data(p) for p in persons],
        "removed": {"cases": removed_cases, "persons": removed_persons},
        "org_units": [
            {"id": str(u.public_id), "name": u.name}
            for u in OrgUnit.objects.filter(pk__in=user_unit_ids(user)).order_by("name")
        ],
    }
    if full or cursor.codes != codes:
        body["code_lists"] = code_lists() | {"ward": wards}
    return SyncDown(
        body=body,
        full=full,
        cases=len(send_cases),
        persons=len(persons),
        removed=len(removed_cases) + len(removed_persons),
    )


# --- lookups for sync up --------------------------------------------------------------------------


def parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def case_in_scope(user: User, public_id: Any) -> Case | None:
    """A case the user may see, else None (unknown and out of scope look the same)."""
    pid = parse_uuid(public_id)
    if pid is None:
        return None
    return (
        scope.restrict(user, Case.objects.select_related("child", "office"), P.CASE_VIEW).filter(public_id=pid).first()
    )


def person_in_scope(user: User, public_id: Any) -> Person | None:
    pid = parse_uuid(public_id)
    if pid is None:
        return None
    return registry_queries.people_visible_to(user).filter(public_id=pid).first()


def followup_of(case: Case, public_id: Any) -> FollowUp | None:
    pid = parse_uuid(public_id)
    if pid is None:
        return None
    return FollowUp.objects.filter(case=case, public_id=pid).select_related("case").first()


def person_record(person: Person) -> dict[str, Any]:
    person = Person.objects.prefetch_related(_carers_prefetch()).get(pk=person.pk)
    return _person_data(person)
