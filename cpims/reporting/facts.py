"""Keeping the caseload facts current.

How a change reaches the facts:

1. Saving a ``Case``, a ``CaseCategory``, a ``Referral`` or a ``Person`` (sex, date of birth)
   writes a ``FactQueue`` row in the same transaction (signal handlers in ``apps.py``), so a change that
   commits is always queued and a change that rolls back never is.
2. ``catch_up()`` (called before every read in ``queries`` and by the worker task) rebuilds the
   queued cases and empties the queue. When nothing changed it is one query on an empty table.
3. ``catch_up(sweep=True)`` (the worker task, at most every ``SWEEP_EVERY``) also looks at the
   records' ``updated_at`` since the last sweep and rebuilds any case whose facts were built from
   older rows (or whose referrals changed since their referral facts were built): the safety
   net for a write that bypassed the signals (a queryset ``update``).
4. ``rebuild_all()`` rebuilds everything (management command ``rebuild_facts``).

Each refresh also recounts the dashboards' monthly roll-ups (``rollups``) that the changed facts
sit in.

The queue *is* the watermark: its rows are the changes not yet folded in, and the highest id
processed is removed, never more, so a change queued while a catch-up runs waits for the next.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cpims.core import ages
from cpims.core.locks import try_xact_lock, xact_lock
from cpims.reporting import rollups
from cpims.reporting.models import (
    CaseFact,
    FactQueue,
    FactState,
    FollowUpFact,
    ReferralFact,
    ServiceFact,
    TransferFact,
)

logger = logging.getLogger(__name__)

CHUNK = 1000
SWEEP_EVERY = dt.timedelta(minutes=10)
# Rows written by a transaction that was still open when the last sweep ran carry an older
# updated_at; looking back this far catches them.
SWEEP_OVERLAP = dt.timedelta(minutes=30)

# The facts' own fields, written on every refresh (everything but the keys).
_FIELDS = [
    "case",
    "primary",
    "reported_on",
    "month",
    "office",
    "county",
    "sub_county",
    "event_ward",
    "category",
    "sub_category",
    "intervention",
    "place_of_event",
    "risk_level",
    "reporter_type",
    "sex",
    "age",
    "dcs_band",
    "knbs_band",
    "status",
    "closed_on",
    "days_to_close",
    "case_updated_at",
    "child_updated_at",
]

_SOURCE = (
    "id",
    "case_id",
    "category_id",
    "sub_category_id",
    "intervention_id",
    "place_of_event_id",
    "case__reported_on",
    "case__event_ward_id",
    "case__risk_level_id",
    "case__reporter_type_id",
    "case__status",
    "case__closed_on",
    "case__updated_at",
    "case__child__sex",
    "case__child__date_of_birth",
    "case__child__updated_at",
)


# --- queueing (signal handlers) -------------------------------------------------------------------


def queue_case(case_id: int | None) -> None:
    if case_id is not None:
        FactQueue.objects.create(case_id=case_id)
        _schedule_refresh()


def queue_person(person_id: int | None) -> None:
    if person_id is not None:
        FactQueue.objects.create(person_id=person_id)
        _schedule_refresh()


def _schedule_refresh() -> None:
    """After the change commits, ask the worker to fold it in (once per transaction), so the
    facts are current even when nobody reads a report for a while."""
    if not connection.in_atomic_block:
        _enqueue_refresh()
        return
    if any(entry[1] is _enqueue_refresh for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_refresh)


def _refresh_already_waiting() -> bool:
    """A refresh task that no worker has started yet will fold in this change too (it reads the
    queue when it runs): a burst of saves enqueues one task, not one per save."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from cpims.reporting.tasks import refresh_facts

    if not isinstance(refresh_facts.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=refresh_facts.module_path, status=TaskResultStatus.READY).exists()


def _enqueue_refresh() -> None:
    from cpims.reporting.tasks import refresh_facts

    try:
        if _refresh_already_waiting():
            return
        refresh_facts.enqueue()
    except Exception:  # the next read catches up anyway; a queue hiccup must not fail a save
        logger.warning("could not enqueue the facts refresh", exc_info=True)


