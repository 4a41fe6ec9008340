"""Monthly return pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.core import ages, formviews
from cpims.core.forms import as_page
from cpims.core.periods import Period
from cpims.returns import actions, forms, queries, registry
from cpims.returns.kinds import CATEGORY_PREFIX
from cpims.returns.models import MonthlyReturn


def _page_number(request: HttpRequest) -> int:
    return as_page(request.GET.get("page"))


def _nav(request: AuthenticatedRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_prepare": bool(queries.reporting_units(user)),
        "can_review_any": scope.has_perm(user, P.RETURN_APPROVE),
        "can_list": queries.can_view_returns(user),
        "can_completeness": queries.can_view_completeness(user),
    }


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _to_detail(ret: MonthlyReturn) -> HttpResponse:
    return redirect("returns:detail", public_id=ret.public_id)


# --- preparing -----------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    """My unit's returns by month (and links to the review queue and completeness)."""
    nav = _nav(request)
    if not (nav["can_list"] or nav["can_completeness"]):
        raise PermissionDenied
    units = [(u, queries.unit_months(u, months=6)) for u in queries.reporting_units(request.user)]
    return render(request, "returns/index.html", {"units": units, **nav})


@login_required
@require_GET
def unit(request: AuthenticatedRequest, unit_id: Any) -> HttpResponse:
    org_unit = queries.reporting_unit_for(request.user, unit_id)
    highlight = request.GET.get("month", "")
    months = queries.unit_months(org_unit)
    rk = registry.kind_for_org_unit_kind(org_unit.kind)
    return render(
        request,
        "returns/unit.html",
        {
            "unit": org_unit,
            "months": months,
            "highlight": highlight,
            "kind": rk,
            "today": queries.nairobi_today(),
            **_nav(request),
        },
    )


@login_required
@require_POST
def open_return(request: AuthenticatedRequest, unit_id: Any) -> HttpResponse:
    org_unit = queries.reporting_unit_for(request.user, unit_id)
    period = queries.month_of(request.POST.get("month"))
    if period is None:
        messages.error(request, _("Choose a month."))
        return redirect("returns:unit", unit_id=org_unit.public_id)
    try:
        ret = actions.return_open(actor=request.user, org_unit=org_unit, period=period, request=request)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("returns:unit", unit_id=org_unit.public_id)
    return _to_detail(ret)


# --- one return ----------------------------------------------------------------------------------


def _category_table(figures: dict[str, Any], prefix: str = CATEGORY_PREFIX) -> dict[str, Any] | None:
    """Rows of "<prefix><code>:<sex>:<band>" figures as category × (band × boys/girls) with totals:
    the pre-filled "cat:" keys, or the paper rows (``PAPER_ROWS_PREFIX``) of the caseload tool."""
    from cpims.core.models import Code

    cells: dict[tuple[str, str, str], int] = {}
    for key, n in figures.items():
        if key.startswith(prefix) and key.count(":") == prefix.count(":") + 2:
            code, sex, band = key[len(prefix) :].split(":", 2)
            cells[(code, sex, band)] = cells.get((code, sex, band), 0) + int(n)
    if not cells:
        return None
    bands = ages.band_keys(ages.DCS)
    codes = sorted({c for c, _s, _b in cells})
    categories = Code.objects.filter(code_list__name="case_category_id", code__in=codes).only(
        "code", "label", "label_sw"
    )
    labels = {c.code: c.display_label for c in categories}
    rows = []
    for code in codes:
        values = []
        for band in bands:
            for sex in ("male", "female"):
                values.append(cells.get((code, sex, band), 0))
        total = sum(n for (c, _s, _b), n in cells.items() if c == code)
        rows.append({"code": code, "label": labels.get(code, code), "values": values, "total": total})
    rows.sort(key=lambda r: str(r["label"]))
    return {"bands": [ages.band_label(b) for b in bands], "rows": rows}


def _detail_context(request: AuthenticatedRequest, ret: MonthlyReturn, **forms_: Any) -> dict[str, Any]:
    user = request.user
    rk = registry.get_kind(ret.kind)
    can_prepare = queries.holds_at(user, P.RETURN_SUBMIT, ret.org_unit)
    can_review = queries.can_review(user, ret)
    own = ret.submitted_by_id == user.pk
    headline = [(label, ret.prefilled.get(key, 0)) for key, label in rk.prefill_labels.items()]
    bands = [
        (ages.band_label(b), ret.prefilled[f"cases_age_{b}"])
        for b in ages.band_keys(ages.DCS)
        if f"cases_age_{b}" in ret.prefilled
    ]
    paper = [(label, ret.paper.get(name, 0)) for name, label in rk.fields]
    editable = can_prepare and ret.is_editable
    initial = {"version": ret.version, **{n: ret.paper.get(n, 0) for n in rk.field_names()}}
    return {
        "r": ret,
        "kind": rk,
        "deadline": rk.deadline(ret.period),
        "headline": headline,
        "bands": bands,
        "categories": _category_table(ret.prefilled),
        "paper_categories": _category_table(ret.paper, actions.PAPER_ROWS_PREFIX),
        "paper": paper,
        "history": queries.history(ret),
        "editable": editable,
        "can_submit": editable and queries.nairobi_today() >= ret.period.end,
        "can_decide": can_review and not own and ret.status == MonthlyReturn.Status.SUBMITTED,
        "own_submission": can_review and own and ret.status == MonthlyReturn.Status.SUBMITTED,
        "can_reopen": can_review and ret.status == MonthlyReturn.Status.APPROVED,
        "paper_form": forms_.get("paper_form") or (forms.PaperForm(initial=initial, kind=rk) if editable else None),
        "comment_form": forms_.get("comment_form") or forms.CommentForm(initial={"version": ret.version}),
        "reason_form": forms_.get("reason_form") or forms.ReasonForm(initial={"version": ret.version}),
        **_nav(request),
    }


