"""Pages of the legacy import: runs, one run's mapping report (HTML and CSV), starting a run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.legacy import forms, queries, tasks
from cpims.legacy.report import report_context, report_csv


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.runs_for(request.user)[:50]
    form = forms.StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = tasks.import_enqueue(actor=request.user, options=form.options(), request=request)
        messages.success(request, _("The import was queued. Its progress shows on this page."))
        return redirect("legacy:run", public_id=run.public_id)
    return render(request, "legacy/runs.html", {"runs": rows, "form": form})


@login_required
def run(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    item = queries.run_for(request.user, public_id)
    audit_record(actor=request.user, action="legacy.report_view", obj=item, request=request)
    return render(request, "legacy/run.html", report_context(item, limit=200))


@login_required
def run_csv(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    item = queries.run_for(request.user, public_id)
    audit_record(actor=request.user, action="legacy.report_export", obj=item, request=request)
    response = HttpResponse(report_csv(item), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="legacy-import-{item.public_id}.csv"'
    return response
