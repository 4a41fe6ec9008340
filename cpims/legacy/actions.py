"""The import from the existing CPIMS (every write of this app).

The bulk path. The per-record actions of the registry and cases check an acting officer's scope,
refuse historical data (dates, states a case can only reach step by step) and write one audit
event per record; a national import of a million children through them would take days. So the
import writes rows with bulk inserts, in the same shape the actions write them, and keeps the
facts right the way the actions do:

- CPIMS numbers come from the registry's counter, case numbers from the cases' counter (locked,
  so registrations made meanwhile get their own numbers);
- the search tokens of every imported person are indexed (``index_names``), so search and the
  duplicate check find them;
- the children a run brings in go through the registry's duplicate check, once for all of them
  after the persons (``duplicate_pairs``, the bulk form of ``duplicate_candidates``); a likely
  duplicate is linked for review (``LegacyDuplicate``), never merged here;
- every changed case is queued for the caseload facts (``queue_case``);
- one audit event per batch (``legacy.batch``: table, counts, first and last legacy key), written
  in the batch's transaction, and one per run (``legacy.run``).

Each batch is one durable transaction that also records how far the run got, so an interrupted
run leaves whole batches behind and the next run continues after the last one. Every legacy row
maps to our record through ``LegacyMap``: a re-run updates a changed row and leaves an unchanged
one alone. A row that cannot be brought in is recorded in ``LegacyReject`` with its table, id and
reason, and counted; nothing is dropped silently.

With ``workers`` above one (PostgreSQL only), the large tables are cut into that many ranges of
their legacy key and each range runs in its own process, one table after another (a table's rows
need the tables before it). Each part records how far it got under ``"<table>#<part>"`` in the
run's progress, and adds its counts to the run's under a row lock in its batch's transaction, so
a crash resumes every part where it stopped and the totals are those of one process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role, User
from cpims.audit.actions import audit_record
from cpims.care.models import INSTITUTIONAL_CARE, Placement, StatusChange
from cpims.care.models import FollowUp as CareFollowUp
from cpims.cases.models import Case, CaseCategory, CaseClosure, CaseNumberCounter, Perpetrator, ServiceRecord
from cpims.core.models import Code
from cpims.court.models import OUTCOME_LIST, PLEA_LIST, SESSION_TYPE_LIST, CourtSession, Summons
from cpims.geo.models import Area, OrgUnit
from cpims.legacy.models import ImportRun, LegacyDuplicate, LegacyMap, LegacyReject
from cpims.legacy.reader import LegacyReader, safe_url
from cpims.referrals.models import Referral, Transfer
from cpims.registry.actions._shared import index_names
from cpims.registry.actions.inputs import normalise_identifier
from cpims.registry.models import Household, HouseholdMember, Identifier, Person, Relationship
from cpims.registry.numbers import format_number
from cpims.registry.queries import duplicate_pairs
from cpims.reporting.facts import queue_case
from cpims.reporting.models import FactQueue

log = logging.getLogger(__name__)

SERVICE_USERNAME = "legacy_import"
BATCH = 500
COUNT_KEYS = ("read", "imported", "updated", "unchanged", "skipped", "rejected", "duplicates")

# Legacy list_geo area types and our levels.
AREA_LEVELS = {"GPRV": Area.Level.COUNTY, "GDIS": Area.Level.SUB_COUNTY, "GWRD": Area.Level.WARD}
SEX = {"SMAL": Person.Sex.MALE, "SFEM": Person.Sex.FEMALE, "SINT": Person.Sex.INTERSEX}
PERP_SEX = {"SMAL": Perpetrator.Sex.MALE, "SFEM": Perpetrator.Sex.FEMALE}
CHILD_TYPES = {"TBVC", "TOVC"}
CAREGIVER_TYPES = {"TBGR", "TWCG"}
RELATIONSHIPS = {
    "CGPM": Relationship.Kind.MOTHER,
    "CGPF": Relationship.Kind.FATHER,
    "CGAM": Relationship.Kind.MOTHER,
    "CGAF": Relationship.Kind.FATHER,
    "CGGU": Relationship.Kind.GUARDIAN,
    "CGFM": Relationship.Kind.FOSTER_PARENT,
    "CGFF": Relationship.Kind.FOSTER_PARENT,
    "CGOR": Relationship.Kind.CAREGIVER,
}
# Legacy tables this version reads and counts but does not bring in yet: every row is reported.
NOT_YET = {
    "ovc_case_event_court": "court_session_id",
}


class Interrupted(Exception):
    """Raised by a test hook to simulate a crash between batches."""


class _DryRunRollback(Exception):
    pass


@dataclass
class Options:
    url: str
    dry_run: bool = False
    since: dt.date | None = None
    county_code: str = ""
    batch_size: int = BATCH
    user_role: str = R.SUBCOUNTY_OFFICER
    check_duplicates: bool = True
    workers: int = 1


@dataclass
class Context:
    run: ImportRun
    reader: LegacyReader
    options: Options
    actor: User | None
    service_user: User
    codes: dict[tuple[str, str], int] = field(default_factory=dict)
    sub_lists: dict[int, int] = field(default_factory=dict)  # category code pk -> its sub-list id
    sub_codes: dict[tuple[int, str], int] = field(default_factory=dict)
    county_id: int | None = None
    skipped_people: set[str] = field(default_factory=set)  # legacy persons outside ``--county``
    rejects: list[tuple[str, str, str]] = field(default_factory=list)
    progress_cb: Callable[[str, int, int | None, float], None] | None = None
    fail_after_batches: int | None = None  # test hook
    batches_done: int = 0
    part: int | None = None  # the range of a table this process imports (``workers`` > 1)

    def code(self, list_name: str, value: Any) -> int | None:
        if not value:
            return None
        return self.codes.get((list_name, str(value).strip().upper()))


# --- helpers -------------------------------------------------------------------------------------


def _checksum(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _maps(table: str, ids: Iterable[Any]) -> dict[str, LegacyMap]:
    keys = sorted({str(i) for i in ids if i is not None})
    out: dict[str, LegacyMap] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        out.update({m.legacy_id: m for m in LegacyMap.objects.filter(legacy_table=table, legacy_id__in=chunk)})
    return out


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value: Any, limit: int) -> str:
    return ("" if value is None else str(value)).strip()[:limit]


def _true(value: Any) -> bool:
    return value in (True, 1, "1", "t", "true", "True")


def _load_codes(ctx: Context) -> None:
    for pk, list_name, code, sub_list in Code.objects.order_by("-order", "-pk").values_list(
        "pk", "code_list__name", "code", "sub_list_id"
    ):
        ctx.codes[(list_name, code.upper())] = pk  # the lowest order wins (written last)
        if sub_list:
            ctx.sub_lists[pk] = sub_list
    for pk, list_id, code in Code.objects.values_list("pk", "code_list_id", "code"):
        ctx.sub_codes.setdefault((list_id, code.upper()), pk)


def service_user() -> User:
    """The account the import acts as inside the registry's duplicate check: national child view,
    no password, so nobody can sign in as it."""
    user, created = User.objects.get_or_create(
        username=SERVICE_USERNAME, defaults={"password": make_password(None), "first_name": "Legacy import"}
    )
    if created or not user.assignments.filter(is_active=True).exists():
        office = OrgUnit.objects.filter(kind=OrgUnit.Kind.NATIONAL_OFFICE).order_by("pk").first()
        role = Role.objects.filter(code=R.NATIONAL_ME).first()
        if office is not None and role is not None:
            Assignment.objects.get_or_create(user=user, role=role, org_unit=office)
    return user


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Step:
    table: str
    key: str
    handler: Callable[[Context, list[dict[str, Any]]], None]
    uuid_key: bool = False
    since_column: str = ""
    # With ``workers``: the column whose ranges may run side by side (rows that depend on each
    # other, such as the events of one case, share its value); none for a table run in one process.
    part_column: str = ""
    part_uuid: bool = False
    after: Callable[[Context, bool], None] | None = None  # run once the table is done


def _steps() -> list[Step]:
    return [
        Step("list_geo", "area_id", _geo),
        Step("reg_org_unit", "id", _org_units),
        Step("auth_user", "id", _users),
        Step("reg_person", "id", _persons, since_column="created_at", after=_link_duplicates, part_column="id"),
        Step("reg_persons_external_ids", "id", _identifiers),
        Step("reg_persons_guardians", "id", _guardians, part_column="child_person_id"),
        Step("ovc_household", "id", _households, uuid_key=True, since_column="created_at"),
        Step("ovc_household_members", "id", _household_members, uuid_key=True),
        Step(
            "ovc_case_record",
            "case_id",
            _cases,
            uuid_key=True,
            since_column="timestamp_created",
            part_column="person_id",
        ),
        Step(
            "ovc_case_events",
            "case_event_id",
            _events,
            uuid_key=True,
            since_column="timestamp_created",
            part_column="case_id_id",
            part_uuid=True,
        ),
        Step("ovc_referrals", "refferal_id", _referrals, uuid_key=True, since_column="timestamp_created"),
        Step("ovc_placement", "placement_id", _placements, uuid_key=True, since_column="timestamp_created"),
        Step("ovc_placement_followup", "placememt_followup_id", _placement_followups, uuid_key=True),
        *[Step(table, key, _not_yet, uuid_key=True) for table, key in NOT_YET.items()],
    ]


def import_start(*, actor: User | None, options: Options) -> ImportRun:
    """The run record for ``options``: a run of the same source and options that did not finish
    is continued (its progress kept), otherwise a new one."""
    source = safe_url(options.url)
    unfinished = (
        ImportRun.objects.filter(
            source=source,
            dry_run=False,
            since=options.since,
            county_code=options.county_code,
            status__in=[ImportRun.Status.RUNNING, ImportRun.Status.FAILED],
        )
        .order_by("-created_at")
        .first()
    )
    if unfinished is not None and not options.dry_run:
        return unfinished
    with transaction.atomic(durable=True):
        run = ImportRun.objects.create(
            source=source,
            dry_run=options.dry_run,
            since=options.since,
            county_code=options.county_code,
            started_by=actor,
        )
        audit_record(actor=actor, action="legacy.run_start", obj=run, details={"dry_run": options.dry_run})
    return run


def _context(run: ImportRun, reader: LegacyReader, options: Options, actor: User | None, **kw: Any) -> Context:
    ctx = Context(run=run, reader=reader, options=options, actor=actor, service_user=service_user(), **kw)
    _load_codes(ctx)
    return ctx


def import_run(
    *,
    actor: User | None,
    run: ImportRun,
    options: Options,
    progress: Callable[[str, int, int | None, float], None] | None = None,
    fail_after_batches: int | None = None,
) -> ImportRun:
    """Bring the legacy database in (see the module's notes). Returns the finished run."""
    reader = LegacyReader(options.url)
    try:
        run.status = ImportRun.Status.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.error = ""
        run.save(update_fields=["status", "started_at", "error", "updated_at"])
        ctx = _context(run, reader, options, actor, progress_cb=progress, fail_after_batches=fail_after_batches)
        if options.workers > 1 and options.county_code:
            raise ValueError("--workers goes with a whole-country import; a county import runs in one process")
        if options.county_code:
            county = Area.objects.filter(level=Area.Level.COUNTY, code=options.county_code).first()
            if county is None:
                raise ValueError("unknown county code")
            ctx.county_id = county.pk
        if options.dry_run:
            _dry_run(ctx)
        else:
            for step in _steps():
                if _parallel(ctx, step):
                    _run_parts(ctx, step)
                else:
                    _run_step(ctx, step)
                if step.after is not None:
                    step.after(ctx, True)
        run.status = ImportRun.Status.DONE
        run.finished_at = timezone.now()
        with transaction.atomic(durable=True):
            run.save(update_fields=["status", "finished_at", "counts", "progress", "updated_at"])
            audit_record(actor=actor, action="legacy.run", obj=run, details={"counts": run.counts})
        return run
    except BaseException as exc:
        run.status = ImportRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:500]
        run.save(update_fields=["status", "error", "updated_at"])
        raise
    finally:
        reader.close()