# --- building -------------------------------------------------------------------------------------


# --- who held a case when ------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """The office that held a case, and the county and sub-county its figures count in."""

    office_id: int
    county_id: int | None
    sub_county_id: int | None


# (from this day, holder): the first entry is the office where the case was reported.
History = list[tuple[dt.date, Holder]]

_CASE_SOURCE = ("id", "office_id", "county_id", "sub_county_id", "event_county_id", "event_sub_county_id")
_TRANSFER_SOURCE = (
    "id",
    "case_id",
    "answered_at",
    "from_office_id",
    "from_office__county_id",
    "from_office__sub_county_id",
    "to_office_id",
    "to_office__county_id",
    "to_office__sub_county_id",
)


def _histories(case_ids: list[int]) -> tuple[dict[int, History], list[dict[str, Any]]]:
    """Each case's offices over time, from its accepted transfers (two queries for the chunk), and
    those transfers. A case without one was held by its current office all along. An office that
    serves no area counts in the area where the event happened, as when the case was opened."""
    from cpims.cases.models import Case
    from cpims.referrals.models import Transfer

    cases = {r["id"]: r for r in Case.objects.filter(pk__in=case_ids).values(*_CASE_SOURCE)}
    accepted = list(
        Transfer.objects.filter(case_id__in=case_ids, status=Transfer.Status.ACCEPTED, answered_at__isnull=False)
        .order_by("case_id", "answered_at", "id")
        .values(*_TRANSFER_SOURCE)
    )
    histories: dict[int, History] = {
        cid: [(dt.date.min, Holder(c["office_id"], c["county_id"], c["sub_county_id"]))] for cid, c in cases.items()
    }
    for t in accepted:
        c = cases.get(t["case_id"])
        if c is None:
            continue
        history = histories[t["case_id"]]
        if history[0][0] == dt.date.min and len(history) == 1:  # the first transfer: reported at its sender
            history[0] = (
                dt.date.min,
                Holder(
                    t["from_office_id"],
                    t["from_office__county_id"] or c["event_county_id"],
                    t["from_office__sub_county_id"] or c["event_sub_county_id"],
                ),
            )
        t["on"] = timezone.localtime(t["answered_at"]).date()
        history.append(
            (
                t["on"],
                Holder(
                    t["to_office_id"],
                    t["to_office__county_id"] or c["event_county_id"],
                    t["to_office__sub_county_id"] or c["event_sub_county_id"],
                ),
            )
        )
    return histories, accepted


def holder_on(history: History, day: dt.date) -> Holder:
    """The office that held the case on ``day`` (from the day a transfer was accepted, the new one)."""
    holder = history[0][1]
    for since, who in history[1:]:
        if since > day:
            break
        holder = who
    return holder


def _fact(row: dict[str, Any], primary: bool, holder: Holder) -> CaseFact:
    reported_on: dt.date = row["case__reported_on"]
    age = ages.age_on(row["case__child__date_of_birth"], reported_on)
    closed_on = row["case__closed_on"]
    return CaseFact(
        case_id=row["case_id"],
        case_category_id=row["id"],
        primary=primary,
        reported_on=reported_on,
        month=reported_on.replace(day=1),
        office_id=holder.office_id,
        county_id=holder.county_id,
        sub_county_id=holder.sub_county_id,
        event_ward_id=row["case__event_ward_id"],
        category_id=row["category_id"],
        sub_category_id=row["sub_category_id"],
        intervention_id=row["intervention_id"],
        place_of_event_id=row["place_of_event_id"],
        risk_level_id=row["case__risk_level_id"],
        reporter_type_id=row["case__reporter_type_id"],
        sex=row["case__child__sex"] or "unknown",
        age=age,
        dcs_band=ages.band_of(ages.DCS, age),
        knbs_band=ages.band_of(ages.KNBS, age),
        status=row["case__status"],
        closed_on=closed_on,
        days_to_close=(closed_on - reported_on).days if closed_on else None,
        case_updated_at=row["case__updated_at"],
        child_updated_at=row["case__child__updated_at"],
    )


