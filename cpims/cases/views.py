"""Case pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.cases import actions, forms, queries, workflow
from cpims.cases.models import Case, FollowUp
from cpims.cases.panels import panels_for
from cpims.cases.tasks import tasks_for
from cpims.core.forms import as_int, as_page
from cpims.core.formviews import form_view, pick
from cpims.geo.models import OrgUnit
from cpims.registry import queries as registry_queries
from cpims.registry.models import Person
from cpims.registry.numbers import normalise_number


def _detail(case: Case) -> HttpResponse:
    return redirect("cases:case_detail", public_id=case.public_id)


def _unit_ids(user: User, perm: str) -> list[int]:
    """The units of the user's grants that carry ``perm`` (from the grants: no query)."""
    return sorted({g.org_unit_id for g in scope.grants_for(user).with_perm(perm)})


def _units(user: User, perm: str) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(pk__in=_unit_ids(user, perm), is_active=True).order_by("name")


@login_required
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CASE_VIEW)
    offices = scope.restrict(request.user, OrgUnit.objects.filter(is_active=True), P.ORGUNIT_VIEW).filter(
        kind__in=sorted(OrgUnit.DCS_OFFICE_KINDS)
    ) | OrgUnit.objects.filter(pk__in=_unit_ids(request.user, P.CASE_VIEW), is_active=True)
    offices = offices.order_by("name")
    # The ward list follows the office chosen (or the user's own areas).
    chosen = offices.filter(pk=as_int(request.GET.get("office"))).first() if request.GET.get("office") else None
    wards = queries.ward_choices(request.user, chosen)
    form = forms.CaseFilterForm(request.GET or None, offices=offices, wards=wards)
    filters = queries.CaseFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = queries.CaseFilters(
            status=d["status"],
            category=d["category"],
            office=d["office"],
            reported_from=d["reported_from"],
            reported_to=d["reported_to"],
            ward=d["ward"],
        )
    # The home page's "My open cases" links here with ?mine=1&open=1.
    filters.mine = request.GET.get("mine") == "1"
    filters.open_only = request.GET.get("open") == "1"
    page = queries.case_list(request.user, filters, page=as_page(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": scope.has_perm(request.user, P.CASE_CREATE),
            "filters": filters,
        },
    )


def _pick_child(request: AuthenticatedRequest) -> Person | None:
    """The child chosen from the registry: ?child=<public_id> or ?number=<CPIMS number>."""
    if request.GET.get("child"):
        return registry_queries.person_for(request.user, request.GET["child"])
    number = normalise_number(request.GET.get("number", ""))
    if number:
        person = registry_queries.people_visible_to(request.user).filter(cpims_number=number).first()
        if person is None:
            raise Http404
        return person
    return None


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CASE_CREATE)
    child = _pick_child(request)
    if child is None:
        return render(request, "cases/case_pick_child.html", {"bad_number": bool(request.GET.get("number"))})
    sensitive = scope.has_perm(request.user, P.CASE_VIEW_SENSITIVE)
    offices = _units(request.user, P.CASE_CREATE)
    data = request.POST if request.method == "POST" else None
    form = forms.CaseForm(data, sensitive=sensitive, initial={"reported_on": _today()})
    office_form = forms.NewCaseForm(data, offices=offices)
    place = forms.EventPlaceForm(data, initial_area=child.ward)
    cats = forms.CategoryFormSet(data, prefix="cat")
    perps = forms.PerpetratorFormSet(data, prefix="perp")
    if data is not None and all(f.is_valid() for f in (form, office_form, place, cats, perps)):
        fields = {**form.case_fields(), **place.case_fields()}
        try:
            case = actions.case_open(
                actor=request.user,
                child=child,
                office=office_form.cleaned_data["office"],
                reported_on=fields.pop("reported_on"),
                reporter_type=fields.pop("reporter_type"),
                categories=cats.items(),
                perpetrators=perps.items(),
                request=request,
                **fields,
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.case_number})
            return _detail(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "child": child,
            "form": form,
            "office_form": office_form,
            "place": place,
            "cats": cats,
            "perps": perps,
            "open_cases": queries.open_cases_of(request.user, child),
            "title": _("New case"),
        },
    )