def _dry_run(ctx: Context) -> None:
    """Everything in one transaction, rolled back; the counts and rejects are kept."""
    counts: dict[str, Any] = {}
    rejects: list[tuple[str, str, str]] = []
    try:
        with transaction.atomic(durable=True):
            for step in _steps():
                _run_step(ctx, step, commit=False)
                if step.after is not None:
                    step.after(ctx, False)
            counts = dict(ctx.run.counts)
            rejects = list(ctx.rejects)
            raise _DryRunRollback
    except _DryRunRollback:
        pass
    ctx.run.counts, ctx.run.progress = counts, {}
    LegacyReject.objects.bulk_create(
        [LegacyReject(run=ctx.run, legacy_table=t, legacy_id=i, reason=r) for t, i, r in rejects],
        ignore_conflicts=True,
    )


def _count(ctx: Context, table: str, key: str, n: int = 1) -> None:
    row = ctx.run.counts.setdefault(table, dict.fromkeys(COUNT_KEYS, 0))
    row[key] = row.get(key, 0) + n


def reject(ctx: Context, table: str, legacy_id: Any, reason: str, *, counted: bool = True) -> None:
    """Report a legacy row that was not brought in (``counted``) or a value in it that was left
    blank because it does not map (not counted as a rejected row)."""
    ctx.rejects.append((table, str(legacy_id), reason[:300]))
    if counted:
        _count(ctx, table, "rejected")


def _since(ctx: Context, step: Step) -> tuple[str, list[Any]]:
    if ctx.options.since and step.since_column:
        return f"{step.since_column} >= %s", [ctx.options.since.isoformat()]
    return "", []


def _run_step(
    ctx: Context, step: Step, *, commit: bool = True, part: tuple[str | None, str | None] = (None, None)
) -> None:
    """The table's rows in batches, from where the run (or this part of it) got to. A part takes the
    rows whose ``part_column`` is after ``part[0]`` and up to ``part[1]`` (included)."""
    if not ctx.reader.has_table(step.table):
        return
    marker = _marker(step, ctx.part)
    after = ctx.run.progress.get(marker)
    if after == "done":
        return
    total = ctx.reader.count(step.table) if ctx.part is None else None
    started, seen = time.monotonic(), 0
    where, params = _since(ctx, step)
    if ctx.part is not None:
        where, params = _in_part(step, where, params, part)
    ctx.run.counts.setdefault(step.table, dict.fromkeys(COUNT_KEYS, 0))
    for batch in ctx.reader.pages(
        step.table,
        step.key,
        after=after,
        size=ctx.options.batch_size,
        uuid_key=step.uuid_key,
        where=where,
        params=params,
    ):
        if ctx.fail_after_batches is not None and ctx.batches_done >= ctx.fail_after_batches:
            raise Interrupted
        if commit:
            _commit_batch(ctx, step, batch)
        else:
            step.handler(ctx, batch)
            _count(ctx, step.table, "read", len(batch))
        ctx.batches_done += 1
        seen += len(batch)
        if ctx.progress_cb:
            ctx.progress_cb(step.table, seen, total, time.monotonic() - started)
    if ctx.part is not None:
        with transaction.atomic(durable=True):
            locked = ImportRun.objects.select_for_update().get(pk=ctx.run.pk)
            locked.progress[marker] = "done"
            locked.save(update_fields=["progress", "updated_at"])
        return
    ctx.run.progress[step.table] = "done"
    if commit:
        ImportRun.objects.filter(pk=ctx.run.pk).update(progress=ctx.run.progress)


def _in_part(step: Step, where: str, params: list[Any], part: tuple[str | None, str | None]) -> tuple[str, list[Any]]:
    marker = "CAST(%s AS uuid)" if step.part_uuid else "%s"
    clauses = [where] if where else []
    args = list(params)
    low, high = part
    if low is not None:
        clauses.append(f"{step.part_column} > {marker}")
        args.append(low if step.part_uuid else int(low))
    if high is not None:
        clauses.append(f"{step.part_column} <= {marker}")
        args.append(high if step.part_uuid else int(high))
    return " AND ".join(f"({c})" for c in clauses), args


def _marker(step: Step, part: int | None) -> str:
    return step.table if part is None else f"{step.table}#{part}"


DEADLOCK = "40P01"
RETRIES = 3


def _commit_batch(ctx: Context, step: Step, batch: list[dict[str, Any]]) -> None:
    """One batch, its rejects, the run's counts and progress and an audit event: all or nothing.
    Parts running side by side can deadlock on a shared row (a counter, a vocabulary word); the
    server then rolls one batch back, and it is run again."""
    for attempt in range(RETRIES):
        try:
            _commit_batch_once(ctx, step, batch)
            return
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK or attempt == RETRIES - 1:
                raise
            log.warning("legacy.batch deadlock, retrying", extra={"table": step.table, "attempt": attempt + 1})


def _commit_batch_once(ctx: Context, step: Step, batch: list[dict[str, Any]]) -> None:
    before = {t: dict(c) for t, c in ctx.run.counts.items()}
    ctx.rejects = []
    if ctx.part is not None:
        ctx.run.counts = {}  # this batch's counts only: added to the run's under its lock
    try:
        with transaction.atomic(durable=True):
            step.handler(ctx, batch)
            _count(ctx, step.table, "read", len(batch))
            _save_progress(ctx, step, str(batch[-1][step.key]))
            LegacyReject.objects.bulk_create(
                [LegacyReject(run=ctx.run, legacy_table=t, legacy_id=i, reason=r) for t, i, r in ctx.rejects],
                ignore_conflicts=True,
            )
            audit_record(
                actor=ctx.actor,
                action="legacy.batch",
                obj=ctx.run,
                details={
                    "table": step.table,
                    "rows": len(batch),
                    "first": str(batch[0][step.key]),
                    "last": str(batch[-1][step.key]),
                    "counts": ctx.run.counts[step.table],
                },
            )
    except BaseException:
        ctx.run.counts = before
        raise
    if ctx.part is not None:
        ctx.run.counts = before


def _save_progress(ctx: Context, step: Step, last: str) -> None:
    if ctx.part is None:
        ctx.run.progress[step.table] = last
        ctx.run.save(update_fields=["counts", "progress", "updated_at"])
        return
    locked = ImportRun.objects.select_for_update().get(pk=ctx.run.pk)
    for table, counts in ctx.run.counts.items():
        row = locked.counts.setdefault(table, dict.fromkeys(COUNT_KEYS, 0))
        for key, n in counts.items():
            row[key] = row.get(key, 0) + n
    locked.progress[_marker(step, ctx.part)] = last
    locked.save(update_fields=["counts", "progress", "updated_at"])