_REFERRAL_SOURCE = (
    "id",
    "case_id",
    "status",
    "sent_on",
    "completed_at",
    "updated_at",
)


def _referral_fact(row: dict[str, Any], history: History) -> ReferralFact:
    completed_at = row["completed_at"]
    holder = holder_on(history, row["sent_on"])
    return ReferralFact(
        referral_id=row["id"],
        case_id=row["case_id"],
        office_id=holder.office_id,
        county_id=holder.county_id,
        sub_county_id=holder.sub_county_id,
        status=row["status"],
        sent_on=row["sent_on"],
        # A referral completed at 00:30 in Nairobi counts on that Nairobi day, not the UTC one.
        completed_on=timezone.localtime(completed_at).date() if completed_at else None,
        referral_updated_at=row["updated_at"],
    )


def _refresh_referrals(case_ids: list[int], histories: dict[int, History]) -> None:
    """Replace the referral facts of these cases (a referral counts for the office that held its
    case on the day it was sent)."""
    from cpims.referrals.models import Referral

    ReferralFact.objects.filter(case_id__in=case_ids).delete()
    rows = Referral.objects.filter(case_id__in=case_ids).order_by("id").values(*_REFERRAL_SOURCE)
    ReferralFact.objects.bulk_create(
        [_referral_fact(r, histories[r["case_id"]]) for r in rows if r["case_id"] in histories], batch_size=CHUNK
    )


_SERVICE_SOURCE = ("id", "case_id", "service_id", "given_on", "child__sex", "child__date_of_birth")


def _refresh_services(case_ids: list[int], histories: dict[int, History]) -> None:
    """Replace the service facts of these cases: each service given on a case counts for the
    office that held the case that day, by the child's sex and age on that day."""
    from cpims.cases.models import ServiceRecord

    ServiceFact.objects.filter(case_id__in=case_ids).delete()
    rows = ServiceRecord.objects.filter(case_id__in=case_ids).order_by("id").values(*_SERVICE_SOURCE)
    made = []
    for r in rows:
        if r["case_id"] not in histories:
            continue
        holder = holder_on(histories[r["case_id"]], r["given_on"])
        age = ages.age_on(r["child__date_of_birth"], r["given_on"])
        made.append(
            ServiceFact(
                service_record_id=r["id"],
                case_id=r["case_id"],
                service_id=r["service_id"],
                given_on=r["given_on"],
                office_id=holder.office_id,
                county_id=holder.county_id,
                sub_county_id=holder.sub_county_id,
                sex=r["child__sex"] or "unknown",
                dcs_band=ages.band_of(ages.DCS, age),
                knbs_band=ages.band_of(ages.KNBS, age),
            )
        )
    ServiceFact.objects.bulk_create(made, batch_size=CHUNK)


def _refresh_transfers(case_ids: list[int], histories: dict[int, History], accepted: list[dict[str, Any]]) -> None:
    """Replace the transfer facts of these cases: an accepted transfer is a transfer out of the
    office that held the case and a transfer in to the next one, on the day it was accepted."""
    TransferFact.objects.filter(case_id__in=case_ids).delete()
    made = []
    step: dict[int, int] = {}
    for t in accepted:  # in the order _histories appended them: entry k + 1 is transfer k's receiver
        history = histories.get(t["case_id"])
        if history is None:
            continue
        k = step[t["case_id"]] = step.get(t["case_id"], -1) + 1
        for direction, who in (
            (TransferFact.Direction.OUT, history[k][1]),
            (TransferFact.Direction.IN, history[k + 1][1]),
        ):
            made.append(
                TransferFact(
                    transfer_id=t["id"],
                    case_id=t["case_id"],
                    direction=direction,
                    on=t["on"],
                    office_id=who.office_id,
                    county_id=who.county_id,
                    sub_county_id=who.sub_county_id,
                )
            )
    TransferFact.objects.bulk_create(made, batch_size=CHUNK)


