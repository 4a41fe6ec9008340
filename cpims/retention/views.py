"""Retention pages: the schedule, legal holds, runs (dry-run report, review, run now). Thin: parse
the form, call a query or an action, render. Everything needs retention.manage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.accounts.types import AuthenticatedRequest
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.retention import actions, forms, queries, tasks
from cpims.retention.models import RetentionRule

PAGE = 50


def _act(request: AuthenticatedRequest, action: Callable[[], object], success: str) -> None:
    """Run a one-button action; its refusal becomes an error message."""
    try:
        action()
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


@login_required
@require_GET
def schedule(request: AuthenticatedRequest) -> HttpResponse:
    rules = list(queries.rules_for(request.user))
    return render(
        request,
        "retention/schedule.html",
        {
            "rules": rules,
            "holds": queries.holds_for(request.user, active_only=True).count(),
            "last_run": queries.runs_for(request.user).first(),
            "refusal": actions.real_run_refusal(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    rule = queries.rule_for(request.user, public_id)
    initial = {
        "period": rule.period,
        "unit": rule.unit,
        "enabled": rule.enabled,
        "reason": _(rule.reason) if rule.reason else "",
        "version": rule.version,
    }
    form = forms.RuleForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: actions.rule_update(
            actor=request.user,
            rule=rule,
            expected_version=d.get("version"),
            request=request,
            **pick(d, *actions.RULE_FIELDS),
        ),
        then=lambda _rule: redirect("retention:schedule"),
        template="retention/form.html",
        context={"title": _("Change a retention rule"), "subtitle": rule.get_kind_display()},
        success=_("Retention rule saved. Run and review a dry run before the next real run."),
        invalid_status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def holds(request: AuthenticatedRequest) -> HttpResponse:
    all_holds = queries.holds_for(request.user)
    form = forms.HoldForm(request.POST or None)

    page = Paginator(all_holds, PAGE).get_page(as_page(request.GET.get("page")))
    return form_view(
        request,
        form,
        lambda d: actions.hold_place_by_number(
            actor=request.user, number=d["number"], reason=d["reason"], until=d.get("until"), request=request
        ),
        then=lambda _hold: redirect("retention:holds"),
        template="retention/holds.html",
        context={"page": page},
        success=_("Legal hold placed."),
        invalid_status=400,
    )


@login_required
@require_POST
def hold_release(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    hold = queries.hold_for(request.user, public_id)
    _act(
        request, lambda: actions.hold_release(actor=request.user, hold=hold, request=request), _("Legal hold released.")
    )
    return redirect("retention:holds")


@login_required
@require_GET
def runs(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(queries.runs_for(request.user), PAGE).get_page(as_page(request.GET.get("page")))
    return render(request, "retention/runs.html", {"page": page, "refusal": actions.real_run_refusal()})


@login_required
@require_POST
def run_start(request: AuthenticatedRequest) -> HttpResponse:
    """Start a dry run (at once) or a real run (as a background task, in batches)."""
    queries.runs_for(request.user)  # 403 without retention.manage
    dry_run = request.POST.get("mode") != "real"
    if dry_run:
        run = actions.run(actor=request.user, dry_run=True, request=request)
        messages.success(request, _("Dry run finished: nothing was changed. Review it below."))
        return redirect("retention:run_detail", public_id=run.public_id)
    refusal = actions.real_run_refusal()
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("retention:runs")
    tasks.run_now.enqueue(request.user.pk, False)
    messages.success(request, _("Retention run started. It works in batches; its result appears here."))
    return redirect("retention:runs")


@login_required
@require_GET
def run_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    run = queries.run_for(request.user, public_id)
    kinds = dict(RetentionRule.Kind.choices)
    rows = [{"label": kinds.get(kind, kind), **entry} for kind, entry in sorted(run.report.items())]
    reasons = {
        "legal_hold": _("Legal hold"),
        "court": _("Open court matter"),
        "open_case": _("The child has an open case"),
        "in_care": _("The child is in care"),
    }
    for row in rows:
        row["held_list"] = [(reasons.get(k, k), n) for k, n in sorted(row.get("held", {}).items())]
        row["held_total"] = sum(row.get("held", {}).values())
        row["would"] = row.get("due", 0) - row["held_total"]
    return render(request, "retention/run_detail.html", {"run": run, "rows": rows})


@login_required
@require_POST
def run_review(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    run = queries.run_for(request.user, public_id)
    done = _("Dry run reviewed: the job may now apply the schedule.")
    _act(request, lambda: actions.run_review(actor=request.user, run=run, request=request), done)
    return redirect("retention:run_detail", public_id=run.public_id)
