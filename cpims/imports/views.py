"""Import pages: choose a kind and upload (with templates to download), see the dry run's result
row by row, confirm. Thin: parse, call a query or an action, render."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.forms import attach_errors
from cpims.imports import actions, queries
from cpims.imports.forms import ConfirmForm, UploadForm
from cpims.imports.kinds.base import get_kind
from cpims.imports.models import ImportBatch
from cpims.imports.reading import max_bytes, max_rows
from cpims.imports.workbook import template_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def home(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, queries.DATA_IMPORT)
    kinds = queries.kinds_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            batch, _report = actions.import_upload(
                actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], request=request
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("imports:batch", public_id=batch.public_id)
    return render(
        request,
        "imports/home.html",
        {
            "form": form,
            "kinds": kinds,
            "batches": queries.batches_of(request.user),
            "max_mb": f"{max_bytes() / (1024 * 1024):g}",
            "max_rows": max_rows(),
        },
    )


@login_required
@require_GET
def template(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    scope.require_perm(request.user, queries.DATA_IMPORT)
    found = get_kind(kind)
    if found is None:
        raise Http404
    if found not in queries.kinds_for(request.user):
        raise Http404
    response = HttpResponse(template_bytes(found), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="cpims-import-{found.code}.xlsx"'
    return response


@login_required
@require_GET
def batch(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    upload = queries.batch_for(request.user, public_id)
    report = None
    file_error = ""
    if upload.status == ImportBatch.Status.CHECKED:
        try:
            report = actions.import_check(actor=request.user, batch=upload, request=request)
        except ValidationError as exc:
            file_error = " ".join(exc.messages)
    kind = get_kind(upload.kind)
    return render(
        request,
        "imports/batch.html",
        {
            "upload": upload,
            "kind": kind,
            "report": report,
            "file_error": file_error,
            "columns": [c.key for c in kind.columns] if kind else [],
            "form": ConfirmForm(),
            "keep_days": actions.keep_days(),
        },
    )


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    upload = queries.batch_for(request.user, public_id)
    form = ConfirmForm(request.POST)
    clean_only = bool(form.is_valid() and form.cleaned_data["clean_only"])
    try:
        report = actions.import_run(actor=request.user, batch=upload, clean_only=clean_only, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:batch", public_id=upload.public_id)
    if report.committed:
        count = report.clean_count
        messages.success(
            request, ngettext("%(count)d row imported.", "%(count)d rows imported.", count) % {"count": count}
        )
    else:
        messages.error(
            request,
            _(
                "Nothing was imported: some rows have problems. Fix them and upload the file again, or choose "
                "to import only the rows without problems."
            ),
        )
    return redirect("imports:batch", public_id=upload.public_id)


@login_required
@require_POST
def discard(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    upload = queries.batch_for(request.user, public_id)
    try:
        actions.import_discard(actor=request.user, batch=upload, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:batch", public_id=upload.public_id)
    messages.success(request, _("The file was discarded: nothing from it was imported, and it is deleted."))
    return redirect("imports:home")