def _refresh_followups(case_ids: list[int]) -> set[rollups.DueKey]:
    """Replace the follow-up facts of these cases: each follow-up neither done nor ended, on a
    case not closed, in the office and areas holding the case now. Returns the (day due, county,
    sub-county) keys they filled before and fill now, for the roll-up."""
    from cpims.cases.models import Case, FollowUp

    old = FollowUpFact.objects.filter(case_id__in=case_ids)
    keys = set(old.values_list("due_on", "county_id", "sub_county_id").distinct())
    old.delete()
    rows = (
        FollowUp.objects.filter(case_id__in=case_ids, done_on__isnull=True, ended_on__isnull=True)
        .exclude(case__status=Case.Status.CLOSED)
        .values_list("id", "case_id", "due_on", "case__office_id", "case__county_id", "case__sub_county_id")
    )
    made = [
        FollowUpFact(
            followup_id=pk, case_id=case_id, due_on=due_on, office_id=office, county_id=county, sub_county_id=sub_county
        )
        for pk, case_id, due_on, office, county, sub_county in rows
    ]
    FollowUpFact.objects.bulk_create(made, batch_size=CHUNK)
    return keys | {(f.due_on, f.county_id, f.sub_county_id) for f in made}


def _refresh_chunk(case_ids: list[int], *, rollup: bool = True) -> int:
    from cpims.cases.models import CaseCategory

    if rollup:
        # Before the facts are read: the national cells add differences, and two refreshes of one
        # case that both read the old facts would add the same difference twice.
        xact_lock(rollups.LOCK)
    cells_before = rollups.cells_of(case_ids) if rollup else None
    histories, accepted = _histories(case_ids)
    _refresh_referrals(case_ids, histories)
    _refresh_services(case_ids, histories)
    _refresh_transfers(case_ids, histories, accepted)
    due = _refresh_followups(case_ids)
    before = rollups.keys_of(case_ids) if rollup else set()

    rows = list(CaseCategory.objects.filter(case_id__in=case_ids).order_by("case_id", "id").values(*_SOURCE))
    facts: list[CaseFact] = []
    seen: set[int] = set()
    for row in rows:
        # Reported where it was reported: the first holder, whatever transfers came after.
        facts.append(_fact(row, primary=row["case_id"] not in seen, holder=histories[row["case_id"]][0][1]))
        seen.add(row["case_id"])
    # Rows of categories (or cases) that no longer exist go first, so the one-primary-per-case
    # constraint never sees the old and the new first category at once.
    CaseFact.objects.filter(case_id__in=case_ids).exclude(
        case_category_id__in=[f.case_category_id for f in facts]
    ).delete()
    if facts:
        CaseFact.objects.bulk_create(
            facts,
            update_conflicts=True,
            unique_fields=["case_category"],
            update_fields=_FIELDS,
            batch_size=CHUNK,
        )
    if cells_before is not None:
        cells = rollups.difference(rollups.cells_of(case_ids), cells_before)
        rollups.refresh(before | {(f.month, f.county_id, f.sub_county_id) for f in facts}, cells)
        rollups.refresh_due(due)
    return len(seen)


def refresh_cases(case_ids: Iterable[int], *, rollup: bool = True) -> int:
    """Rebuild the facts of these cases (dropping rows of deleted categories or cases); returns
    how many cases now have facts. ``rollup=False`` leaves the roll-ups to a ``rollups.rebuild()``
    afterwards (bulk loads)."""
    ids = sorted({int(i) for i in case_ids if i is not None})
    done = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            done += _refresh_chunk(ids[start : start + CHUNK], rollup=rollup)
    return done


# Catch-ups queue behind each other (two rebuilding one case at once would only repeat work).
CATCH_UP_LOCK = 0x43504D53  # "CPMS"