# --- parts of a table in parallel processes ------------------------------------------------------

PARALLEL_MIN_ROWS = 10_000  # below this a table is quicker in one process than starting others


def _parallel(ctx: Context, step: Step) -> bool:
    """Whether the table runs in parts. A resumed run finishes a table the way it began it,
    whatever ``workers`` it is given now: the parts already cut (in as many processes), or one
    process from its last batch; so no row is read twice."""
    progress = ctx.run.progress.get(step.table)
    if (
        not step.part_column
        or progress == "done"
        or ctx.reader.kind != "postgres"
        or connection.vendor != "postgresql"
        or not ctx.reader.has_table(step.table)
    ):
        return False
    if f"{step.table}#parts" in ctx.run.progress:
        return True
    if progress:
        return False
    return ctx.options.workers > 1 and ctx.reader.count(step.table) >= PARALLEL_MIN_ROWS


def _run_parts(ctx: Context, step: Step) -> None:
    """The table cut into ``workers`` key ranges, each imported by its own process. The cut is
    recorded before any part starts, so a resumed run cuts the table the same way."""
    parts_key = f"{step.table}#parts"
    bounds: list[str] | None = ctx.run.progress.get(parts_key)
    if bounds is None:
        where, params = _since(ctx, step)
        bounds = ctx.reader.boundaries(step.table, step.part_column, ctx.options.workers, where=where, params=params)
        ctx.run.progress[parts_key] = bounds
        ImportRun.objects.filter(pk=ctx.run.pk).update(progress=ctx.run.progress)
    edges: list[str | None] = [None, *bounds, None]
    total = ctx.reader.count(step.table)
    started = time.monotonic()
    connections.close_all()  # each process opens its own connections
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(edges) - 1, mp_context=context) as pool:
        futures = [
            pool.submit(
                _run_part,
                ctx.run.pk,
                ctx.options,
                (step.table, index, edges[index], edges[index + 1]),
                ctx.fail_after_batches,
            )
            for index in range(len(edges) - 1)
        ]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=2, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # a part's error stops the run (the other parts' batches are kept)
            if ctx.progress_cb:
                counts = ImportRun.objects.values_list("counts", flat=True).get(pk=ctx.run.pk)
                read = counts.get(step.table, {}).get("read", 0)
                ctx.progress_cb(step.table, read, total, time.monotonic() - started)
    ctx.run.refresh_from_db(fields=["counts", "progress"])
    ctx.run.progress[step.table] = "done"
    ImportRun.objects.filter(pk=ctx.run.pk).update(progress=ctx.run.progress)


def _run_part(
    run_id: int, options: Options, where: tuple[str, int, str | None, str | None], fail_after: int | None
) -> None:
    """One key range (table, part, after, up to) of one table, in a worker process."""
    table, part, start, upto = where
    connections.close_all()  # never share the parent's connections across the fork
    step = next(s for s in _steps() if s.table == table)
    reader = LegacyReader(options.url)
    try:
        ctx = _context(
            ImportRun.objects.get(pk=run_id), reader, options, None, part=part, fail_after_batches=fail_after
        )
        ctx.run.counts = {}
        _run_step(ctx, step, part=(start, upto))
    finally:
        reader.close()
        connections.close_all()


def _map(ctx: Context, table: str, legacy_id: Any, obj: Any, checksum: str, existing: LegacyMap | None) -> None:
    if existing is None:
        LegacyMap.objects.create(
            legacy_table=table,
            legacy_id=str(legacy_id),
            model=obj._meta.label_lower,
            object_pk=obj.pk,
            public_id=getattr(obj, "public_id", None),
            checksum=checksum,
            run=ctx.run,
        )
    elif existing.checksum != checksum:
        existing.checksum, existing.run = checksum, ctx.run
        existing.save(update_fields=["checksum", "run", "updated_at"])


def _bulk_maps(ctx: Context, table: str, items: list[tuple[Any, Any, str]]) -> None:
    LegacyMap.objects.bulk_create(
        [
            LegacyMap(
                legacy_table=table,
                legacy_id=str(legacy_id),
                model=obj._meta.label_lower,
                object_pk=obj.pk,
                public_id=getattr(obj, "public_id", None),
                checksum=checksum,
                run=ctx.run,
            )
            for legacy_id, obj, checksum in items
        ]
    )


def _area_pks(table: str, ids: Iterable[Any]) -> dict[str, int]:
    return {k: m.object_pk for k, m in _maps(table, ids).items()}


# --- geography and org units ---------------------------------------------------------------------