@login_required
@require_GET
def subcategory_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of the sub-categories of the chosen category (htmx refills a category row's
    sub-category select). The category comes as ``?category=<id>`` or under a row's own field name
    (``cat-0-category``). For those who open or edit cases."""
    if not (scope.has_perm(request.user, P.CASE_CREATE) or scope.has_perm(request.user, P.CASE_UPDATE)):
        raise PermissionDenied
    raw = next((request.GET.get(k, "") for k in request.GET if k == "category" or k.endswith("-category")), "")
    return render(request, "cases/_subcategory_options.html", {"options": queries.sub_category_choices(raw)})


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@login_required
@require_GET
def case_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = queries.case_for_page(request.user, public_id)
    queries.audit_view(request.user, case, request=request)
    page = queries.case_page(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {"p": page, "case": page.case, "panels": panels_for(request.user, page.case)},
    )


@login_required
@require_GET
def timeline(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Older timeline rows ("show older"): an htmx fragment that replaces its own button, or a
    plain page without JavaScript."""
    case = queries.case_for(request.user, public_id)
    before = as_int(request.GET.get("before"))
    events, older = queries.timeline_page(case, before=before)
    queries.audit_view(request.user, case, request=request)
    context = {"case": case, "events": events, "older_than": older}
    if request.headers.get("HX-Request"):
        return render(request, "cases/_timeline_rows.html", context)
    return render(request, "cases/timeline.html", context)


def _edit_forms(
    case: Case, data: Any, *, sensitive: bool
) -> tuple[forms.CaseForm, forms.EventPlaceForm, forms.BaseCategoryFormSet, forms.BasePerpetratorFormSet]:
    """The case form, its place, categories and perpetrators, filled from ``case`` (bound to ``data``
    when posted)."""
    initial = {
        name: getattr(case, name)
        for name in ("reported_on", "reporter_type", "reporter_name", "reporter_contact", "reporter_relationship")
    }
    initial.update(
        {
            name: getattr(case, name)
            for name in (
                "risk_level",
                "police_ob_number",
                "family_status",
                "household_economics",
                "notes",
                "recommendations",
                *Case.SENSITIVE_FIELDS,
            )
        }
    )
    initial["immediate_needs"] = list(case.immediate_needs.all())
    initial["long_term_needs"] = list(case.long_term_needs.all())
    initial["version"] = case.version
    form = forms.CaseForm(data, sensitive=sensitive, initial=initial)
    place = forms.EventPlaceForm(
        data,
        initial_area=case.event_ward or case.event_sub_county or case.event_county,
        initial={"village": case.event_village, "place_detail": case.event_place_detail},
    )
    cats = forms.CategoryFormSet(
        data,
        prefix="cat",
        initial=[
            {
                "category": c.category_id,
                "sub_category": c.sub_category_id,
                "date_of_event": c.date_of_event,
                "nature": c.nature_id,
                "place_of_event": c.place_of_event_id,
            }
            for c in case.categories.all()
        ],
    )
    perps = forms.PerpetratorFormSet(
        data,
        prefix="perp",
        initial=[
            {"name": p.name, "relationship": p.relationship_id, "sex": p.sex, "age": p.age}
            for p in case.perpetrators.all()
        ],
    )
    return form, place, cats, perps


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    sensitive = queries.can_see_sensitive(request.user, case)
    data = request.POST if request.method == "POST" else None
    form, place, cats, perps = _edit_forms(case, data, sensitive=sensitive)
    if data is not None and all(f.is_valid() for f in (form, place, cats, perps)):
        fields = {**form.case_fields(), **place.case_fields()}
        try:
            actions.case_update(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data.get("version"),
                categories=cats.items(),
                perpetrators=perps.items(),
                request=request,
                **fields,
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Case record saved."))
            return _detail(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "child": case.child,
            "case": case,
            "form": form,
            "place": place,
            "cats": cats,
            "perps": perps,
            "title": _("Edit case"),
        },
    )


