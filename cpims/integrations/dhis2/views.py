"""DHIS2 pages: overview and push history, preview of a period's data value set, push and dry run,
a push's result, the mapping, and the edit pages of the mapping (data elements, category option
combos, org units) and of the server. National dhis2.push holders only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.accounts.models import User
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.core.forms import attach_errors
from cpims.core.formviews import form_view, submit
from cpims.geo.models import Area
from cpims.integrations.dhis2 import actions, queries
from cpims.integrations.dhis2.datavalues import ADX_CONTENT_TYPE
from cpims.integrations.dhis2.forms import (
    CategoryOptionComboMappingForm,
    DataElementMappingForm,
    OrgUnitMappingFilterForm,
    OrgUnitMappingForm,
    PeriodForm,
    PushForm,
    ServerForm,
    default_period,
)


def _index_context(user: User, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "server": queries.active_server(),
        "logs": list(queries.push_logs_visible_to(user)[:20]),
    }


@login_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    queries.require_pusher(request.user)
    form = PushForm(initial={"period": default_period().code})
    return render(request, "dhis2/index.html", _index_context(request.user, form))


@login_required
@require_GET
def preview(request: AuthenticatedRequest) -> HttpResponse:
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
            attach_errors(form, exc)
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
def download(request: AuthenticatedRequest) -> HttpResponse:
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
        attach_errors(form, exc)
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
def push(request: AuthenticatedRequest) -> HttpResponse:
    queries.require_pusher(request.user)
    form = PushForm(request.POST)
    answer = submit(
        request,
        form,
        lambda d: actions.push(
            actor=request.user,
            period=d["period"],
            org_units=[d["county"]] if d["county"] else None,
            dry_run=d["dry_run"],
            request=request,
        ),
        then=lambda log: redirect("dhis2:log_detail", public_id=log.public_id),
    )
    if answer is not None:
        return answer
    return render(request, "dhis2/index.html", _index_context(request.user, form), status=400)


@login_required
@require_GET
def log_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    log = queries.push_log_for(request.user, public_id)
    template = "dhis2/_log_status.html" if request.htmx else "dhis2/log_detail.html"
    return render(request, template, {"log": log})


ORG_UNITS_PAGE_SIZE = 50


@login_required
@require_GET
def mapping(request: AuthenticatedRequest) -> HttpResponse:
    """The whole mapping. Org units: the counties and offices, or one county with its sub-counties,
    50 to a page; the county filter swaps only that table (htmx) or reloads the page (no JS)."""
    queries.require_pusher(request.user)
    form = OrgUnitMappingFilterForm(request.GET)
    rows = queries.org_unit_mappings(request.user, county=form.selected_county())
    page = Paginator(rows, ORG_UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx:
        response = render(request, "dhis2/_org_units.html", {"org_form": form, "page": page})
    else:
        context = queries.mapping(request.user) | {"org_form": form, "page": page}
        response = render(request, "dhis2/mapping.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _org_units_url(item: Any) -> str:
    """Back to the mapping page, on the org-unit list that shows ``item``."""
    query = ""
    if item.area_id and item.area.level != Area.Level.COUNTY and item.area.county_id:
        query = f"?county={item.area.county.code}"  # a sub-county is listed under its county
    return reverse("dhis2:mapping") + query + "#org-units"


def _edit(
    request: HttpRequest,
    *,
    form_class: type[Any],
    initial: dict[str, Any],
    save: Any,
    template: str,
    back: str,
    context: dict[str, Any],
) -> HttpResponse:
    """One edit page of the mapping or the server: the form, the action ``save(**cleaned_data)``
    (its refusals shown on the form, status 400, nothing saved), then back to ``back``."""
    form = form_class(request.POST) if request.method == "POST" else form_class(initial=initial)
    return form_view(
        request,
        form,
        lambda d: save(**d),
        then=lambda _result: redirect(back),
        template=template,
        context=context,
        invalid_status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_element_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = queries.data_element_mapping_for(request.user, pk)
    return _edit(
        request,
        form_class=DataElementMappingForm,
        initial={"uid": item.uid, "dhis2_code": item.dhis2_code, "name": item.name, "version": item.version},
        save=lambda **data: actions.data_element_mapping_update(actor=request.user, mapping=item, **data),
        template="dhis2/data_element_edit.html",
        back=reverse("dhis2:mapping"),
        context={"item": item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def coc_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = queries.coc_mapping_for(request.user, pk)
    return _edit(
        request,
        form_class=CategoryOptionComboMappingForm,
        initial={"uid": item.uid, "name": item.name, "version": item.version},
        save=lambda **data: actions.coc_mapping_update(actor=request.user, mapping=item, **data),
        template="dhis2/coc_edit.html",
        back=reverse("dhis2:mapping") + "#combos",
        context={"item": item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_unit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = queries.org_unit_mapping_for(request.user, pk)
    back = _org_units_url(item)
    fields = ("uid", "code", "name", "is_active", "version")
    return _edit(
        request,
        form_class=OrgUnitMappingForm,
        initial={f: getattr(item, f) for f in fields},
        save=lambda **data: actions.org_unit_mapping_update(actor=request.user, mapping=item, **data),
        template="dhis2/org_unit_edit.html",
        back=back,
        context={"item": item, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def server_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The server's settings. The secret is never shown or asked for: only its variable's name."""
    item = queries.server_for(request.user, pk)
    return _edit(
        request,
        form_class=ServerForm,
        initial=ServerForm.initial_for(item),
        save=lambda **data: actions.server_update(actor=request.user, server=item, **data),
        template="dhis2/server_edit.html",
        back=reverse("dhis2:mapping") + "#servers",
        context={"item": item, "secret_set": queries.secret_is_set(item)},
    )