def _geo(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Legacy areas map to ours by level and official code; nothing is created."""
    known = _maps("list_geo", (r["area_id"] for r in rows))
    ours = {(a.level, a.code.lstrip("0")): a for a in Area.objects.exclude(level=Area.Level.REGION)}
    for row in rows:
        level = AREA_LEVELS.get(row["area_type_id"])
        if level is None:
            reject(ctx, "list_geo", row["area_id"], f"area type {row['area_type_id']} has no level here")
            continue
        area = ours.get((level, _text(row["area_code"], 10).lstrip("0")))
        if area is None:
            reject(ctx, "list_geo", row["area_id"], f"no {level} with official code {row['area_code']}")
            continue
        _mapped(ctx, "list_geo", row["area_id"], area, _checksum(area.pk), known)


def _mapped(ctx: Context, table: str, legacy_id: Any, obj: Any, checksum: str, known: dict[str, LegacyMap]) -> None:
    existing = known.get(str(legacy_id))
    if existing is None:
        _count(ctx, table, "imported")
    elif existing.checksum == checksum:
        _count(ctx, table, "unchanged")
    else:
        _count(ctx, table, "updated")
    _map(ctx, table, legacy_id, obj, checksum, existing)


def _org_units(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Legacy org units map to ours by code, else by exact name; nothing is created (a unit that
    does not map is reported, and records that need it are reported in turn)."""
    known = _maps("reg_org_unit", (r["id"] for r in rows))
    codes = {_text(r["org_unit_id_vis"], 40) for r in rows}
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    names = {_text(r["org_unit_name"], 200).lower() for r in rows}
    by_name: dict[str, OrgUnit] = {}
    for named in OrgUnit.objects.filter(name__in=[_text(r["org_unit_name"], 200) for r in rows]):
        if named.name.lower() in names:
            by_name.setdefault(named.name.lower(), named)
    for row in rows:
        if _true(row["is_void"]):
            reject(ctx, "reg_org_unit", row["id"], "void in the legacy system")
            continue
        unit: OrgUnit | None = by_code.get(_text(row["org_unit_id_vis"], 40)) or by_name.get(
            _text(row["org_unit_name"], 200).lower()
        )
        if unit is None:
            reject(ctx, "reg_org_unit", row["id"], f"no org unit with code {row['org_unit_id_vis']} or the same name")
            continue
        _mapped(ctx, "reg_org_unit", row["id"], unit, _checksum(unit.pk), known)


# --- users ---------------------------------------------------------------------------------------


def _users(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Legacy accounts become inactive accounts without a password (they set one through the
    password-reset e-mail once an administrator activates them), assigned at their primary unit."""
    known = _maps("auth_user", (r["id"] for r in rows))
    people = {
        r["id"]: r
        for r in ctx.reader.rows_in(
            "SELECT id, first_name, surname, email FROM reg_person WHERE id IN ({in})",
            [r["reg_person_id"] for r in rows],
        )
    }
    links = ctx.reader.rows_in(
        "SELECT person_id, org_unit_id, primary_unit FROM reg_persons_org_units "
        "WHERE NOT is_void AND person_id IN ({in})",
        [r["reg_person_id"] for r in rows],
    )
    units = _area_pks("reg_org_unit", (link["org_unit_id"] for link in links))
    unit_of: dict[Any, int] = {}
    for link in sorted(links, key=lambda x: not _true(x["primary_unit"])):
        if link["org_unit_id"] is not None and str(link["org_unit_id"]) in units:
            unit_of.setdefault(link["person_id"], units[str(link["org_unit_id"])])
    role = Role.objects.filter(code=ctx.options.user_role).first()
    for row in rows:
        person = people.get(row["reg_person_id"], {})
        username = _text(row["username"], 150)
        if not username:
            reject(ctx, "auth_user", row["id"], "no user name")
            continue
        checksum = _checksum(username, person.get("first_name"), person.get("surname"), person.get("email"))
        existing = known.get(str(row["id"]))
        if existing is not None:
            _count(ctx, "auth_user", "unchanged" if existing.checksum == checksum else "updated")
            user = User.objects.get(pk=existing.object_pk)
        else:
            if User.objects.filter(username=username).exists():
                username = f"legacy_{username}"[:150]
                if User.objects.filter(username=username).exists():
                    reject(ctx, "auth_user", row["id"], "user name already taken here")
                    continue
            user = User(username=username, is_active=False, password=make_password(None))
            _count(ctx, "auth_user", "imported")
        user.first_name = _text(person.get("first_name"), 150)
        user.last_name = _text(person.get("surname"), 150)
        user.email = _text(person.get("email"), 254)
        user.save()
        unit_pk = unit_of.get(row["reg_person_id"])
        if unit_pk is None:
            reject(ctx, "auth_user", row["id"], "imported without an org unit: none of theirs maps", counted=False)
        elif role is not None and not user.assignments.filter(org_unit_id=unit_pk).exists():
            Assignment.objects.create(user=user, role=role, org_unit_id=unit_pk, created_by=ctx.actor)
        _map(ctx, "auth_user", row["id"], user, checksum, existing)
        # The person behind the account is a member of staff, not a child or caregiver.
        LegacyMap.objects.get_or_create(
            legacy_table="reg_person#user",
            legacy_id=str(row["reg_person_id"]),
            defaults={"model": "accounts.user", "object_pk": user.pk, "public_id": user.public_id, "run": ctx.run},
        )


# --- persons -------------------------------------------------------------------------------------


@dataclass
class _PersonRow:
    row: dict[str, Any]
    kind: str
    ward: Area | None
    sub_county_id: int | None
    county_id: int | None
    unit_id: int | None


def _grouped(ctx: Context, sql: str, ids: list[Any]) -> dict[Any, list[Any]]:
    """``sql`` selects (owner id, value) pairs for ``ids``: the values per owner, in order."""
    out: dict[Any, list[Any]] = {}
    for row in ctx.reader.rows_in(sql, ids):
        owner, value = row.values()
        out.setdefault(owner, []).append(value)
    return out


PERSON_DETAILS = {
    "types": "SELECT person_id, person_type_id FROM reg_persons_types WHERE NOT is_void AND person_id IN ({in})",
    "areas": "SELECT person_id, area_id FROM reg_persons_geo WHERE NOT is_void AND date_delinked IS NULL "
    "AND person_id IN ({in}) ORDER BY id",
    "units": "SELECT person_id, org_unit_id FROM reg_persons_org_units WHERE NOT is_void AND person_id IN ({in}) "
    "ORDER BY id",
    "case_units": "SELECT person_id, report_orgunit_id FROM ovc_case_geo WHERE person_id IN ({in}) ORDER BY id",
    "children": "SELECT guardian_person_id, child_person_id FROM reg_persons_guardians "
    "WHERE NOT is_void AND guardian_person_id IN ({in})",
}


def _person_context(ctx: Context, rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Types, residence, org units and children of a batch of legacy persons, one query each."""
    ids = [r["id"] for r in rows]
    found = {name: _grouped(ctx, sql, ids) for name, sql in PERSON_DETAILS.items()}
    return {
        i: {
            "types": set(found["types"].get(i, [])),
            "areas": found["areas"].get(i, []),
            "units": found["units"].get(i, []) + found["case_units"].get(i, []),
            "children": found["children"].get(i, []),
        }
        for i in ids
    }


def _resolve_people(ctx: Context, rows: list[dict[str, Any]]) -> list[_PersonRow]:
    info = _person_context(ctx, rows)
    staff = _maps("reg_person#user", (r["id"] for r in rows))
    area_ids = {a for i in info.values() for a in i["areas"]}
    unit_ids = {u for i in info.values() for u in i["units"] if u is not None}
    # A caregiver with no unit of their own is registered where one of their children is.
    child_ids = {c for i in info.values() for c in i.get("children", [])}
    child_units = _person_units_of_children(ctx, child_ids)
    unit_ids |= {u for us in child_units.values() for u in us}
    areas_map = _area_pks("list_geo", area_ids)
    units_map = _area_pks("reg_org_unit", unit_ids)
    areas = Area.objects.in_bulk(set(areas_map.values()))
    out: list[_PersonRow] = []
    for row in rows:
        pid = row["id"]
        if str(pid) in staff:
            _count(ctx, "reg_person", "skipped")  # a member of staff: brought in as an account
            continue
        i = info[pid]
        types = i["types"]
        if types & CHILD_TYPES:
            kind = Person.Kind.CHILD
        elif types & CAREGIVER_TYPES or i.get("children"):
            kind = Person.Kind.CAREGIVER
        else:
            reject(ctx, "reg_person", pid, f"neither a child nor a caregiver (person types: {','.join(sorted(types))})")
            continue
        if _true(row["is_void"]):
            reject(ctx, "reg_person", pid, "void in the legacy system")
            continue
        if row["sex_id"] not in SEX:
            reject(ctx, "reg_person", pid, f"unknown sex code {row['sex_id']}")
            continue
        resolved = [areas[areas_map[str(a)]] for a in i["areas"] if str(a) in areas_map]
        ward = next((a for a in resolved if a.level == Area.Level.WARD), None)
        sub = ward.sub_county_id if ward else next((a.pk for a in resolved if a.level == Area.Level.SUB_COUNTY), None)
        county = ward.county_id if ward else next((a.county_id for a in resolved if a.county_id), None)
        candidates = list(i["units"]) + [u for c in i.get("children", []) for u in child_units.get(c, [])]
        unit = next((units_map[str(u)] for u in candidates if u is not None and str(u) in units_map), None)
        if unit is None:
            reject(ctx, "reg_person", pid, "no office to register under: none of the person's org units maps")
            continue
        if county is None:
            unit_obj = OrgUnit.objects.only("county_id", "sub_county_id").get(pk=unit)
            county, sub = unit_obj.county_id, sub or unit_obj.sub_county_id
        if ctx.county_id and county != ctx.county_id:
            _count(ctx, "reg_person", "skipped")
            ctx.skipped_people.add(str(row["id"]))
            continue
        out.append(_PersonRow(row, kind, ward, sub, county, unit))
    return out


def _person_units_of_children(ctx: Context, child_ids: set[Any]) -> dict[Any, list[Any]]:
    ids = sorted(child_ids)
    units = _grouped(ctx, PERSON_DETAILS["units"], ids)
    for child, found in _grouped(ctx, PERSON_DETAILS["case_units"], ids).items():
        units.setdefault(child, []).extend(found)
    return units


def _person_values(p: _PersonRow) -> dict[str, Any]:
    row = p.row
    return {
        "kind": p.kind,
        "first_name": _text(row["first_name"], 100) or "-",
        "middle_name": _text(row["other_names"], 100),
        "last_name": _text(row["surname"], 100) or "-",
        "sex": SEX[row["sex_id"]],
        "date_of_birth": _as_date(row["date_of_birth"]),
        "ward_id": p.ward.pk if p.ward else None,
        "sub_county_id": p.sub_county_id,
        "county_id": p.county_id,
        "registered_by_unit_id": p.unit_id,
    }


def _persons(ctx: Context, rows: list[dict[str, Any]]) -> None:
    resolved = _resolve_people(ctx, rows)
    known = _maps("reg_person", (p.row["id"] for p in resolved))
    new: list[tuple[_PersonRow, dict[str, Any], str]] = []
    changed: list[Person] = []
    for p in resolved:
        values = _person_values(p)
        checksum = _checksum(*values.values())
        existing = known.get(str(p.row["id"]))
        if existing is None:
            new.append((p, values, checksum))
            continue
        if existing.checksum == checksum:
            _count(ctx, "reg_person", "unchanged")
            continue
        person = Person.objects.get(pk=existing.object_pk)
        for name, value in values.items():
            setattr(person, name, value)
        person.save()
        changed.append(person)
        _map(ctx, "reg_person", p.row["id"], person, checksum, existing)
        _count(ctx, "reg_person", "updated")
    people: list[Person] = []
    if new:
        first = _take_serials("person", len(new))
        for offset, (_row, values, _sum) in enumerate(new):
            people.append(Person(cpims_number=format_number(first + offset), created_by=ctx.service_user, **values))
        Person.objects.bulk_create(people)
        _bulk_maps(ctx, "reg_person", [(p.row["id"], person, c) for (p, _, c), person in zip(new, people, strict=True)])
        _count(ctx, "reg_person", "imported", len(people))
    index_names(people + changed)


def _take_serials(name: str, n: int) -> int:
    """Reserve ``n`` consecutive numbers from the registry's counter; returns the first."""
    from cpims.registry.models import Counter

    Counter.objects.get_or_create(name=name)
    counter = Counter.objects.select_for_update().get(name=name)
    first = counter.value + 1
    counter.value += n
    counter.save(update_fields=["value"])
    return first


DUPLICATES = "reg_person#duplicates"


def _link_duplicates(ctx: Context, commit: bool) -> None:
    """The registry's duplicate check for the children this run brought in, in one pass once the
    persons are in (``duplicate_pairs``); likely duplicates are linked for review."""
    if not ctx.options.check_duplicates or ctx.run.progress.get(DUPLICATES) == "done":
        return
    legacy_ids = dict(
        LegacyMap.objects.filter(legacy_table="reg_person", run=ctx.run, model="registry.person").values_list(
            "object_pk", "legacy_id"
        )
    )
    started = time.monotonic()
    pairs = duplicate_pairs(sorted(legacy_ids))
    links = [
        LegacyDuplicate(
            person_id=min(new, other),
            candidate_id=max(new, other),
            score=score,
            legacy_id=legacy_ids[new],
            run=ctx.run,
        )
        for new, other, score in pairs
    ]
    found = len({new for new, _, _ in pairs})
    with transaction.atomic(durable=commit):
        LegacyDuplicate.objects.bulk_create(links, ignore_conflicts=True)
        _count(ctx, "reg_person", "duplicates", found)
        ctx.run.progress[DUPLICATES] = "done"
        if commit:
            ctx.run.save(update_fields=["counts", "progress", "updated_at"])
        audit_record(
            actor=ctx.actor,
            action="legacy.duplicates",
            obj=ctx.run,
            details={"children": len(legacy_ids), "with_duplicates": found, "links": len(links)},
        )
    if ctx.progress_cb:
        ctx.progress_cb("duplicate check", len(legacy_ids), len(legacy_ids), time.monotonic() - started)


def _identifiers(ctx: Context, rows: list[dict[str, Any]]) -> None:
    known = _maps("reg_persons_external_ids", (r["id"] for r in rows))
    persons = _area_pks("reg_person", (r["person_id"] for r in rows))
    for row in rows:
        rid = row["id"]
        if _true(row["is_void"]):
            reject(ctx, "reg_persons_external_ids", rid, "void in the legacy system")
            continue
        person_pk = persons.get(str(row["person_id"]))
        if person_pk is None:
            reject(ctx, "reg_persons_external_ids", rid, "its person was not imported")
            continue
        id_type = ctx.code("identifier_type_id", row["identifier_type_id"])
        if id_type is None:
            reject(ctx, "reg_persons_external_ids", rid, f"unknown identifier type {row['identifier_type_id']}")
            continue
        value = _text(row["identifier"], 60)
        norm = normalise_identifier(value)
        checksum = _checksum(person_pk, id_type, norm)
        existing = known.get(str(rid))
        if existing is not None and existing.checksum == checksum:
            _count(ctx, "reg_persons_external_ids", "unchanged")
            continue
        holder = Identifier.objects.filter(id_type_id=id_type, value_normalised=norm).first()
        if holder is not None and holder.person_id != person_pk:
            reject(ctx, "reg_persons_external_ids", rid, "the same number is held by another person (see duplicates)")
            continue
        ident = holder or Identifier.objects.create(
            person_id=person_pk, id_type_id=id_type, value=value, value_normalised=norm, created_by=ctx.service_user
        )
        _count(ctx, "reg_persons_external_ids", "updated" if existing else "imported")
        _map(ctx, "reg_persons_external_ids", rid, ident, checksum, existing)


def _guardians(ctx: Context, rows: list[dict[str, Any]]) -> None:
    table = "reg_persons_guardians"
    known = _maps(table, (r["id"] for r in rows))
    persons = _area_pks("reg_person", [r["child_person_id"] for r in rows] + [r["guardian_person_id"] for r in rows])
    have = {
        (r.child_id, r.relative_id): r
        for r in Relationship.objects.filter(
            child_id__in=[persons[str(r["child_person_id"])] for r in rows if str(r["child_person_id"]) in persons]
        )
    }
    fresh: list[tuple[Any, Relationship, str, LegacyMap | None]] = []
    for row in rows:
        rid = row["id"]
        child, relative = persons.get(str(row["child_person_id"])), persons.get(str(row["guardian_person_id"]))
        kind = RELATIONSHIPS.get(_text(row["relationship"], 5).upper())
        if _true(row["is_void"]):
            reject(ctx, table, rid, "void in the legacy system")
        elif child is None or relative is None:
            reject(ctx, table, rid, "the child or the guardian was not imported")
        elif kind is None:
            reject(ctx, table, rid, f"unknown relationship code {row['relationship']}")
        elif child == relative:
            reject(ctx, table, rid, "a person cannot be their own guardian")
        else:
            checksum = _checksum(child, relative, kind, row["date_delinked"])
            existing = known.get(str(rid))
            if existing is not None and existing.checksum == checksum:
                _count(ctx, table, "unchanged")
                continue
            rel = have.get((child, relative))
            if rel is None:
                rel = Relationship(child_id=child, relative_id=relative, created_by=ctx.service_user)
                have[(child, relative)] = rel
            rel.kind = kind
            rel.is_active = row["date_delinked"] is None
            _count(ctx, table, "updated" if existing else "imported")
            if rel.pk is None:
                fresh.append((rid, rel, checksum, existing))
            else:
                rel.save()
                _map(ctx, table, rid, rel, checksum, existing)
    Relationship.objects.bulk_create(list({id(r): r for _, r, _, _ in fresh}.values()))
    for rid, rel, checksum, existing in fresh:
        if existing is not None:  # mapped before, its relationship since removed here
            _map(ctx, table, rid, rel, checksum, existing)
    _bulk_maps(ctx, table, [(rid, rel, checksum) for rid, rel, checksum, existing in fresh if existing is None])


# --- cases ---------------------------------------------------------------------------------------


def _case_parts(ctx: Context, case_ids: list[str]) -> tuple[dict[str, Any], dict[str, list[Any]], dict[str, list[Any]]]:
    geo = {
        str(g["case_id_id"]): g
        for g in ctx.reader.rows_in("SELECT * FROM ovc_case_geo WHERE NOT is_void AND case_id_id IN ({in})", case_ids)
    }
    cats: dict[str, list[Any]] = {}
    for c in ctx.reader.rows_in(
        "SELECT * FROM ovc_case_category WHERE NOT is_void AND case_id_id IN ({in}) ORDER BY case_category_id",
        case_ids,
    ):
        cats.setdefault(str(c["case_id_id"]), []).append(c)
    subs: dict[str, list[Any]] = {}
    cat_ids = [str(c["case_category_id"]) for cs in cats.values() for c in cs]
    for s in ctx.reader.rows_in(
        "SELECT * FROM ovc_case_sub_category WHERE NOT is_void AND case_category_id IN ({in})", cat_ids
    ):
        subs.setdefault(str(s["case_category_id"]), []).append(s)
    return geo, cats, subs


def _cases(ctx: Context, rows: list[dict[str, Any]]) -> None:
    table = "ovc_case_record"
    ids = [str(r["case_id"]) for r in rows]
    geo, cats, subs = _case_parts(ctx, ids)
    known = _maps(table, ids)
    children = _area_pks("reg_person", (r["person_id"] for r in rows))
    units = _area_pks("reg_org_unit", (g["report_orgunit_id"] for g in geo.values()))
    areas = _area_pks(
        "list_geo", [a for g in geo.values() for a in (g["occurence_county_id"], g["occurence_subcounty_id"])]
    )
    offices = OrgUnit.objects.in_bulk(set(units.values()))
    area_objs = Area.objects.in_bulk(set(areas.values()))
    new_cases: list[tuple[str, Case, list[CaseCategory], list[Perpetrator], str]] = []
    touched: list[int] = []
    for row in rows:
        cid = str(row["case_id"])
        g = geo.get(cid)
        child = children.get(str(row["person_id"]))
        if _true(row["is_void"]):
            reject(ctx, table, cid, "void in the legacy system")
            continue
        if child is None and str(row["person_id"]) in ctx.skipped_people:
            _count(ctx, table, "skipped")  # the child is outside --county
            continue
        if child is None:
            reject(ctx, table, cid, "its child was not imported")
            continue
        office = offices.get(units.get(str(g["report_orgunit_id"]), 0)) if g else None
        if office is None:
            reject(ctx, table, cid, "no reporting office: its org unit is missing or does not map")
            continue
        if ctx.county_id and office.county_id != ctx.county_id:
            _count(ctx, table, "skipped")
            continue
        reported_on = _as_date(row["date_case_opened"])
        if reported_on is None:
            reject(ctx, table, cid, "no date the case was opened")
            continue
        case_cats = _categories(ctx, cid, cats.get(cid, []), subs)
        if not case_cats:
            reject(ctx, table, cid, "no category maps to the DCS case categories")
            continue
        fields = _case_fields(ctx, cid, row, g, area_objs, areas)
        perps = _perpetrators(ctx, cid, row)
        checksum = _checksum(
            child,
            office.pk,
            reported_on,
            sorted(fields.items()),
            [(c.category_id, c.sub_category_id, c.date_of_event, c.nature_id, c.place_of_event_id) for c in case_cats],
            [(p.name, p.relationship_id, p.sex) for p in perps],
        )
        existing = known.get(cid)
        if existing is not None:
            if existing.checksum == checksum:
                _count(ctx, table, "unchanged")
                continue
            case = Case.objects.get(pk=existing.object_pk)
            for name, value in fields.items():
                setattr(case, name, value)
            case.reported_on = reported_on
            case.save()
            case.categories.all().delete()
            case.perpetrators.all().delete()
            for c in case_cats:
                c.case = case
            for p in perps:
                p.case = case
            CaseCategory.objects.bulk_create(case_cats)
            Perpetrator.objects.bulk_create(perps)
            _map(ctx, table, cid, case, checksum, existing)
            _count(ctx, table, "updated")
            touched.append(case.pk)
            continue
        case = Case(
            child_id=child,
            office=office,
            numbered_by=office,
            county_id=office.county_id or fields.get("event_county_id"),
            sub_county_id=office.sub_county_id or fields.get("event_sub_county_id"),
            status=Case.Status.ASSESSMENT,
            reported_on=reported_on,
            year=reported_on.year,
            created_by=ctx.service_user,
            **fields,
        )
        new_cases.append((cid, case, case_cats, perps, checksum))
    _number_cases([c for _, c, _, _, _ in new_cases])
    Case.objects.bulk_create([c for _, c, _, _, _ in new_cases])
    all_cats, all_perps = [], []
    for _, case, case_cats, perps, _ in new_cases:
        for c in case_cats:
            c.case = case
        for p in perps:
            p.case = case
        all_cats += case_cats
        all_perps += perps
    CaseCategory.objects.bulk_create(all_cats)
    Perpetrator.objects.bulk_create(all_perps)
    _bulk_maps(ctx, table, [(cid, case, checksum) for cid, case, _, _, checksum in new_cases])
    _count(ctx, table, "imported", len(new_cases))
    _queue_cases(touched + [c.pk for _, c, _, _, _ in new_cases])


def _number_cases(cases: list[Case]) -> None:
    """Case numbers from the cases' counters per office and year: the batch's counters are created
    when missing, locked in one query (in a fixed order, so concurrent openings queue behind it)
    and advanced in one update."""
    wanted: dict[tuple[int, int], list[Case]] = {}
    for case in cases:
        wanted.setdefault((case.office.pk, case.year), []).append(case)
    if not wanted:
        return
    CaseNumberCounter.objects.bulk_create(
        [CaseNumberCounter(office_id=office, year=year) for office, year in sorted(wanted)], ignore_conflicts=True
    )
    counters = {
        (c.office_id, c.year): c
        for c in CaseNumberCounter.objects.select_for_update()
        .filter(office_id__in={o for o, _ in wanted}, year__in={y for _, y in wanted})
        .order_by("pk")
    }
    for (office_pk, year), group in sorted(wanted.items()):
        counter = counters[(office_pk, year)]
        for case in group:
            counter.value += 1
            case.serial = counter.value
            case.case_number = f"{case.office.code}/{year}/{counter.value:05d}"
    CaseNumberCounter.objects.bulk_update([counters[key] for key in sorted(wanted)], ["value"])


def _categories(ctx: Context, cid: str, rows: list[Any], subs: dict[str, list[Any]]) -> list[CaseCategory]:
    out = []
    for row in rows:
        category = ctx.code("case_category_id", row["case_category"])
        if category is None:
            reject(
                ctx,
                "ovc_case_category",
                row["case_category_id"],
                f"unknown case category {row['case_category']} (the case is kept if another category maps)",
                counted=False,
            )
            continue
        sub_category = None
        for sub in subs.get(str(row["case_category_id"]), []):
            sub_list = ctx.sub_lists.get(category)
            sub_category = ctx.sub_codes.get((sub_list, _text(sub["sub_category_id"], 4).upper())) if sub_list else None
            if sub_category is None:
                reject(
                    ctx,
                    "ovc_case_sub_category",
                    sub["case_sub_category_id"],
                    f"unknown sub-category {sub['sub_category_id']} of {row['case_category']} (left blank)",
                    counted=False,
                )
            break
        nature = ctx.code("case_nature_id", row["case_nature"])
        place = ctx.code("event_place_id", row["place_of_event"])
        for code_value, pk, what in ((row["case_nature"], nature, "nature"), (row["place_of_event"], place, "place")):
            if code_value and pk is None:
                reject(
                    ctx,
                    "ovc_case_category",
                    row["case_category_id"],
                    f"unknown {what} code {code_value} (left blank)",
                    counted=False,
                )
        out.append(
            CaseCategory(
                category_id=category,
                sub_category_id=sub_category,
                date_of_event=_as_date(row["date_of_event"]),
                nature_id=nature,
                place_of_event_id=place,
            )
        )
    return out


def _case_fields(
    ctx: Context,
    cid: str,
    row: dict[str, Any],
    g: dict[str, Any] | None,
    area_objs: dict[int, Area],
    areas: dict[str, int],
) -> dict[str, Any]:
    reporter = ctx.code("case_reporter_id", row["case_reporter"])
    risk = ctx.code("risk_level_id", row["risk_level"])
    for value, pk, what in ((row["case_reporter"], reporter, "reporter"), (row["risk_level"], risk, "risk level")):
        if value and pk is None:
            reject(ctx, "ovc_case_record", cid, f"unknown {what} code {value} (left blank)", counted=False)
    reporter_name = " ".join(
        _text(row[k], 100)
        for k in ("case_reporter_first_name", "case_reporter_other_names", "case_reporter_surname")
        if row[k]
    )
    fields: dict[str, Any] = {
        "reporter_type_id": reporter,
        "risk_level_id": risk,
        "reporter_name": reporter_name[:200],
        "reporter_contact": _text(row["case_reporter_contacts"], 200),
        "police_ob_number": _text(row["ob_number"], 60),
        "notes": _text(row["case_remarks"], 10_000),
        "event_county_id": None,
        "event_sub_county_id": None,
        "event_village": "",
    }
    if g:
        sub = area_objs.get(areas.get(str(g["occurence_subcounty_id"]), 0))
        county = area_objs.get(areas.get(str(g["occurence_county_id"]), 0))
        fields["event_sub_county_id"] = sub.pk if sub else None
        fields["event_county_id"] = county.pk if county else (sub.county_id if sub else None)
        fields["event_village"] = _text(g["occurence_village"], 120)
    return fields


def _perpetrators(ctx: Context, cid: str, row: dict[str, Any]) -> list[Perpetrator]:
    name = " ".join(
        _text(row[k], 100)
        for k in ("perpetrator_first_name", "perpetrator_other_names", "perpetrator_surname")
        if row[k]
    )
    relationship = ctx.code("perpetrator_id", row["perpetrator_relationship_type"])
    if row["perpetrator_relationship_type"] and relationship is None:
        reject(
            ctx,
            "ovc_case_record",
            cid,
            f"unknown perpetrator relationship {row['perpetrator_relationship_type']} (left blank)",
            counted=False,
        )
    if not name and relationship is None:
        return []
    return [Perpetrator(name=name[:200], relationship_id=relationship)]


# --- case events ---------------------------------------------------------------------------------


def _events(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Services (encounters) and closures; other event types are reported."""
    table = "ovc_case_events"
    ids = [str(r["case_event_id"]) for r in rows]
    known = _maps(table, ids)
    cases = _area_pks("ovc_case_record", (r["case_id_id"] for r in rows))
    services: dict[str, list[Any]] = {}
    for s in ctx.reader.rows_in(
        "SELECT * FROM ovc_case_event_encounters WHERE NOT is_void AND case_event_id_id IN ({in})", ids
    ):
        services.setdefault(str(s["case_event_id_id"]), []).append(s)
    summonses = (
        {
            str(c["case_event_id_id"]): c
            for c in ctx.reader.rows_in(
                "SELECT * FROM ovc_case_event_summon WHERE NOT is_void AND case_event_id_id IN ({in})", ids
            )
        }
        if ctx.reader.has_table("ovc_case_event_summon")
        else {}
    )
    closures = {
        str(c["case_event_id_id"]): c
        for c in ctx.reader.rows_in(
            "SELECT * FROM ovc_case_event_closure WHERE NOT is_void AND case_event_id_id IN ({in})", ids
        )
    }
    case_objs = Case.objects.in_bulk(set(cases.values()))
    outside = _outside_county(ctx, (r["case_id_id"] for r in rows if str(r["case_id_id"]) not in cases))
    touched: set[int] = set()
    pending: list[tuple[str, list[ServiceRecord]]] = []  # services are written in one insert per batch
    mapped: list[tuple[str, Any, str]] = []
    for row, eid, case in _new_case_history(ctx, table, rows, "case_event_id", known, cases, case_objs, outside):
        kind = _text(row["case_event_type_id"], 20).upper()
        if kind == "SERVICES":
            made = _services(ctx, case, row, services.get(eid, []))
            if made:
                pending.append((eid, made))
                touched.add(case.pk)
            continue
        if kind == "CLOSURE" and eid in closures:
            closure = _closure(ctx, case, row, closures[eid])
            if closure is not None:
                mapped.append((eid, closure, ""))
                touched.add(case.pk)
            continue
        if kind in COURT_KINDS or kind in COURT_SESSION_CODES:
            session = _court_session(ctx, case, row, COURT_KINDS.get(kind, kind))
            if session is not None:
                mapped.append((eid, session, ""))
            continue
        if kind == "SUMMON":
            summons = _summons(ctx, case, row, summonses.get(eid))
            mapped.append((eid, summons, ""))
            continue
        reject(ctx, table, eid, f"event type {kind or '-'} is not imported by this version")
    ServiceRecord.objects.bulk_create([record for _, made in pending for record in made])
    mapped += [(eid, made[0], "") for eid, made in pending]
    _bulk_maps(ctx, table, mapped)
    _count(ctx, table, "imported", len(mapped))
    _queue_cases(touched)


# Legacy court events are typed "COURT MENTION" / "COURT HEARING" (older rows carry the DCS session code).
COURT_KINDS = {"COURT MENTION": "STMN", "COURT HEARING": "STHR", "COURT": "STHR"}
COURT_SESSION_CODES = {"STAP", "STPL", "STHR", "STMN"}
LEGACY_SUMMONED_AS = "Not recorded (legacy CPIMS)"


def _court_session(ctx: Context, case: Case, row: dict[str, Any], session_code: str) -> CourtSession | None:
    eid = row["case_event_id"]
    session_type = ctx.code(SESSION_TYPE_LIST, session_code)
    held_on = _as_date(row["date_of_event"])
    if session_type is None or held_on is None:
        reject(ctx, "ovc_case_events", eid, f"court session without a known type or date ({session_code})")
        return None
    values: dict[str, Any] = {}
    for name, list_name, column in (("plea", PLEA_LIST, "plea_taken"), ("outcome", OUTCOME_LIST, "case_event_outcome")):
        values[f"{name}_id"] = ctx.code(list_name, row[column])
        if row[column] and values[f"{name}_id"] is None:
            reject(ctx, "ovc_case_events", eid, f"unknown {list_name} {row[column]} (left blank)", counted=False)
    next_date = _as_date(row["next_hearing_date"]) or _as_date(row["next_mention_date"])
    if next_date is not None and next_date <= held_on:
        reject(ctx, "ovc_case_events", eid, "next court date not after the session (left blank)", counted=False)
        next_date = None
    return CourtSession.objects.create(
        case=case,
        session_type_id=session_type,
        held_on=held_on,
        next_date=next_date,
        notes=_text(row["case_event_notes"], 1000),
        recorded_by=ctx.service_user,
        **values,
    )


def _summons(ctx: Context, case: Case, row: dict[str, Any], detail: dict[str, Any] | None) -> Summons:
    """The legacy summons records neither whom nor "not honoured": the person is marked as not
    recorded and an unhonoured summons stays pending (its DCS label: not yet due or not recorded)."""
    issued_on = _as_date(row["date_of_event"]) or case.reported_on
    due_on = max(_as_date((detail or {}).get("summon_date")) or issued_on, issued_on)
    honoured = detail is not None and _true(detail["honoured"])
    return Summons.objects.create(
        case=case,
        person_role=LEGACY_SUMMONED_AS,
        issued_on=issued_on,
        due_on=due_on,
        status=Summons.Status.HONOURED if honoured else Summons.Status.PENDING,
        honoured_on=_as_date(detail["honoured_date"]) if honoured and detail else None,
        notes=_text((detail or {}).get("summon_note") or row["case_event_notes"], 1000),
        issued_by=ctx.service_user,
    )


def _outside_county(ctx: Context, case_ids: Iterable[Any]) -> set[str]:
    """The legacy cases among ``case_ids`` that ``--county`` leaves out (their reporting office is
    in another county): their events, referrals and placements are skipped with them, not
    reported as orphans. Read from the legacy database, so a continued run knows them too."""
    ids = sorted({str(c) for c in case_ids if c})
    if not ctx.county_id or not ids:
        return set()
    geo = ctx.reader.rows_in(
        "SELECT case_id_id, report_orgunit_id FROM ovc_case_geo WHERE NOT is_void AND case_id_id IN ({in})", ids
    )
    units = _area_pks("reg_org_unit", (g["report_orgunit_id"] for g in geo))
    counties = dict(OrgUnit.objects.filter(pk__in=set(units.values())).values_list("pk", "county_id"))
    return {
        str(g["case_id_id"])
        for g in geo
        if str(g["report_orgunit_id"]) in units and counties.get(units[str(g["report_orgunit_id"])]) != ctx.county_id
    }


def _new_case_history(
    ctx: Context,
    table: str,
    rows: Iterable[dict[str, Any]],
    id_key: str,
    known: dict[str, LegacyMap],
    cases: dict[str, int],
    case_objs: dict[int, Case],
    outside: set[str],
) -> Iterator[tuple[dict[str, Any], str, Case]]:
    """The rows of a case's history (events, referrals) still to write, with their legacy id and
    our case; the others are counted: void and orphaned rows rejected, rows of a case that
    ``--county`` leaves out skipped, rows already imported unchanged (history is written once)."""
    for row in rows:
        legacy_id = str(row[id_key])
        case = case_objs.get(cases.get(str(row["case_id_id"]), 0))
        if _true(row["is_void"]):
            reject(ctx, table, legacy_id, "void in the legacy system")
        elif case is None and str(row["case_id_id"]) in outside:
            _count(ctx, table, "skipped")
        elif case is None:
            reject(ctx, table, legacy_id, "orphaned: its case is missing or was not imported")
        elif known.get(legacy_id) is not None:
            _count(ctx, table, "unchanged")
        else:
            yield row, legacy_id, case


def _queue_cases(case_ids: Iterable[int]) -> None:
    """The caseload facts of these cases to be rebuilt: one insert, one refresh scheduled."""
    ids = sorted(set(case_ids))
    if ids:
        FactQueue.objects.bulk_create([FactQueue(case_id=pk) for pk in ids[:-1]])
        queue_case(ids[-1])


def _services(ctx: Context, case: Case, row: dict[str, Any], items: list[Any]) -> list[ServiceRecord]:
    made = []
    for item in items:
        service = ctx.code("intervention_id", item["service_provided"])
        if service is None:
            reject(
                ctx,
                "ovc_case_event_encounters",
                item["service_id"],
                f"unknown service code {item['service_provided']}",
                counted=False,
            )
            continue
        made.append(
            ServiceRecord(
                child_id=case.child_id,
                case=case,
                service_id=service,
                given_on=_as_date(item["date_of_encounter_event"])
                or _as_date(row["date_of_event"])
                or case.reported_on,
                provider_id=case.office_id,
                notes=_text(row["case_event_notes"], 1000),
                recorded_by=ctx.service_user,
                county_id=case.county_id,
                sub_county_id=case.sub_county_id,
            )
        )
    if not made:
        reject(ctx, "ovc_case_events", row["case_event_id"], "a services event with no service that maps")
    return made


def _closure(ctx: Context, case: Case, row: dict[str, Any], closure: dict[str, Any]) -> CaseClosure | None:
    outcome = ctx.code("closure_outcome_id", closure["case_outcome"])
    if outcome is None:
        reject(ctx, "ovc_case_events", row["case_event_id"], f"unknown closure outcome {closure['case_outcome']}")
        return None
    closed_on = _as_date(closure["date_of_case_closure"]) or _as_date(row["date_of_event"])
    interventions = {}
    intervention = ctx.code("intervention_id", row["case_event_outcome"])
    if intervention is not None:
        for cat in case.categories.all():
            interventions[str(cat.category_id)] = intervention
        case.categories.update(intervention_id=intervention)
    record = CaseClosure.objects.create(
        case=case,
        outcome_id=outcome,
        notes=_text(closure["case_closure_notes"], 1000),
        interventions=interventions,
        proposed_by=ctx.service_user,
        decision=CaseClosure.Decision.APPROVED,
        decided_by=ctx.service_user,
        decided_at=timezone.now(),
    )
    if closure["transfer_to_id"] is not None:
        _transfer(ctx, case, row, closure, closed_on or case.reported_on)
    case.status, case.closed_on, case.closure_outcome_id = Case.Status.CLOSED, closed_on, outcome
    case.save(update_fields=["status", "closed_on", "closure_outcome", "updated_at"])
    return record


def _not_yet(ctx: Context, rows: list[dict[str, Any]]) -> None:
    for table, key in NOT_YET.items():
        if rows and key in rows[0]:
            for row in rows:
                reject(ctx, table, row[key], "not imported by this version (kept in the legacy database)")
            return


def _transfer(ctx: Context, case: Case, row: dict[str, Any], closure: dict[str, Any], on: dt.date) -> None:
    """A closure "transferred to another unit" becomes an accepted transfer of the case; the case
    stays numbered and closed where the legacy system closed it."""
    to_office = _area_pks("reg_org_unit", [closure["transfer_to_id"]]).get(str(closure["transfer_to_id"]))
    if to_office is None or to_office == case.office_id:
        reject(
            ctx,
            "ovc_case_event_closure",
            closure["closure_id"],
            "transfer to an org unit that does not map (the closure is kept, the transfer is not)",
            counted=False,
        )
        return
    Transfer.objects.create(
        case=case,
        from_office_id=case.office_id,
        to_office_id=to_office,
        reason=_text(closure["case_closure_notes"], 1000) or "Transferred (legacy CPIMS)",
        status=Transfer.Status.ACCEPTED,
        requested_by=ctx.service_user,
        requested_on=on,
        answer_due_on=on,
        answered_at=timezone.now(),
        answered_by=ctx.service_user,
    )


# --- households ----------------------------------------------------------------------------------


def _households(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Legacy OVC households (``ovc_household``): the head's household, where the head lives and
    registered by the head's unit. Written once; the members follow in their own step."""
    table = "ovc_household"
    known = _maps(table, (r["id"] for r in rows))
    heads = _area_pks("reg_person", (r["head_person_id"] for r in rows))
    people = Person.objects.in_bulk(set(heads.values()))
    made: list[tuple[str, Household]] = []
    for row in rows:
        hid = str(row["id"])
        head = people.get(heads.get(str(row["head_person_id"]), 0))
        if _true(row["is_void"]):
            reject(ctx, table, hid, "void in the legacy system")
        elif head is None:
            reject(ctx, table, hid, "its head was not imported")
        elif known.get(hid) is not None:
            _count(ctx, table, "unchanged")
        else:
            made.append(
                (
                    hid,
                    Household(
                        head=head,
                        ward_id=head.ward_id,
                        sub_county_id=head.sub_county_id,
                        county_id=head.county_id,
                        village=head.village,
                        registered_by_unit_id=head.registered_by_unit_id,
                        created_by=ctx.service_user,
                    ),
                )
            )
    Household.objects.bulk_create([h for _, h in made])
    _bulk_maps(ctx, table, [(hid, h, "") for hid, h in made])
    _count(ctx, table, "imported", len(made))


def _household_members(ctx: Context, rows: list[dict[str, Any]]) -> None:
    table = "ovc_household_members"
    known = _maps(table, (r["id"] for r in rows))
    households = _area_pks("ovc_household", (r["house_hold_id"] for r in rows))
    people = _area_pks("reg_person", (r["person_id"] for r in rows))
    active = set(
        HouseholdMember.objects.filter(household_id__in=set(households.values()), is_active=True).values_list(
            "household_id", "person_id"
        )
    )
    made: list[tuple[str, HouseholdMember]] = []
    for row in rows:
        mid = str(row["id"])
        household, person = households.get(str(row["house_hold_id"])), people.get(str(row["person_id"]))
        left_on = _as_date(row["date_delinked"])
        if _true(row["is_void"]):
            reject(ctx, table, mid, "void in the legacy system")
        elif household is None or person is None:
            reject(ctx, table, mid, "its household or its person was not imported")
        elif known.get(mid) is not None:
            _count(ctx, table, "unchanged")
        elif left_on is None and (household, person) in active:
            reject(ctx, table, mid, "already an active member of this household")
        else:
            if left_on is None:
                active.add((household, person))
            member = HouseholdMember(
                household_id=household,
                person_id=person,
                joined_on=_as_date(row["date_linked"]) or timezone.localdate(),
                left_on=left_on,
                is_active=left_on is None,
            )
            made.append((mid, member))
    HouseholdMember.objects.bulk_create([m for _, m in made])
    _bulk_maps(ctx, table, [(mid, m, "") for mid, m in made])
    _count(ctx, table, "imported", len(made))


# --- referrals -----------------------------------------------------------------------------------

LEGACY_REFERRAL_REASON = "Referred (legacy CPIMS)"
LEGACY_REFERRAL_NO_CONSENT = "Made in the legacy CPIMS, which recorded no consent"
LEGACY_REFERRAL_OPEN = "Still open in the legacy CPIMS when it was imported; send a new referral if it is needed"


def _referrals(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Legacy referrals as history of their case. The legacy system records the kind of actor
    (state agency / non-state, DCS ``referral_destination_id``) and the destination class, not a
    unit of ours, so the referral is recorded at the case's own office with those codes. A
    referral the legacy system completed (status or end date) is completed; one still open there
    is recorded as withdrawn with a note, so nobody here waits for an answer that will not come."""
    table = "ovc_referrals"
    ids = [str(r["refferal_id"]) for r in rows]
    known = _maps(table, ids)
    cases = _area_pks("ovc_case_record", (r["case_id_id"] for r in rows))
    case_objs = Case.objects.in_bulk(set(cases.values()))
    outside = _outside_county(ctx, (r["case_id_id"] for r in rows if str(r["case_id_id"]) not in cases))
    made: list[tuple[str, Referral]] = []
    for row, rid, case in _new_case_history(ctx, table, rows, "refferal_id", known, cases, case_objs, outside):
        made.append((rid, _referral(ctx, case, row)))
    Referral.objects.bulk_create([r for _, r in made])
    _bulk_maps(ctx, table, [(rid, r, "") for rid, r in made])
    _count(ctx, table, "imported", len(made))


def _referral(ctx: Context, case: Case, row: dict[str, Any]) -> Referral:
    sent_on = _as_date(row["refferal_startdate"]) or case.reported_on
    ended_on = _as_date(row["refferal_enddate"])
    done = _text(row["refferal_status"], 20).upper() == "COMPLETED" or ended_on is not None
    ended_at = timezone.make_aware(dt.datetime.combine(ended_on or sent_on, dt.time(12)))
    for list_name, value in (
        ("referral_destination_id", row["refferal_actor_type"]),
        ("referral_destination_classification", row["refferal_to"]),
    ):
        if value and ctx.code(list_name, value) is None:
            reject(ctx, "ovc_referrals", row["refferal_id"], f"unknown {list_name} {value} (left blank)", counted=False)
    referral = Referral(
        case=case,
        from_office_id=case.office_id,
        from_user=ctx.service_user,
        to_unit_id=case.office_id,
        destination_type_id=ctx.code("referral_destination_id", row["refferal_actor_type"]),
        destination_class_id=ctx.code("referral_destination_classification", row["refferal_to"]),
        reason=_text(row["refferal_actor_specify"], 1000) or LEGACY_REFERRAL_REASON,
        sent_on=sent_on,
        answer_due_on=sent_on,
        consent_overridden=True,  # the legacy system recorded no data-sharing consent
        override_reason=LEGACY_REFERRAL_NO_CONSENT,
    )
    if done:
        referral.status = Referral.Status.COMPLETED
        referral.answered_at = referral.completed_at = ended_at
        referral.answered_by = referral.completed_by = ctx.service_user
        referral.completion_notes = LEGACY_REFERRAL_REASON
    else:
        referral.status = Referral.Status.WITHDRAWN
        referral.withdrawn_at, referral.withdrawn_by = ended_at, ctx.service_user
        referral.withdraw_reason = LEGACY_REFERRAL_OPEN
    return referral


# --- placements ----------------------------------------------------------------------------------


def _placements(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Institutional placements with their first status; a placement no longer active is recorded
    as discharged (the legacy table keeps no discharge date: the admission date is used, reported)."""
    table = "ovc_placement"
    ids = [str(r["placement_id"]) for r in rows]
    known = _maps(table, ids)
    children = _area_pks("reg_person", (r["person_id"] for r in rows))
    units = _area_pks("reg_org_unit", (r["residential_institution_id"] for r in rows))
    cases = _area_pks("ovc_case_record", (r["case_record_id"] for r in rows))
    institutions = OrgUnit.objects.in_bulk(set(units.values()))
    outside = _outside_county(ctx, (r["case_record_id"] for r in rows if str(r["person_id"]) not in children))
    care_type = ctx.code("alternative_family_care_type_id", INSTITUTIONAL_CARE)
    for row in rows:
        pid = str(row["placement_id"])
        child = children.get(str(row["person_id"]))
        institution = institutions.get(units.get(str(row["residential_institution_id"]), 0))
        admitted_on = _as_date(row["admission_date"])
        admission_type = ctx.code("admission_type_id", row["admission_type"])
        reason = ctx.code("admission_reason_id", row["admission_reason"])
        problem = None
        if child is None and (str(row["person_id"]) in ctx.skipped_people or str(row["case_record_id"]) in outside):
            _count(ctx, table, "skipped")
            continue
        if _true(row["is_void"]):
            problem = "void in the legacy system"
        elif child is None:
            problem = "its child was not imported"
        elif institution is None or institution.kind not in OrgUnit.INSTITUTION_KINDS:
            problem = "its institution does not map to an institution here"
        elif admitted_on is None:
            problem = "no admission date"
        elif admission_type is None:
            problem = f"unknown admission type {row['admission_type']}"
        elif care_type is None:
            problem = "the DCS care type list is not loaded"
        if problem is not None:
            reject(ctx, table, pid, problem)
            continue
        if reason is None:
            reason = ctx.code("admission_reason_id", "RACP")
            reject(
                ctx,
                table,
                pid,
                f"admission reason {row['admission_reason'] or '-'} does not map (RACP used)",
                counted=False,
            )
        if known.get(pid) is not None:
            _count(ctx, table, "unchanged")  # placements are history: written once
            continue
        assert institution is not None and admitted_on is not None and child is not None
        assert care_type is not None and admission_type is not None and reason is not None
        active = _true(row["is_active"])
        if active and Placement.objects.filter(child_id=child, ended_on__isnull=True).exists():
            reject(ctx, table, pid, "the child already has an active placement")
            continue
        placement = Placement.objects.create(
            child_id=child,
            case_id=cases.get(str(row["case_record_id"])),
            care_type_id=care_type,
            institution=institution,
            county_id=institution.county_id,
            sub_county_id=institution.sub_county_id,
            admitted_on=admitted_on,
            admission_type_id=admission_type,
            admission_reason_id=reason,
            court_name=_text(row["committing_court"], 200),
            order_number=_text(row["court_order_number"], 60),
            order_date=_as_date(row["court_order_issue_date"]),
            status=Placement.Status.RESIDENT if active else Placement.Status.DISCHARGED,
            status_on=admitted_on,
            ended_on=None if active else admitted_on,
            notes=_text(row["placement_notes"], 1000),
            created_by=ctx.service_user,
        )
        StatusChange.objects.create(
            placement=placement, status=Placement.Status.RESIDENT, on=admitted_on, recorded_by=ctx.service_user
        )
        if not active:
            StatusChange.objects.create(
                placement=placement, status=Placement.Status.DISCHARGED, on=admitted_on, recorded_by=ctx.service_user
            )
            reject(ctx, table, pid, "discharge date not in the legacy table (admission date used)", counted=False)
        _count(ctx, table, "imported")
        _map(ctx, table, pid, placement, "", None)


def _placement_followups(ctx: Context, rows: list[dict[str, Any]]) -> None:
    table = "ovc_placement_followup"
    ids = [str(r["placememt_followup_id"]) for r in rows]
    known = _maps(table, ids)
    placements = _area_pks("ovc_placement", (r["placement_id_id"] for r in rows))
    for row in rows:
        fid = str(row["placememt_followup_id"])
        placement = placements.get(str(row["placement_id_id"]))
        if _true(row["is_void"]):
            reject(ctx, table, fid, "void in the legacy system")
        elif placement is None:
            reject(ctx, table, fid, "its placement was not imported")
        elif known.get(fid) is not None:
            _count(ctx, table, "unchanged")
        else:
            notes = " — ".join(
                _text(row[k], 1000) for k in ("followup_type", "followup_details", "followup_outcome") if row[k]
            )
            followup = CareFollowUp.objects.create(
                placement_id=placement,
                visited_on=_as_date(row["followup_date"]),
                notes=notes,
                recorded_by=ctx.service_user,
            )
            _count(ctx, table, "imported")
            _map(ctx, table, fid, followup, "", None)
