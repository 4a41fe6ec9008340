"""DHIS2 pages: overview and push history, preview of a period's data value set, push and dry run,
a push's result, the mapping (read; data elements editable). National dhis2.push holders only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.audit.actions import audit_record
from cpims.integrations.dhis2 import actions, queries
from cpims.integrations.dhis2.datavalues import ADX_CONTENT_TYPE
from cpims.integrations.dhis2.forms import DataElementMappingForm, PeriodForm, PushForm, default_period


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _index_context(user: Any, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "server": queries.active_server(),
        "logs": list(queries.push_logs_visible_to(user)[:20]),
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    queries.require_pusher(request.user)
    form = PushForm(initial={"period": default_period().code})
    return render(request, "dhis2/index.html", _index_context(request.user, form))


@login_required
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    queries.require_pusher(request.user)
    if "period" not in request.GET:
        form = PeriodForm(initial={"period": default_period().code})
        return render(request, "dhis2/preview.html", {"form": form, "dvs": None, "server": queries.active_server()})
    form = PeriodForm(request.GET)
    dvs = None
    if form.is_valid():
        try:
            dvs = queries.data_value_set(
                request.user, period=form.cleaned_data["period"], county=form.cleaned_data["county"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
    rows = []
    if dvs is not None:
        totals = dvs.totals_by_org_unit()
        rows = [(t, totals.get(t.identifier(dvs.org_unit_id_scheme), 0)) for t in dvs.targets]
    return render(
        request,
        "dhis2/preview.html",
        {"form": form, "dvs": dvs, "rows": rows, "server": queries.active_server(), "query": request.GET.urlencode()},
        status=200 if dvs is not None else 400,
    )


@login_required
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    """The data value set as a file: JSON dataValueSets (default) or ADX (format=adx)."""
    queries.require_pusher(request.user)
    if "period" not in request.GET:
        return redirect("dhis2:preview")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "dhis2/preview.html", {"form": form, "dvs": None}, status=400)
    period, county = form.cleaned_data["period"], form.cleaned_data["county"]
    try:
        dvs = queries.data_value_set(request.user, period=period, county=county)
    except ValidationError as exc:
        _add_errors(form, exc)
        return render(request, "dhis2/preview.html", {"form": form, "dvs": None}, status=400)
    adx = request.GET.get("format") == "adx"
    if adx and not dvs.data_set:
        form.add_error(None, _("ADX needs a data set: set the data set UID of the DHIS2 server."))
        return render(request, "dhis2/preview.html", {"form": form, "dvs": None}, status=400)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="dhis2.export",
            object_type="dhis2.datavalueset",
            object_label=period.code,
            request=request,
            details={
                "period": period.code,
                "county": county.code if county else None,
                "format": "adx" if adx else "json",
            },
        )
    stem = f"cpims-dhis2-{period.code.replace('/', '-')}" + (f"-{county.code}" if county else "")
    if adx:
        response = HttpResponse(dvs.to_adx(), content_type=ADX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.adx.xml"'
    else:
        response = HttpResponse(dvs.json_bytes(), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    return response


@login_required
@require_POST
def push(request: HttpRequest) -> HttpResponse:
    queries.require_pusher(request.user)
    form = PushForm(request.POST)
    if form.is_valid():
        county = form.cleaned_data["county"]
        try:
            log = actions.push(
                actor=request.user,
                period=form.cleaned_data["period"],
                org_units=[county] if county else None,
                dry_run=form.cleaned_data["dry_run"],
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("dhis2:log_detail", public_id=log.public_id)
    return render(request, "dhis2/index.html", _index_context(request.user, form), status=400)


@login_required
@require_GET
def log_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    log = queries.push_log_for(request.user, public_id)
    template = "dhis2/_log_status.html" if request.htmx else "dhis2/log_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"log": log})


@login_required
@require_GET
def mapping(request: HttpRequest) -> HttpResponse:
    return render(request, "dhis2/mapping.html", queries.mapping(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def data_element_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.data_element_mapping_for(request.user, pk)
    if request.method == "POST":
        form = DataElementMappingForm(request.POST)
        if form.is_valid():
            try:
                actions.data_element_mapping_update(actor=request.user, mapping=item, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("dhis2:mapping")
        return render(request, "dhis2/data_element_edit.html", {"form": form, "item": item}, status=400)
    form = DataElementMappingForm(
        initial={"uid": item.uid, "dhis2_code": item.dhis2_code, "name": item.name, "version": item.version}
    )
    return render(request, "dhis2/data_element_edit.html", {"form": form, "item": item})
