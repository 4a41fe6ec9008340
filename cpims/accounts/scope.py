"""The one place that answers "which records may this user see or change".

Every view, API endpoint, search, export, report drill-down, download and background job asks
this module. The rules:

* A user's *grants* come from their active assignments: a role (a set of permission actions and
  a scope level) held at an org unit.
* Scope levels: ``national`` (everything), ``area`` (records in the county / sub-county the unit
  serves), ``org_unit`` (records of that unit) and ``own`` (records the user created).
* A record outside every grant that carries the *view* permission answers **404** (we do not
  confirm that it exists). In scope but without the needed *write* permission answers **403**.

Scoped models declare where their scope lives with a ``ScopeFields`` class attribute named
``scope_fields``; each entry is an ORM path (or ``None`` when that level does not apply).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area

if TYPE_CHECKING:
    from cpims.accounts.models import User
    from cpims.accounts.types import AnyUser

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_cpims_grants"

# Per-request answers of ``can``: {(user id, model label, pk): {permission: held}}.
# Set only while a safe (GET/HEAD) request runs (``request_memo``, from the middleware), so a
# write never reads an answer computed before it changed the row, and nothing outlives a request.
_MEMO: ContextVar[dict[tuple[Any, str, Any], dict[str, bool]] | None] = ContextVar("cpims_scope_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Remember ``can`` answers until the block ends (one request)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def first_in_request(key: str) -> bool:
    """True the first time ``key`` is asked inside a request's memo, False after; always True
    outside one (a write, a job, a test calling a query directly). For work a read request needs
    done once however many queries ask for it."""
    memo = _MEMO.get()
    if memo is None:
        return True
    done = memo.setdefault((None, "cpims.first_in_request", None), {})
    if key in done:
        return False
    done[key] = True
    return True


@dataclass(frozen=True)
class Grant:
    perms: frozenset[str]
    scope: str
    org_unit_id: int
    county_id: int | None
    sub_county_id: int | None
    area_level: str | None
    user_id: int
    role_code: str = ""


@dataclass
class Grants:
    items: list[Grant] = field(default_factory=list)

    def with_perm(self, perm: str) -> list[Grant]:
        return [g for g in self.items if perm in g.perms]

    @property
    def all_perms(self) -> frozenset[str]:
        out: set[str] = set()
        for g in self.items:
            out |= g.perms
        return frozenset(out)


def grants_for(user: AnyUser) -> Grants:
    """The user's grants, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grants()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from cpims.accounts.models import Assignment

    rows = (
        Assignment.objects.filter(user=user, is_active=True, org_unit__is_active=True)
        .select_related("role", "org_unit__area")
        .only(
            "role__code",
            "role__permissions",
            "role__scope",
            "org_unit_id",
            "org_unit__county_id",
            "org_unit__sub_county_id",
            "org_unit__area__level",
        )
    )
    return remember_grants(user, rows)


def remember_grants(user: User, assignments: Iterable[Any]) -> Grants:
    """Cache on ``user`` the grants of ``assignments``: the user's active assignments at active
    units, with their role and unit (and its area) loaded. ``grants_for`` reads them; the user's
    loader (``cpims.accounts.backends``) reads them with the user, in the same query."""
    grants = Grants(
        [
            Grant(
                perms=frozenset(a.role.permissions),
                scope=a.role.scope,
                org_unit_id=a.org_unit_id,
                county_id=a.org_unit.county_id,
                sub_county_id=a.org_unit.sub_county_id,
                area_level=a.org_unit.area.level if a.org_unit.area_id else None,
                user_id=user.pk,
                role_code=a.role.code,
            )
            for a in assignments
        ]
    )
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget(user: AnyUser) -> None:
    """Drop the cached grants (after assignments change within one request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_perm(user: AnyUser, perm: str) -> bool:
    """True if the user holds ``perm`` anywhere (for menus and list pages)."""
    return bool(grants_for(user).with_perm(perm))


def require_perm(user: AnyUser, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


def _grant_q(grant: Grant, fields: ScopeFields) -> Q | None:
    """The records one grant reaches, or None if the model has no field for that level."""
    if grant.scope == "national":
        return Q()
    if grant.scope == "area":
        if grant.area_level == Area.Level.COUNTY and fields.county:
            return Q(**{fields.county: grant.county_id})
        if grant.area_level in (Area.Level.SUB_COUNTY, Area.Level.WARD) and fields.sub_county:
            return Q(**{fields.sub_county: grant.sub_county_id})
        # A unit without an area (or a model without area fields) falls back to the unit itself.
    if grant.scope in ("area", "org_unit") and fields.org_unit:
        return Q(**{fields.org_unit: grant.org_unit_id})
    if grant.scope == "own" and fields.owner:
        return Q(**{fields.owner: grant.user_id})
    return None


def visible_q(user: AnyUser, model: type[models.Model], perm: str) -> Q | None:
    """A Q selecting the rows of ``model`` that ``user`` may act on with ``perm``; None = nothing."""
    fields: ScopeFields = model.scope_fields  # type: ignore[attr-defined]
    grants = grants_for(user).with_perm(perm)
    combined: Q | None = None
    for grant in grants:
        q = _grant_q(grant, fields)
        if q is None:
            continue
        if not q:  # national: everything
            return Q()
        combined = q if combined is None else combined | q
    if fields.extra is not None:
        extra = fields.extra(user, grants_for(user), perm)  # noqa: S610 - our callable, not QuerySet.extra
        if extra is not None:
            combined = extra if combined is None else combined | extra
    return combined


def restrict(user: AnyUser, queryset: QuerySet[M], perm: str) -> QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may act on with ``perm``."""
    q = visible_q(user, queryset.model, perm)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    fields: ScopeFields = queryset.model.scope_fields  # type: ignore[attr-defined]
    if fields.multi:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


