"""Every write of the imports app: storing an upload (after its dry run) and running the import.

Both read the file through :mod:`cpims.imports.reading` and run the rows through
:mod:`cpims.imports.running`, which calls the owning apps' actions. Each writes one audit event with
counts only (kind, rows, imported, errors, duplicates, neutralised cells), never a cell's content.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.imports.kinds.base import Context, ImportKind, get_kind
from cpims.imports.models import ImportBatch
from cpims.imports.reading import FileRefused, Table, check_size, file_format, read_table
from cpims.imports.running import Report, run

CHECK = "import.check"
RUN = "import.run"
DISCARD = "import.discard"
EXPIRE = "import.expire"
STORAGE_DIR = "imports"
DEFAULT_KEEP_DAYS = 7


def keep_days() -> int:
    """Days an upload checked but never imported is kept before ``import_expire`` deletes it."""
    return int(getattr(settings, "CPIMS_IMPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS))


def _kind_for(actor: User, code: str) -> ImportKind:
    kind = get_kind(code)
    if kind is None:
        raise ValidationError({"kind": [_("Choose what you are importing.")]})
    if not (scope.has_perm(actor, P.DATA_IMPORT) and scope.has_perm(actor, kind.perm)):
        raise PermissionDenied
    return kind


def _table(kind: ImportKind, content: bytes, name: str) -> Table:
    try:
        return read_table(content, name, kind.required_headers(), aliases={c.key: c.key for c in kind.columns})
    except FileRefused as exc:
        raise ValidationError({"file": [exc.message]}) from exc


def _read_upload(upload: Any) -> bytes:
    try:
        check_size(getattr(upload, "size", None))
    except FileRefused as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    upload.seek(0)
    return bytes(upload.read())


def import_upload(
    *, actor: User, kind: str, upload: Any, request: HttpRequest | None = None
) -> tuple[ImportBatch, Report]:
    """Check an uploaded file (dry run: nothing is written) and keep it for the import.

    Raises ValidationError ({"file": …} or {"kind": …}) for a file that cannot be read, and
    PermissionDenied when the actor may not use this kind of import."""
    import_kind = _kind_for(actor, kind)
    name = getattr(upload, "name", "") or ""
    fmt = file_format(name)
    if fmt is None:
        raise ValidationError({"file": [_("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")]})
    content = _read_upload(upload)
    table = _table(import_kind, content, name)
    report = run(kind=import_kind, ctx=Context(actor=actor, request=request), table=table, commit=False)
    stored = default_storage.save(f"{STORAGE_DIR}/{uuid.uuid4().hex}.{fmt}", ContentFile(content))
    try:
        with transaction.atomic(durable=True):
            batch = ImportBatch.objects.create(
                kind=import_kind.code,
                file_format=fmt,
                stored_file=stored,
                size=len(content),
                rows=report.total,
                errors=report.error_count,
                duplicates=report.duplicate_count,
                created_by=actor,
            )
            audit_record(actor=actor, action=CHECK, obj=batch, request=request, details=report.counts())
    except Exception:
        default_storage.delete(stored)
        raise
    return batch, report


def _stored_table(batch: ImportBatch, kind: ImportKind) -> Table:
    try:
        with default_storage.open(batch.stored_file, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise ValidationError({"file": [_("The uploaded file is no longer available; upload it again.")]}) from exc
    return _table(kind, content, batch.stored_file)


def import_check(*, actor: User, batch: ImportBatch, request: HttpRequest | None = None) -> Report:
    """The dry run of a stored upload, again (for its result page, in the reader's language).
    Writes nothing."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied
    kind = _kind_for(actor, batch.kind)
    if batch.status != ImportBatch.Status.CHECKED:
        return Report(kind=kind.code)
    return run(kind=kind, ctx=Context(actor=actor, request=request), table=_stored_table(batch, kind), commit=False)


def import_run(
    *, actor: User, batch: ImportBatch, clean_only: bool = False, request: HttpRequest | None = None
) -> Report:
    """Import a checked upload: every row when all are clean; only the clean rows when
    ``clean_only`` (the user's explicit choice); otherwise nothing, and the report says why."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied
    kind = _kind_for(actor, batch.kind)
    if batch.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("This file was already imported."), code="done")
    table = _stored_table(batch, kind)

    def finish(report: Report) -> None:
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != ImportBatch.Status.CHECKED:
            raise ValidationError(_("This file was already imported."), code="done")
        current.status = ImportBatch.Status.IMPORTED
        current.imported = report.clean_count
        current.errors = report.error_count
        current.duplicates = report.duplicate_count
        current.rows = report.total
        current.imported_at = timezone.now()
        current.save()
        audit_record(
            actor=actor, action=RUN, obj=current, request=request, details={**report.counts(), "clean_only": clean_only}
        )

    report = run(
        kind=kind,
        ctx=Context(actor=actor, request=request),
        table=table,
        commit=True,
        clean_only=clean_only,
        on_commit=finish,
    )
    if report.committed:
        default_storage.delete(batch.stored_file)  # the rows are in CPIMS now; keep no copy of the file
        batch.refresh_from_db()
    return report


def _delete_stored_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def import_discard(*, actor: User, batch: ImportBatch, request: HttpRequest | None = None) -> ImportBatch:
    """The uploader throws away an upload checked but not imported: its stored file is deleted
    (once the change commits) and the batch keeps only its counts, as ``discarded``."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic(durable=True):
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != ImportBatch.Status.CHECKED:
            raise ValidationError(_("Only a file checked and not imported can be discarded."), code="done")
        current.status = ImportBatch.Status.DISCARDED
        current.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=DISCARD, obj=current, request=request, details={"kind": current.kind})
        _delete_stored_after_commit([current.stored_file])
    return current


def import_expire(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """The retention rule for uploads: those checked but not imported for ``days``
    (``CPIMS_IMPORT_KEEP_DAYS``) are discarded and their files deleted; one audit event per run
    with the count. Returns how many."""
    days = keep_days() if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic(durable=True):
        due = list(
            ImportBatch.objects.select_for_update()
            .filter(status=ImportBatch.Status.CHECKED, created_at__lt=cutoff)
            .values_list("pk", "stored_file")
        )
        if not due:
            return 0
        ImportBatch.objects.filter(pk__in=[pk for pk, _name in due]).update(
            status=ImportBatch.Status.DISCARDED, updated_at=timezone.now()
        )
        audit_record(
            actor=None, action=EXPIRE, object_type="imports.importbatch", details={"count": len(due), "days": days}
        )
        _delete_stored_after_commit([name for _pk, name in due])
    return len(due)