@login_required
@require_GET
def detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    ret = queries.return_for(request.user, public_id)
    return render(request, "returns/detail.html", _detail_context(request, ret))


def _on_detail(
    request: AuthenticatedRequest, ret: MonthlyReturn, form: Any, key: str, action: Any, *, success: str
) -> HttpResponse:
    """Run ``action`` on the posted form of the return's page, then back to the page; an invalid
    form or a refusal shows the page again with the form's errors (400)."""
    answer = formviews.submit(request, form, action, then=_to_detail, success=success)
    if answer is not None:
        return answer
    return render(request, "returns/detail.html", _detail_context(request, ret, **{key: form}), status=400)


def _prepare(request: AuthenticatedRequest, public_id: Any, *, submit: bool) -> HttpResponse:
    ret = queries.return_for(request.user, public_id, write=P.RETURN_SUBMIT)
    form = forms.PaperForm(request.POST, kind=registry.get_kind(ret.kind))
    action: Any
    if submit:
        action, done = actions.return_submit, _("The return was submitted to the county.")
    else:
        action, done = actions.return_save, _("The draft was saved.")
    return _on_detail(
        request,
        ret,
        form,
        "paper_form",
        lambda d: action(
            actor=request.user, ret=ret, paper=form.paper(), expected_version=d["version"], request=request
        ),
        success=done,
    )


@login_required
@require_POST
def save(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _prepare(request, public_id, submit=False)


@login_required
@require_POST
def submit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _prepare(request, public_id, submit=True)


def _review(request: AuthenticatedRequest, public_id: Any, verb: str) -> HttpResponse:
    ret = queries.return_for(request.user, public_id, write=P.RETURN_APPROVE)
    action: Any
    if verb == "approve":
        action, note, done = actions.return_approve, "comment", _("The return was approved.")
    elif verb == "send_back":
        action, note = actions.return_send_back, "comment"
        done = _("The return was sent back to the unit with your comment.")
    else:
        action, note, done = actions.return_reopen, "reason", _("The return was reopened for correction.")
    form = (forms.ReasonForm if note == "reason" else forms.CommentForm)(request.POST)
    return _on_detail(
        request,
        ret,
        form,
        f"{note}_form",
        lambda d: action(
            actor=request.user, ret=ret, expected_version=d["version"], request=request, **{note: d[note]}
        ),
        success=done,
    )


@login_required
@require_POST
def approve(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _review(request, public_id, "approve")


@login_required
@require_POST
def send_back(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _review(request, public_id, "send_back")


@login_required
@require_POST
def reopen(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _review(request, public_id, "reopen")


# --- lists ---------------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: AuthenticatedRequest) -> HttpResponse:
    """The review queue (submitted returns by default) and every return in scope by status and month."""
    if not queries.can_view_returns(request.user):
        raise PermissionDenied
    status = request.GET.get("status", MonthlyReturn.Status.SUBMITTED)
    if status not in MonthlyReturn.Status.values:
        status = ""
    period = queries.month_of(request.GET.get("month"))
    area = queries.area_by_key(request.GET.get("area"))
    # The home page's counts link here narrowed to the user's own units or to their review queue.
    mine = request.GET.get("mine") == "1"
    to_review = request.GET.get("to_review") == "1"
    page = queries.review_list(
        request.user,
        status=status,
        period=period,
        area=area,
        page=_page_number(request),
        mine=mine,
        to_review=to_review,
    )
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("status", status or "all"),
            ("month", period.code if period else ""),
            ("area", area.key if area else ""),
            ("mine", "1" if mine else ""),
            ("to_review", "1" if to_review else ""),
        )
        if v
    )
    return render(
        request,
        "returns/review.html",
        {
            "page": page,
            "status": status or "all",
            "statuses": MonthlyReturn.Status.choices,
            "month": period.code if period else "",
            "area": area,
            "query": query,
            "mine": mine,
            "to_review": to_review,
            "months": queries.last_months(queries.UNIT_MONTHS),
            **_nav(request),
        },
    )


@login_required
@require_GET
def completeness_view(request: AuthenticatedRequest) -> HttpResponse:
    """Completeness and timeliness for a period: the nation by county, a county by sub-county,
    a sub-county by unit."""
    if not queries.can_view_completeness(request.user):
        raise PermissionDenied
    default = queries.last_months(2)[1]  # last month: the one being reported now
    code = request.GET.get("period") or default.code
    try:
        period = Period.parse(code)
    except ValueError as exc:
        messages.error(request, str(exc))
        period = default
    area = queries.area_by_key(request.GET.get("area"))
    user = request.user
    if area is not None and not queries.area_visible(user, area):
        raise Http404
    if area is None:
        group_by = "county"
    elif area.level == area.Level.COUNTY:
        group_by = "sub_county"
    else:
        group_by = None
    rows = queries.completeness(user, period=period, area=area, group_by=group_by)
    total = queries.completeness(user, period=period, area=area, group_by=None)[:1]
    units = (
        queries.completeness_units(user, period=period, area=area)
        if area is not None and group_by is None and period.kind == "month"
        else None
    )
    return render(
        request,
        "returns/completeness.html",
        {
            "period": period,
            "area": area,
            "rows": rows if group_by else [],
            "total": total[0] if total else None,
            "units": units,
            "months": queries.last_months(queries.UNIT_MONTHS),
            **_nav(request),
        },
    )