def can(user: AnyUser, perm: str, obj: models.Model) -> bool:
    """True if ``obj`` lies within a grant of ``user`` that carries ``perm``.

    Inside ``request_memo`` each answer is remembered for the rest of the request, so a page and
    the panels other apps add to it ask the database once per row and permission; ``prime`` asks
    for several permissions in one query."""
    memo = _memo_for(user, obj)
    if memo is None:
        return _can_query(user, perm, obj)
    if perm not in memo:
        memo[perm] = _can_query(user, perm, obj)
    return memo[perm]


def prime(user: AnyUser, obj: models.Model, perms: Iterable[str]) -> dict[str, bool]:
    """Answer ``can(user, perm, obj)`` for each of ``perms`` in one query (remembered inside
    ``request_memo``): a page that will ask about several permissions over one row asks here first."""
    memo = _memo_for(user, obj)
    wanted = sorted(set(perms))
    missing = [p for p in wanted if memo is None or p not in memo]
    answers = perms_over(user, obj, missing) if missing else {}
    if memo is not None:
        memo.update(answers)
        return {p: memo[p] for p in wanted}
    return answers


def _memo_for(user: AnyUser, obj: models.Model) -> dict[str, bool] | None:
    return _memo_at(user, obj._meta.label, obj.pk)


def _memo_at(user: AnyUser, label: str, pk: Any) -> dict[str, bool] | None:
    memo = _MEMO.get()
    if memo is None or pk is None:
        return None
    return memo.setdefault((getattr(user, "pk", None), label, pk), {})


def _can_query(user: AnyUser, perm: str, obj: models.Model) -> bool:
    return restrict(user, type(obj)._default_manager.filter(pk=obj.pk), perm).exists()


def _perm_columns(
    user: AnyUser, model: type[models.Model], perms: Iterable[str], prefix: str
) -> tuple[dict[str, bool | None], dict[str, tuple[str, Q]]]:
    """For each of ``perms`` over rows of ``model``: either its answer for every row (False: no
    grant reaches any; None: every row), or a boolean column ``{name: (perm, condition)}``."""
    fields: ScopeFields = model.scope_fields  # type: ignore[attr-defined]
    fixed: dict[str, bool | None] = {}
    columns: dict[str, tuple[str, Q]] = {}
    for i, perm in enumerate(sorted(set(perms))):
        q = visible_q(user, model, perm)
        if q is None:
            fixed[perm] = False
        elif not q:
            fixed[perm] = None
        else:
            if fields.multi:
                q = Q(pk__in=model._default_manager.filter(q).values("pk"))
            columns[f"{prefix}{i}"] = (perm, q)
    return fixed, columns


def perms_over(user: AnyUser, obj: models.Model, perms: Iterable[str]) -> dict[str, bool]:
    """For each of ``perms``, whether ``obj`` lies within a grant of ``user`` carrying it: one
    query, one boolean column per permission whose scope is neither nothing nor everything."""
    model = type(obj)
    base = model._default_manager.filter(pk=obj.pk)
    fixed, columns = _perm_columns(user, model, perms, "p")
    row = (
        base.annotate(**{name: ExpressionWrapper(q, output_field=BooleanField()) for name, (_, q) in columns.items()})
        .values("pk", *columns)
        .first()
    )
    answers = {perm: row is not None if held is None else held for perm, held in fixed.items()}
    for name, (perm, _) in columns.items():
        answers[perm] = bool(row and row[name])
    return answers