def _run_transition(request: AuthenticatedRequest, case: Case, name: str, form: Any) -> Any:
    d = form.cleaned_data
    common = {"actor": request.user, "case": case, "expected_version": d.get("version"), "request": request}
    if name == "start_assessment":
        return actions.case_assessment_start(**common)
    if name == "complete_assessment":
        return actions.case_assessment_complete(
            **common, summary=d["summary"], assessed_on=d["assessed_on"], risk_level=d["risk_level"]
        )
    if name == "submit_plan":
        return actions.case_plan_submit(**common)
    if name == "approve_plan":
        return actions.case_plan_approve(**common)
    if name == "return_plan":
        return actions.case_plan_return(**common, reason=d["reason"])
    if name == "propose_closure":
        if d.get("outcome") is None:
            raise ValidationError({"outcome": [_("Choose the closure outcome.")]})
        return actions.case_closure_propose(
            **common, outcome=d["outcome"], interventions=form.interventions(), notes=d["notes"]
        )
    if name == "approve_closure":
        return actions.case_closure_approve(**common)
    if name == "reject_closure":
        return actions.case_closure_reject(**common, reason=d["reason"])
    if name == "reopen":
        return actions.case_reopen(**common, reason=d["reason"])
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def transition(request: AuthenticatedRequest, public_id: Any, name: str) -> HttpResponse:
    step = workflow.TRANSITIONS.get(name)
    if step is None:
        raise Http404
    case = queries.case_for(request.user, public_id, write=step.perm)
    data = request.POST if request.method == "POST" else None
    initial = {"version": case.version}
    if name == "complete_assessment":
        form: Any = forms.AssessmentForm(data, initial={**initial, "risk_level": case.risk_level_id})
    elif name == "propose_closure":
        form = forms.ClosureForm(data, initial=initial, categories=list(case.categories.select_related("category")))
    elif step.needs_reason:
        form = forms.ReasonForm(data, initial=initial)
    else:
        form = forms.ConfirmForm(data, initial=initial)
    return form_view(
        request,
        form,
        lambda d: _run_transition(request, case, name, form),
        then=lambda _result: _detail(case),
        success=_("Done: %(action)s.") % {"action": step.label},
        template="cases/transition.html",
        context={"case": case, "step": step},
        invalid_status=400,
    )


