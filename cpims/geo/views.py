"""Organisation-unit pages for administrators. Thin: parse, call a query or an action, render."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.formviews import form_view
from cpims.geo import actions, queries
from cpims.geo.forms import OrgUnitFilterForm, OrgUnitForm
from cpims.geo.models import Area, OrgUnit

PAGE_SIZE = 25


@login_required
@require_GET
def orgunit_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.ORGUNIT_MANAGE)
    form = OrgUnitFilterForm(request.GET)
    units = queries.with_can_manage(request.user, queries.orgunits_for(request.user, **form.filters()))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    # The search form swaps only the results in place (htmx); a plain request gets the whole page.
    template = "geo/_orgunit_results.html" if request.htmx else "geo/orgunit_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def orgunit_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    unit = queries.orgunit_for(request.user, public_id)
    return render(
        request,
        "geo/orgunit_detail.html",
        {
            "unit": unit,
            "children": queries.child_units_for(request.user, unit),
            "can_manage": queries.can_manage(request.user, unit),
            # Headquarters above a county office may lie outside the reader's scope: no dead link.
            "parent_visible": unit.parent is not None and queries.can_view(request.user, unit.parent),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def orgunit_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.ORGUNIT_MANAGE)
    form = OrgUnitForm(request.POST or None, user=request.user)
    return _orgunit_form(
        request,
        form,
        lambda d: actions.orgunit_create(actor=request.user, request=request, **form.action_fields()),
        unit=None,
        success=_("Organisation unit created."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def orgunit_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    unit = queries.orgunit_for(request.user, public_id, write=True)
    form = OrgUnitForm(request.POST or None, user=request.user, instance=unit)
    return _orgunit_form(
        request,
        form,
        lambda d: actions.orgunit_update(
            actor=request.user,
            org_unit=unit,
            expected_updated_at=d["updated_at"],
            request=request,
            **form.action_fields(),
        ),
        unit=unit,
        success=_("Changes saved."),
    )


def _orgunit_form(
    request: HttpRequest, form: OrgUnitForm, action: Any, *, unit: OrgUnit | None, success: str
) -> HttpResponse:
    """The org-unit form; the action's errors on the area go under the area pickers."""
    return form_view(
        request,
        form,
        action,
        then=lambda saved: redirect("geo:orgunit_detail", public_id=saved.public_id),
        success=success,
        attach=form.add_action_error,
        template="geo/orgunit_form.html",
        context={"unit": unit},
    )


# An element id a form may give (``id_`` + field name, a form prefix allowed): nothing else is echoed back.
_ELEMENT_ID = re.compile(r"id_[a-z0-9_-]{1,60}")
# Which query-string names may carry the parent area, by the level asked for (none: any of them).
_PARENT_NAMES = {
    Area.Level.SUB_COUNTY: ("county",),
    Area.Level.WARD: ("sub_county",),
    None: ("parent", "county", "sub_county"),
}


@require_GET
def area_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of the areas under a county or sub-county for the cascading area pickers (htmx).

    Public: area names are reference data, and the public report-a-concern form uses it too. The
    parent comes as ``?parent=<id>`` or as the picker's own value under its name (``county`` or
    ``sub_county``, possibly form-prefixed like ``child-county``); ``level`` says which one to read.
    ``clear=<element id>`` also empties a lower picker (the ward select when the county changes).
    """
    names = _PARENT_NAMES.get(request.GET.get("level"), _PARENT_NAMES[None])
    sent = {key.rsplit("-", 1)[-1]: value for key, value in request.GET.items()}
    raw = next((sent[name] for name in names if sent.get(name)), "")
    parent = Area.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    clear = request.GET.get("clear", "")
    return render(
        request,
        "geo/_area_options.html",
        {
            "areas": queries.child_areas(parent),
            "clear": clear if _ELEMENT_ID.fullmatch(clear) else "",
        },
    )


@login_required
@require_GET
def orgunit_options(request: AuthenticatedRequest) -> HttpResponse:
    """``<option>``s of the units a case can be sent to, by county and type (the htmx unit picker of
    the referral and transfer forms). Signed-in users only; the user's own offices are left out."""
    county = request.GET.get("county", "")
    kind = request.GET.get("kind", "")
    raw_kinds = {k for k in request.GET.get("kinds", "").split(",") if k}
    kinds = frozenset(raw_kinds & set(OrgUnit.Kind.values)) if raw_kinds else None
    units = queries.pickable_units(
        request.user,
        county=int(county) if county.isascii() and county.isdigit() and len(county) < 12 else None,
        kind=kind if kind in OrgUnit.Kind.values else "",
        kinds=kinds,
    )
    return render(request, "geo/_orgunit_options.html", {"units": units[:500]})
