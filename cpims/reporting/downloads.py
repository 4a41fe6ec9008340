"""Background downloads: one mechanism for every long-running file (exports, packs).

An app registers a *kind* with a builder; ``download_start`` records the request (audited) and
enqueues the ``build_download`` task; the worker runs the builder *as the owner* (the builder
reads through the usual scoped queries with ``download.owner``), reporting progress, and keeps
the file in the shared private storage (cpims.core.files: MEDIA_ROOT/private/ or an S3 bucket).
Only the owner can see the download or fetch its file.

    register_download_kind("caseload_xlsx", build_caseload_xlsx, _("Caseload table (Excel)"))
    download = download_start(actor=user, kind="caseload_xlsx", params={...}, request=request)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.files import PrivateFile
from cpims.reporting.models import Download

logger = logging.getLogger(__name__)

# builder(download, progress) -> (filename, content_type, bytes)
Builder = Callable[[Download, Callable[[int, str], None]], tuple[str, str, bytes]]


@dataclass(frozen=True)
class DownloadKind:
    kind: str
    builder: Builder
    label: Any


_KINDS: dict[str, DownloadKind] = {}

# One person may not keep more than this many files waiting or being made at once.
MAX_ACTIVE_PER_USER = 5


def register_download_kind(kind: str, builder: Builder, label: Any) -> None:
    """Make ``kind`` available to ``download_start`` (call at import time or in AppConfig.ready)."""
    _KINDS[kind] = DownloadKind(kind, builder, label)


def kind_label(kind: str) -> str:
    entry = _KINDS.get(kind)
    return str(entry.label) if entry else kind


def download_start(*, actor: User, kind: str, params: dict, request: HttpRequest | None = None) -> Download:
    """Record a download for ``actor`` (audited "download.start") and enqueue its building."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if kind not in _KINDS:
        raise ValidationError({"kind": [_("Unknown kind of download.")]}, code="kind")
    if not isinstance(params, dict):
        raise ValidationError({"params": [_("Invalid download parameters.")]}, code="params")
    from cpims.reporting.tasks import build_download

    active = Download.objects.filter(owner=actor, status__in=[Download.Status.QUEUED, Download.Status.RUNNING]).count()
    if active >= MAX_ACTIVE_PER_USER:
        raise ValidationError(
            _("You already have %(n)s files being prepared; wait until one is ready.") % {"n": active},
            code="busy",
        )
    with transaction.atomic():
        download = Download.objects.create(owner=actor, kind=kind, params=params)
        audit_record(
            actor=actor,
            action="download.start",
            obj=download,
            object_label=kind,
            request=request,
            details={"kind": kind, "params": params},
        )
        # With the database backend the task row commits with the download; in tests the task
        # runs here and now.
        build_download.enqueue(download.pk)
    download.refresh_from_db()
    return download


def _set(download_id: int, **fields: Any) -> None:
    Download.objects.filter(pk=download_id).update(**fields)


def run(download_id: int) -> str:
    """Build one download (the task body). Never raises: failure is recorded on the download."""
    download = Download.objects.select_related("owner").filter(pk=download_id).first()
    if download is None or download.status != Download.Status.QUEUED:
        return "skipped"
    entry = _KINDS.get(download.kind)
    _set(download.pk, status=Download.Status.RUNNING, started_at=timezone.now(), progress=0)

    def progress(percent: int, message: str = "") -> None:
        _set(download.pk, progress=max(0, min(int(percent), 99)), message=str(message)[:255])

    try:
        if entry is None:
            raise ValidationError(_("Unknown kind of download."))
        if not download.owner.is_active:
            raise PermissionDenied
        # In the worker (autocommit) each progress update commits at once, so the page polling it
        # sees it move; inside a transaction (tests run tasks immediately) a savepoint keeps that
        # transaction usable when a builder fails.
        guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with guard:
            filename, content_type, content = entry.builder(download, progress)
    except (ValidationError, PermissionDenied, Http404) as exc:
        message = "; ".join(getattr(exc, "messages", [])) or _("You may no longer make this file.")
        _set(download.pk, status=Download.Status.FAILED, message=message[:255], finished_at=timezone.now())
        return "failed"
    except Exception:
        logger.exception("download %s (%s) failed", download.public_id, download.kind)
        _set(
            download.pk,
            status=Download.Status.FAILED,
            message=_("The file could not be made. Try again later or ask your administrator."),
            finished_at=timezone.now(),
        )
        return "failed"
    download.refresh_from_db()
    download.file.save(filename, ContentFile(content), save=False)
    Download.objects.filter(pk=download.pk).update(
        file=download.file.name,
        filename=filename,
        content_type=content_type,
        size=len(content),
        status=Download.Status.DONE,
        progress=100,
        message="",
        finished_at=timezone.now(),
    )
    return "done"


# --- reads ----------------------------------------------------------------------------------------


def downloads_of(user: User) -> Any:
    """The user's own downloads, newest first (nobody sees another person's)."""
    if not getattr(user, "is_authenticated", False):
        return Download.objects.none()
    return Download.objects.filter(owner=user)


def download_for(user: User, public_id: Any) -> Download:
    """One of the user's own downloads; 404 for anyone else's (we do not confirm it exists)."""
    try:
        return downloads_of(user).get(public_id=public_id)
    except (Download.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def download_file_open(user: User, public_id: Any, *, request: HttpRequest | None = None) -> Download:
    """The owner's finished download, its fetch audited ("download.file"); 404 otherwise."""
    download = download_for(user, public_id)
    if download.status != Download.Status.DONE or not download.file:
        raise Http404
    audit_record(
        actor=user,
        action="download.file",
        obj=download,
        object_label=download.kind,
        request=request,
        details={"kind": download.kind, "filename": download.filename},
    )
    return download


def download_private_file(user: User, public_id: Any, *, request: HttpRequest | None = None) -> PrivateFile:
    """The owner's finished file from the shared private storage (audited as download_file_open);
    also the resolver of signed "download" file URLs."""
    download = download_file_open(user, public_id, request=request)
    content_type = download.content_type or "application/octet-stream"
    return PrivateFile(file=download.file, filename=download.filename, content_type=content_type)