def get_for(
    user: AnyUser,
    queryset: QuerySet[M],
    *,
    view: str,
    write: str | Iterable[str] | None = None,
    prime: Iterable[str] = (),
    prime_related: Mapping[str, Iterable[str]] | None = None,
    **lookup: Any,
) -> M:
    """Fetch one record through the scope rules.

    404 if it does not exist or lies outside every grant with ``view``; 403 if it is visible but
    the user lacks ``write`` (one permission, or all of several) over it.

    ``prime`` names the permissions a page will ask ``can`` about over the record, and
    ``prime_related`` those over records it points to (``{"office": [perm]}``, a foreign key of
    the record): remembered for the request (``request_memo``). Those over the record are decided
    from its own fields where they can be, the rest in one more query; those over related records
    by the record's query (one boolean column each). The record itself answers ``view``.
    """
    annotations: dict[str, Any] = {}
    related: list[tuple[str, type[models.Model], dict[str, bool | None], dict[str, str]]] = []
    for n, (path, perms) in enumerate(sorted((prime_related or {}).items())):
        fk = queryset.model._meta.get_field(path)
        if not isinstance(fk, models.ForeignKey) or not isinstance(fk.related_model, type):
            raise ValueError(f"prime_related: {path} is not a foreign key of {queryset.model._meta.label}")
        target = fk.related_model
        rel_fixed, rel_conditions = _perm_columns(user, target, perms, f"cpims_can_{n}_")
        for name, (_, q) in rel_conditions.items():
            annotations[name] = Exists(target._default_manager.filter(q, pk=OuterRef(fk.attname)))
        related.append((fk.attname, target, rel_fixed, {name: perm for name, (perm, _) in rel_conditions.items()}))
    if annotations:
        queryset = queryset.annotate(**annotations)
    try:
        obj = restrict(user, queryset, view).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    # The primed permissions are answered from the row just read where its own fields decide
    # (its area, unit or owner within a grant: no query, and nothing to compile); only those an
    # extra rule might grant (a case shared by referral, say) go to the database, in one query.
    answers: dict[str, bool] = {}
    undecided = []
    for perm in sorted(set(prime) - {view}):
        local = answer_from_row(user, obj, perm)
        if local is None:
            undecided.append(perm)
        else:
            answers[perm] = local
    if undecided:
        answers.update(perms_over(user, obj, undecided))
    answers[view] = True
    _remember(user, obj._meta.label, obj.pk, answers)
    for attname, target, rel_fixed, rel_columns in related:
        pk = getattr(obj, attname)
        if pk is not None:
            rel_answers = {perm: True if held is None else held for perm, held in rel_fixed.items()}
            rel_answers.update({perm: bool(getattr(obj, name)) for name, perm in rel_columns.items()})
            _remember(user, target._meta.label, pk, rel_answers)
    if write is not None:
        needed = [write] if isinstance(write, str) else list(write)
        for perm in needed:
            if not (answers[perm] if perm in answers else can(user, perm, obj)):
                raise PermissionDenied
    return obj


def answer_from_row(user: AnyUser, obj: models.Model, perm: str) -> bool | None:
    """Whether a grant of ``user`` carrying ``perm`` reaches ``obj``, decided from the row's own
    fields as read (True: one reaches it; False: none does and no extra rule could), or None when
    only the database can say (a grant's path crosses a relation, or the model's extra rule, such
    as a case shared with the user's unit, might grant it)."""
    fields: ScopeFields = type(obj).scope_fields  # type: ignore[attr-defined]
    grants = grants_for(user)
    decidable = True
    for grant in grants.with_perm(perm):
        q = _grant_q(grant, fields)
        if q is None:
            continue
        if not q:
            return True  # national
        ((path, value),) = q.children  # type: ignore[misc]
        try:
            field = type(obj)._meta.get_field(path)
        except FieldDoesNotExist:  # a path through a relation: not a field of this row
            field = None
        if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
            decidable = False
            continue
        if getattr(obj, field.attname) == value:
            return True
    if not decidable:
        return None
    if fields.extra is not None and fields.extra(user, grants, perm) is not None:  # noqa: S610 - our callable
        return None
    return False


def _remember(user: AnyUser, label: str, pk: Any, answers: dict[str, bool]) -> None:
    memo = _memo_at(user, label, pk)
    if memo is not None:
        memo.update(answers)
