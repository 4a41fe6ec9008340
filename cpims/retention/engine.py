"""What a retention run finds and does: for each rule of the schedule, the records that are due,
those held back (legal holds and automatic holds), and, in a real run, the anonymising or deleting
of the rest in batches (one transaction and one audit event per batch).

Anonymising a case keeps every column the caseload facts are built from (codes, dates, status,
offices, the child's sex and date of birth), so a facts rebuild afterwards gives the same figures;
it blanks the fields the data dictionary marks ``erase`` on the models that say how to reach them
(``anonymise:`` in data_dictionary.yaml), deletes the rows marked ``delete_rows``, and blanks the
same fields in the change history. Which fields that is lives in the dictionary, so a new model
is covered by adding its entry, not by changing this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent
from cpims.care.models import Placement
from cpims.cases.models import Case
from cpims.court.models import CourtOrder, CourtSession, Summons
from cpims.intake.models import IntakeReport
from cpims.registry.models import ADULT_AGE
from cpims.reporting.models import Download
from cpims.retention import dictionary
from cpims.retention.models import Erasure, LegalHold, RetentionRule, RetentionRun

BATCH = 200
K = RetentionRule.Kind


def months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always fits


def cutoff(rule: RetentionRule, today: dt.date) -> dt.date:
    """Records whose clock started on or before this day are due."""
    if rule.unit == RetentionRule.Unit.DAYS:
        return today - dt.timedelta(days=rule.period)
    months = rule.period * (12 if rule.unit == RetentionRule.Unit.YEARS else 1)
    return months_before(today, months)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# --- holds ----------------------------------------------------------------------------------------


def active_holds(today: dt.date) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=today))


def hold_reasons(today: dt.date) -> dict[str, Q]:
    """Why a case is held, as filters on Case. A hold on the child holds every case of the child."""
    holds = active_holds(today)
    return {
        "legal_hold": Q(Exists(holds.filter(case=OuterRef("pk")))) | Q(Exists(holds.filter(person=OuterRef("child")))),
        "court": Q(Exists(CourtSession.objects.filter(case=OuterRef("pk"), next_date__gte=today)))
        | Q(Exists(CourtOrder.objects.filter(session__case=OuterRef("pk"), expires_on__gte=today)))
        | Q(Exists(Summons.objects.filter(case=OuterRef("pk"), status=Summons.Status.PENDING))),
        "open_case": Q(Exists(Case.objects.filter(child=OuterRef("child")).exclude(status=Case.Status.CLOSED))),
        "in_care": Q(Exists(Placement.objects.filter(child=OuterRef("child"), ended_on__isnull=True))),
    }


def any_hold(today: dt.date) -> Q:
    q = Q(pk__in=[])
    for reason in hold_reasons(today).values():
        q |= reason
    return q


# --- what is due ----------------------------------------------------------------------------------


def case_due_q(rule: RetentionRule, today: dt.date) -> Q:
    """Closed, closed before the cut-off, and the child an adult for the whole period. A child with
    no date of birth is treated as a newborn on the day the case closed."""
    cut = cutoff(rule, today)
    adult_born_by = months_before(cut, ADULT_AGE * 12)
    return Q(status=Case.Status.CLOSED, closed_on__lte=cut) & (
        Q(child__date_of_birth__lte=adult_born_by) | Q(child__date_of_birth__isnull=True, closed_on__lte=adult_born_by)
    )


def _erased(label: str) -> QuerySet[Erasure]:
    return Erasure.objects.filter(model=label)


def due_queryset(rule: RetentionRule, today: dt.date) -> QuerySet[Any]:
    if rule.kind == K.CLOSED_CASE:
        erased = _erased("cases.case").values("object_id")
        return Case.objects.filter(case_due_q(rule, today)).exclude(pk__in=erased)
    if rule.kind == K.DISMISSED_INTAKE:
        return IntakeReport.objects.filter(
            status=IntakeReport.Status.DISMISSED, case__isnull=True, triaged_at__lt=_start_of(cutoff(rule, today))
        )
    if rule.kind == K.AUDIT_EVENT:
        return AuditEvent.objects.filter(at__lt=_start_of(cutoff(rule, today)))
    if rule.kind == K.DOWNLOAD:
        return Download.objects.filter(created_at__lt=_start_of(cutoff(rule, today)))
    raise ValueError(rule.kind)


@dataclass
class KindReport:
    kind: str
    action: str
    due: int = 0
    held: dict[str, int] = field(default_factory=dict)
    done: int = 0
    people: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "action": self.action,
            "due": self.due,
            "held": self.held,
            "done": self.done,
            "people": self.people,
        }


def survey(rule: RetentionRule, today: dt.date) -> tuple[KindReport, QuerySet[Any]]:
    """How many records are due and held; and the queryset of those to act on."""
    report = KindReport(rule.kind, rule.action)
    due = due_queryset(rule, today)
    report.due = due.count()
    if rule.kind == K.CLOSED_CASE:
        for reason, q in hold_reasons(today).items():
            n = due.filter(q).count()
            if n:
                report.held[reason] = n
        return report, due.exclude(any_hold(today))
    return report, due


# --- doing it -------------------------------------------------------------------------------------


def _blank(f: models.Field) -> Any:
    if isinstance(f, models.JSONField):
        return {}
    if f.null and not isinstance(f, (models.CharField, models.TextField)):
        return None
    return ""


def _specs(target: str) -> Iterator[tuple[type[models.Model], dict[str, Any], list[str]]]:
    entries = dictionary.load()
    for label, entry in entries.models.items():
        spec = entry.get("anonymise")
        if spec and spec.get("with") == target:
            yield apps.get_model(label), spec, dictionary.erase_fields(label, entries)


def _files(qs: QuerySet[Any], names: list[str]) -> list[tuple[Any, str]]:
    found = []
    for name in names:
        f = qs.model._meta.get_field(name)
        if isinstance(f, models.FileField):
            found += [(f.storage, path) for path in qs.exclude(**{name: ""}).values_list(name, flat=True) if path]
    return found


def anonymise(target: str, ids: list[int]) -> int:
    """Blank or delete, for the cases (``target="case"``) or people (``"person"``) with these ids,
    every row the dictionary says how to reach; inside the caller's transaction. Returns the rows
    changed."""
    changed = 0
    files: list[tuple[Any, str]] = []
    for model, spec, erase in _specs(target):
        path = spec.get("path", "")
        where = {f"{path}__in" if path else "pk__in": ids}
        qs = model._default_manager.filter(**where)
        history = getattr(model, "history", None)
        history_qs = history.model.objects.filter(**where if path else {"id__in": ids}) if history else None
        if spec.get("delete_rows"):
            if history_qs is not None:
                history_qs.delete()
            changed += qs.delete()[0]
            continue
        if not erase:
            continue
        files += _files(qs, erase)
        values = {name: _blank(model._meta.get_field(name)) for name in erase}  # type: ignore[arg-type]
        changed += qs.update(**values)
        if history_qs is not None:
            history_qs.update(**values)
    _delete_files_after_commit(files)
    return changed


def _delete_files_after_commit(files: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, path in files:
            storage.delete(path)

    if files:
        transaction.on_commit(delete)


def _batches(qs: QuerySet[Any]) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _audit(run: RetentionRun, action: str, kind: str, details: dict[str, Any]) -> None:
    audit_record(
        actor=run.started_by,
        action=action,
        obj=run,
        actor_username="" if run.started_by else "retention job",
        details={"kind": kind, **details},
    )


def _anonymise_cases(run: RetentionRun, rule: RetentionRule, todo: QuerySet[Any], report: KindReport) -> None:
    today = timezone.localdate()
    blocked_q = ~case_due_q(rule, today) | any_hold(today)
    for ids in _batches(todo):
        with transaction.atomic():
            ids = list(todo.filter(pk__in=ids).select_for_update().values_list("pk", flat=True))  # still due?
            children = set(Case.objects.filter(pk__in=ids).values_list("child_id", flat=True))
            children -= set(
                Case.objects.filter(child_id__in=children).filter(blocked_q).values_list("child_id", flat=True)
            )
            children -= set(
                _erased("registry.person").filter(object_id__in=children).values_list("object_id", flat=True)
            )
            people = sorted(children)
            anonymise("case", ids)
            anonymise("person", people)
            Erasure.objects.bulk_create(
                [Erasure(run=run, model="cases.case", object_id=i) for i in ids]
                + [Erasure(run=run, model="registry.person", object_id=i) for i in people]
            )
            _audit(run, "retention.anonymise", rule.kind, {"cases": len(ids), "people": len(people)})
        report.done += len(ids)
        report.people += len(people)


def _allow_audit_delete() -> None:
    """On PostgreSQL the audit table refuses DELETE (append-only triggers) except inside a
    transaction that says it is the retention job (migration retention 0002)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cpims.retention_purge = 'on'")