def catch_up(*, sweep: bool = False, wait: bool = True) -> int:
    """Fold every queued change into the facts; with ``sweep``, also check the records'
    timestamps since the last sweep (at most every SWEEP_EVERY). Returns the cases refreshed.

    With ``wait=False`` (a report being read) nothing is done when another catch-up is running:
    readers do not queue behind each other and the worker, and read the facts as that catch-up
    leaves them a moment later (at most the changes of that moment behind)."""
    from cpims.cases.models import Case

    refreshed = 0
    pending = list(FactQueue.objects.order_by("id").values_list("id", "case_id", "person_id")[: CHUNK * 10])
    if pending:
        with transaction.atomic():
            if not wait and not try_xact_lock(CATCH_UP_LOCK):
                return 0
            if wait:
                xact_lock(CATCH_UP_LOCK)
            top = pending[-1][0]
            # Re-read under the lock: another catch-up may have done (part of) the work.
            pending = list(FactQueue.objects.filter(id__lte=top).values_list("id", "case_id", "person_id"))
            case_ids = {c for _i, c, _p in pending if c is not None}
            person_ids = {p for _i, _c, p in pending if p is not None}
            if person_ids:
                case_ids |= set(Case.objects.filter(child_id__in=person_ids).values_list("id", flat=True))
            refreshed += refresh_cases(case_ids)
            FactQueue.objects.filter(id__lte=top).delete()
        if len(pending) >= CHUNK * 10:  # a big backlog: keep going
            refreshed += catch_up(wait=wait)
    if sweep:
        refreshed += _sweep()
    return refreshed


def _sweep(now: dt.datetime | None = None) -> int:
    from cpims.cases.models import Case

    now = now or timezone.now()
    state, _created = FactState.objects.get_or_create(pk=1)
    if state.swept_at and now - state.swept_at < SWEEP_EVERY:
        return 0
    current = CaseFact.objects.filter(
        case=OuterRef("pk"),
        primary=True,
        case_updated_at=OuterRef("updated_at"),
        child_updated_at=OuterRef("child__updated_at"),
    )
    changed = Case.objects.all()
    if state.swept_at:
        since = state.swept_at - SWEEP_OVERLAP
        changed = changed.filter(Q(updated_at__gte=since) | Q(child__updated_at__gte=since))
    stale = set(changed.filter(~Exists(current), categories__isnull=False).values_list("id", flat=True).distinct())
    stale |= _stale_referral_cases(state.swept_at)
    with transaction.atomic():
        xact_lock(CATCH_UP_LOCK)
        count = refresh_cases(stale)
        FactState.objects.filter(pk=1).update(swept_at=now)
    return count


def _stale_referral_cases(swept_at: dt.datetime | None) -> set[int]:
    """Cases with a referral whose fact is missing or older than the referral."""
    from cpims.referrals.models import Referral

    current = ReferralFact.objects.filter(referral=OuterRef("pk"), referral_updated_at=OuterRef("updated_at"))
    changed = Referral.objects.all()
    if swept_at:
        changed = changed.filter(updated_at__gte=swept_at - SWEEP_OVERLAP)
    return set(changed.filter(~Exists(current)).values_list("case_id", flat=True).distinct())


def rebuild_all(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every fact, chunk by chunk (each its own transaction), and drop facts whose case
    is gone. Returns the number of cases with facts."""
    from cpims.cases.models import Case

    FactQueue.objects.all().delete()
    CaseFact.objects.filter(~Exists(Case.objects.filter(pk=OuterRef("case_id")))).delete()
    ReferralFact.objects.filter(~Exists(Case.objects.filter(pk=OuterRef("case_id")))).delete()
    ServiceFact.objects.filter(~Exists(Case.objects.filter(pk=OuterRef("case_id")))).delete()
    FollowUpFact.objects.filter(~Exists(Case.objects.filter(pk=OuterRef("case_id")))).delete()
    total = Case.objects.count()
    done, last = 0, 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            _refresh_chunk(ids, rollup=False)
        done += len(ids)
        if progress:
            progress(done, total)
    rollups.rebuild()
    FactState.objects.update_or_create(pk=1, defaults={"swept_at": timezone.now()})
    return CaseFact.objects.filter(primary=True).count()
