"""Running an import: the dry run and the real import are the same code.

Every row goes through the owning app's action inside its own savepoint, so a bad row leaves
nothing behind and the checks are exactly the action's (scope, duplicates, codes, uniqueness within
the file, since earlier rows are already written in the same transaction). The dry run then rolls
the whole transaction back; the import commits it, only when the file is clean or the user chose to
import the clean rows only. Messages are produced while running, so they come in the language of the
user who is looking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cpims.imports.kinds.base import Context, ImportKind, RowProblem
from cpims.imports.reading import Row, Table

OK, ERROR, DUPLICATE = "ok", "error", "duplicate"


@dataclass
class RowResult:
    number: int
    status: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    neutralised: list[str] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    results: list[RowResult] = field(default_factory=list)
    committed: bool = False

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def clean_count(self) -> int:
        return sum(1 for r in self.results if r.status == OK)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.results if r.status == ERROR)

    @property
    def duplicate_count(self) -> int:
        return sum(1 for r in self.results if r.status == DUPLICATE)

    @property
    def neutralised_count(self) -> int:
        return sum(1 for r in self.results if r.neutralised)

    @property
    def is_clean(self) -> bool:
        return self.clean_count == self.total

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.results if r.status != OK or r.neutralised]

    def counts(self) -> dict[str, Any]:
        """For the audit event: numbers only, never a cell's content."""
        return {
            "kind": self.kind,
            "rows": self.total,
            "imported": self.clean_count if self.committed else 0,
            "errors": self.error_count,
            "duplicates": self.duplicate_count,
            "neutralised": self.neutralised_count,
        }


class _Rollback(Exception):
    pass


def _errors_of(kind: ImportKind, exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (kind.column_for(name), str(message)) for name, messages in exc.message_dict.items() for message in messages
        ]
    return [("", str(message)) for message in exc.messages]


def _one(kind: ImportKind, ctx: Context, row: Row) -> RowResult:
    result = RowResult(number=row.number, status=OK, neutralised=list(row.neutralised))
    try:
        with transaction.atomic():
            kind.import_row(ctx, row)
    except RowProblem as exc:
        result.status = DUPLICATE if exc.duplicate else ERROR
        result.errors = exc.errors
    except ValidationError as exc:
        result.status = ERROR
        result.errors = _errors_of(kind, exc)
    except PermissionDenied:
        result.status = ERROR
        result.errors = [("", _("You may not import this row: it lies outside the area where you may do this."))]
    except IntegrityError:
        result.status = ERROR
        result.errors = [("", _("This row clashes with a record saved at the same moment; check it and try again."))]
    return result


def run(
    *,
    kind: ImportKind,
    ctx: Context,
    table: Table,
    commit: bool,
    clean_only: bool = False,
    on_commit: Any = None,
) -> Report:
    """Check (``commit=False``) or import the rows of ``table``.

    An import commits only when every row is clean, or when ``clean_only`` and at least one row is
    clean; otherwise nothing is written and ``report.committed`` is False. ``on_commit(report)`` runs
    inside the transaction just before it commits (the caller writes its audit event there)."""
    report = Report(kind=kind.code)
    try:
        with transaction.atomic(durable=True):
            for row in table.rows:
                report.results.append(_one(kind, ctx, row))
            if not commit or report.clean_count == 0 or not (report.is_clean or clean_only):
                raise _Rollback
            report.committed = True
            if on_commit is not None:
                on_commit(report)
    except _Rollback:
        report.committed = False
    return report