def _delete(run: RetentionRun, rule: RetentionRule, todo: QuerySet[Any], report: KindReport) -> None:
    for ids in _batches(todo):
        with transaction.atomic():
            batch = todo.model._default_manager.filter(pk__in=ids)
            if rule.kind == K.AUDIT_EVENT:
                _allow_audit_delete()
                batch._raw_delete(batch.db)  # AuditEvent.delete() refuses; this is the documented way
                n = len(ids)
            else:
                files = _files(batch, ["file"]) if rule.kind == K.DOWNLOAD else []
                batch.delete()
                n = len(ids)
                _delete_files_after_commit(files)
            _audit(run, "retention.delete", rule.kind, {"rows": n})
        report.done += n


def execute(run: RetentionRun) -> dict[str, Any]:
    """Survey every enabled rule and, unless the run is dry, act on what is due and not held."""
    today = timezone.localdate()
    reports = {}
    for rule in RetentionRule.objects.filter(enabled=True).order_by("kind"):
        report, todo = survey(rule, today)
        if not run.dry_run:
            if rule.kind == K.CLOSED_CASE and rule.action == RetentionRule.Action.ANONYMISE:
                _anonymise_cases(run, rule, todo, report)
            elif rule.kind != K.CLOSED_CASE:
                _delete(run, rule, todo, report)
        reports[rule.kind] = report.as_dict()
    return reports