def _case_form(request: HttpRequest, case: Case, form: Any, action: Any, *, title: str, success: str) -> HttpResponse:
    """One short form on a case (plan goal, follow-up); back to the case page."""
    return form_view(
        request,
        form,
        action,
        then=lambda _result: _detail(case),
        success=success,
        template="cases/simple_form.html",
        context={"case": case, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_goal_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.GoalForm(request.POST or None, initial={"version": case.version})
    return _case_form(
        request,
        case,
        form,
        lambda d: actions.case_plan_goal_add(
            actor=request.user,
            case=case,
            expected_version=d.get("version"),
            request=request,
            **pick(d, "domain", "goal", "actions", "responsible", "due_on"),
        ),
        title=_("Add a plan goal"),
        success=_("Goal added to the plan."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.FollowUpForm(request.POST or None)
    return _case_form(
        request,
        case,
        form,
        lambda d: actions.followup_add(
            actor=request.user, case=case, due_on=d["due_on"], purpose=d["purpose"], request=request
        ),
        title=_("Plan a follow-up"),
        success=_("Follow-up planned."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_done(request: AuthenticatedRequest, public_id: Any, followup_id: Any) -> HttpResponse:
    case = queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    followup = FollowUp.objects.filter(case=case, public_id=followup_id).first()
    if followup is None:
        raise Http404
    form = forms.FollowUpDoneForm(request.POST or None)
    return _case_form(
        request,
        case,
        form,
        lambda d: actions.followup_complete(
            actor=request.user, followup=followup, outcome=d["outcome"], done_on=d["done_on"], request=request
        ),
        title=_("Record a follow-up"),
        success=_("Follow-up recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: AuthenticatedRequest) -> HttpResponse:
    """Record a service for a child (``?child=``) or on a case (``?case=``)."""
    scope.require_perm(request.user, P.SERVICE_RECORD)
    case = None
    if request.GET.get("case"):
        case = queries.case_for(request.user, request.GET["case"], write=P.SERVICE_RECORD)
        child = case.child
    else:
        child = _pick_child(request)
        if child is None:
            return render(
                request, "cases/case_pick_child.html", {"bad_number": bool(request.GET.get("number")), "service": True}
            )
    providers = _units(request.user, P.SERVICE_RECORD)
    form = forms.ServiceForm(request.POST or None, providers=providers, initial={"given_on": _today()})

    def record(d: dict[str, Any]) -> Any:
        if d["service"] is None:
            raise ValidationError({"service": [_("Choose the service given.")]})
        return actions.service_record(
            actor=request.user,
            child=child,
            case=case,
            request=request,
            **pick(d, "service", "given_on", "provider", "notes"),
        )

    return form_view(
        request,
        form,
        record,
        then=lambda _result: (
            _detail(case) if case is not None else redirect("registry:child_detail", public_id=child.public_id)
        ),
        success=_("Service recorded."),
        template="cases/service_form.html",
        context={"case": case, "child": child, "title": _("Record a service")},
    )


# Groups of task kinds the task list can be narrowed to (the home page's counts link to them).
TASK_KINDS = {"followup": {"followup"}, "approval": {"plan_approval", "closure_approval"}}
# Tasks shown a page, most urgent first: a phone on a weak connection gets a short page, not
# every task of the office at once.
TASK_PAGE_SIZE = 50


@login_required
@require_GET
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CASE_VIEW)
    office_view = request.GET.get("view") == "office"
    tasks = tasks_for(request.user, mine_only=not office_view)
    # The home page's counts link here narrowed to one kind of task (?kind=followup, ?overdue=1).
    kinds = TASK_KINDS.get(request.GET.get("kind", ""))
    if kinds:
        tasks = [t for t in tasks if t.kind in kinds]
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        tasks = [t for t in tasks if t.overdue]
    page = Paginator(tasks, TASK_PAGE_SIZE).get_page(as_page(request.GET.get("page")))
    return render(
        request,
        "cases/task_list.html",
        {"page": page, "office_view": office_view, "narrowed": bool(kinds) or overdue_only},
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: AuthenticatedRequest) -> HttpResponse:
    """Break-the-glass: open a case outside one's scope with a reason, for a few hours."""
    scope.require_perm(request.user, P.CASE_EMERGENCY_ACCESS)
    initial = {"case_number": request.GET.get("case", "")[:60]}
    form = forms.EmergencyAccessForm(request.POST or None, initial=initial)

    def open_case(d: dict[str, Any]) -> Any:
        case = queries.case_by_number(d["case_number"])
        if case is None:
            raise ValidationError({"case_number": [_("No case has this number. Check it and try again.")]})
        return actions.emergency_access_open(actor=request.user, case=case, reason=d["reason"], request=request)

    return form_view(
        request,
        form,
        open_case,
        then=lambda access: _detail(access.case),
        success=lambda access: (
            _("Emergency access until %(until)s. Your supervisor has been told.")
            % {"until": timezone.localtime(access.expires_at).strftime("%H:%M")}
        ),
        template="cases/emergency_access.html",
        context={"title": _("Emergency access"), "danger": True},
    )


@login_required
@require_GET
def emergency_access_list(request: AuthenticatedRequest) -> HttpResponse:
    """The emergency accesses a supervisor or the data protection officer answers for; audited."""
    scope.require_perm(request.user, P.CHILD_ACCESS_LOG)
    page = Paginator(queries.emergency_accesses_for(request.user), 25).get_page(as_page(request.GET.get("page")))
    audit_record(
        actor=request.user,
        action="case.emergency_access_list",
        request=request,
        details={"page": page.number},
    )
    return render(request, "cases/emergency_access_list.html", {"page": page, "now": timezone.now()})
