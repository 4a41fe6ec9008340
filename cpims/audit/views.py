"""The audit log pages: the filtered list and its CSV export. Both are themselves audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cpims.audit import actions, export
from cpims.audit.forms import AuditFilterForm
from cpims.audit.models import AuditEvent
from cpims.audit.queries import NAIROBI, events_visible_to, filter_events, page_of
from cpims.core.forms import as_page


def _visible_or_denied(request: HttpRequest, action: str) -> QuerySet[AuditEvent]:
    """The events the user may read; a refusal is audited, then answered 403."""
    try:
        return events_visible_to(request.user)
    except PermissionDenied:
        actions.audit_denied_record(actor=request.user, action=action, request=request)
        raise


def _page_number(request: HttpRequest) -> int:
    return as_page(request.GET.get("page"))


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = _visible_or_denied(request, actions.SEARCH)
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        filters = form.filters()
        number = _page_number(request)
        actions.audit_search_record(actor=request.user, filters=filters, request=request, page=number)
        page = page_of(filter_events(events, **filters), number)
    return render(request, "audit/event_list.html", {"form": form, "page": page})


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    events = _visible_or_denied(request, actions.EXPORT)
    back = reverse("audit:event_list") + ("?" + request.GET.urlencode() if request.GET else "")
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    filters = form.filters()
    now = timezone.now()
    # Fixed at this moment, so the file holds exactly the number of rows the audit event records.
    events = filter_events(events, **filters).filter(at__lte=now)
    rows = events.count()
    if rows > export.MAX_ROWS:
        messages.error(
            request,
            _("These filters match %(rows)s events; an export holds at most %(max)s. Narrow the filters.")
            % {"rows": rows, "max": export.MAX_ROWS},
        )
        return redirect(back)
    actions.audit_export_record(actor=request.user, filters=filters, rows=rows, request=request)
    response = StreamingHttpResponse(
        export.csv_lines(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    filename = f"cpims-audit-{now.astimezone(NAIROBI):%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
