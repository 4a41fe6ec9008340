"""Registry pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.core import files
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.registry import access_log as access_log_queries
from cpims.registry import actions, forms, queries
from cpims.registry.models import Person
from cpims.registry.numbers import normalise_number


def _detail(person: Person) -> HttpResponse:
    return redirect("registry:child_detail", public_id=person.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def search(request: AuthenticatedRequest) -> HttpResponse:
    """Search by POST, so children's names never appear in URLs (access logs, browser history)."""
    scope.require_perm(request.user, P.CHILD_VIEW)
    form = forms.SearchForm(request.POST if request.method == "POST" else None)
    result = None
    if form.is_bound and form.is_valid():
        filters = form.to_filters()
        if filters.used():
            page = as_page(request.POST.get("page"))
            result = queries.search_people(request.user, filters, page=page, request=request)
    context = {"form": form, "result": result, "can_create": scope.has_perm(request.user, P.CHILD_CREATE)}
    template = "registry/_results.html" if request.htmx and result is not None else "registry/search.html"
    return render(request, template, context)


def _relatives_from(formset: Any, siblings: Any) -> list[actions.RelativeInput]:
    out = [f.to_relative() for f in formset.forms if f.cleaned_data and not f.is_blank()]
    out += [f.to_relative() for f in siblings.forms if f.cleaned_data and not f.is_blank()]
    return out


@login_required
@require_http_methods(["GET", "POST"])
def child_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CHILD_CREATE)
    units = queries.registering_units(request.user)
    default_area = units[0].area if units and units[0].area_id else None
    data = request.POST if request.method == "POST" else None
    form = forms.ChildForm(data, units=units, default_area=default_area, prefix="child")
    carers = forms.RelativeFormSet(data, prefix="carer")
    siblings = forms.SiblingFormSet(data, prefix="sibling")
    candidates: list[queries.Candidate] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and carers.is_valid()
        and siblings.is_valid()
        and not _caregivers_to_choose(request, carers)
    ):
        child = form.to_input()
        relatives = _relatives_from(carers, siblings)
        candidates = queries.duplicate_candidates(request.user, child, relatives=relatives, request=request)
        anyway = bool(form.cleaned_data.get("register_anyway"))
        if not candidates or anyway:
            try:
                registration = actions.child_register(
                    actor=request.user,
                    org_unit=form.cleaned_data["org_unit"],
                    child=child,
                    relatives=relatives,
                    child_heads_household=form.cleaned_data.get("child_heads_household", False),
                    consent_given_by=form.cleaned_data.get("consent_given_by") or None,
                    consent_date=form.cleaned_data.get("consent_date"),
                    request=request,
                    recheck=None if anyway else queries.duplicate_recheck(request.user, child, relatives),
                )
            except ValidationError as exc:
                _attach_registration_errors(exc, form, carers, siblings)
            except actions.LikelyDuplicates as exc:
                candidates = exc.candidates
            else:
                messages.success(
                    request,
                    _("Registered with CPIMS number %(number)s.") % {"number": registration.child.cpims_number},
                )
                return _detail(registration.child)
    return render(
        request,
        "registry/child_form.html",
        {
            "form": form,
            "carers": carers,
            "siblings": siblings,
            "candidates": candidates,
            "carers_waiting": any(getattr(f, "matches", None) for f in carers.forms),
        },
    )


def _caregivers_to_choose(request: AuthenticatedRequest, carers: Any) -> bool:
    """Search before create: a caregiver typed who is already registered (same ID number, or same
    name and phone) is offered for reuse. True while a choice is awaited or a pick is refused."""
    waiting = False
    for f in carers.forms:
        if not f.cleaned_data or f.is_blank():
            continue
        typed = f.to_relative().person
        if f.picked():
            f.existing = queries.caregiver_pick(request.user, f.picked(), typed)
            if f.existing is None:
                f.add_error(None, _("Choose one of the registered people offered, or register a different person."))
                waiting = True
        elif typed is not None and not f.cleaned_data.get("use_existing"):
            f.matches = queries.caregiver_matches(request.user, typed, request=request)
            waiting = waiting or bool(f.matches)
    return waiting


def _attach_registration_errors(exc: ValidationError, form: Any, carers: Any, siblings: Any) -> None:
    if not hasattr(exc, "error_dict"):
        forms.attach_errors(form, exc)
        return
    relative_forms = [f for f in carers.forms if f.cleaned_data and not f.is_blank()]
    relative_forms += [f for f in siblings.forms if f.cleaned_data and not f.is_blank()]
    for key, errors in exc.error_dict.items():
        parts = key.split(".")
        target_form, field = form, None
        if parts[0] == "child" and len(parts) == 2:
            field = parts[1]
        elif parts[0] == "relatives" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(relative_forms):
            target_form, field = relative_forms[int(parts[1])], parts[2]
        elif parts[0] in form.fields:
            field = parts[0]
        for error in errors:
            target_form.add_error(field if field in target_form.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_check(request: AuthenticatedRequest) -> HttpResponse:
    """The live duplicate check of the registration form (htmx, on leaving a name or date field)."""
    scope.require_perm(request.user, P.CHILD_CREATE)
    units = queries.registering_units(request.user)
    form = forms.ChildForm(request.POST or request.GET, units=units, prefix="child")
    form.is_valid()
    candidates: list[queries.Candidate] = []
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("first_name") and data.get("last_name"):
        candidates = queries.duplicate_candidates(request.user, form.to_input(), request=request)
    return render(request, "registry/_duplicates.html", {"candidates": candidates, "live": True})


@login_required
@require_GET
def child_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    perms = scope.grants_for(request.user).all_perms
    # The page's questions about the child are answered by the query that fetches the child, before
    # the profile's sections and timeline ask them (the services ask child.view): from the memo.
    person = queries.person_for_profile(
        request.user, public_id, prime=[p for p in (P.CHILD_UPDATE, P.CHILD_ACCESS_LOG) if p in perms]
    )
    if not person.is_active and person.merged_into_id:
        messages.info(
            request,
            _("Record %(number)s was merged into this one.") % {"number": person.cpims_number},
        )
        return _detail(person.merged_into)
    profile = queries.profile_for(request.user, person)
    queries.audit_view(request.user, person, request=request)
    can_update = P.CHILD_UPDATE in perms and scope.can(request.user, P.CHILD_UPDATE, person)
    return render(
        request,
        "registry/child_detail.html",
        {
            "person": person,
            "profile": profile,
            "can_update": can_update,
            "can_merge": P.CHILD_MERGE in perms and person.is_active,
            "can_see_access_log": P.CHILD_ACCESS_LOG in perms and scope.can(request.user, P.CHILD_ACCESS_LOG, person),
            "sections": queries.profile_sections(request.user, person),
        },
    )


@login_required
@require_GET
def by_number(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """/children/number/CP00001234/ leads to the record, or to the record it was merged into."""
    canonical = normalise_number(number)
    if canonical is None:
        raise Http404
    person = queries.people_visible_to(request.user).filter(cpims_number=canonical).first()
    if person is None:
        merged = (
            Person.objects.filter(cpims_number=canonical, merged_into__isnull=False)
            .values_list("merged_into__public_id", flat=True)
            .first()
        )
        if merged is None:
            raise Http404
        person = queries.person_for(request.user, merged)
    return _detail(person)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    person = queries.person_for(request.user, public_id, write=P.CHILD_UPDATE)
    if not person.is_active:
        raise Http404
    form = forms.PersonEditForm(request.POST or None, instance=person)
    return form_view(
        request,
        form,
        lambda d: actions.person_update(
            actor=request.user,
            person=person,
            data=form.to_input(),
            expected_updated_at=d["updated_at"],
            request=request,
        ),
        then=lambda _result: _detail(person),
        success=_("Changes saved."),
        template="registry/person_edit.html",
        context={"person": person},
    )


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Add a caregiver or sibling to a child."""
    child = queries.person_for(request.user, public_id, write=P.CHILD_UPDATE)
    if not child.is_active or child.kind != Person.Kind.CHILD:
        raise Http404
    form = forms.RelativeAddForm(request.POST or None, user=request.user)
    return form_view(
        request,
        form,
        lambda d: actions.relative_add(actor=request.user, child=child, relative=form.to_relative(), request=request),
        then=lambda _result: _detail(child),
        success=_("Added to the child's record."),
        template="registry/caregiver_form.html",
        context={"person": child},
    )


@login_required
@require_http_methods(["GET", "POST"])
def relationship_edit(request: AuthenticatedRequest, public_id: Any, relationship_id: Any) -> HttpResponse:
    relationship = queries.relationship_for(request.user, relationship_id, write=P.CHILD_UPDATE)
    if str(relationship.child.public_id) != str(public_id):
        raise Http404
    initial = {"parent_status": relationship.parent_status, "lives_with_child": relationship.lives_with_child}
    form = forms.RelationshipForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: actions.relationship_update(
            actor=request.user,
            relationship=relationship,
            is_active=not d["ended"],
            request=request,
            **pick(d, "parent_status", "lives_with_child"),
        ),
        then=lambda _result: _detail(relationship.child),
        success=_("Changes saved."),
        template="registry/relationship_form.html",
        context={"person": relationship.child, "relationship": relationship},
    )


def _simple_form(
    request: HttpRequest, person: Person, form: Any, action: Any, *, title: str, success: str, **extra: Any
) -> HttpResponse:
    """One short form about a person (identifier, consent, photo); back to the person's page."""
    return form_view(
        request,
        form,
        action,
        then=lambda _result: _detail(person),
        success=success,
        template="registry/simple_form.html",
        context={"person": person, "title": title, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def identifier_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    person = queries.person_for(request.user, public_id, write=P.CHILD_UPDATE)
    if not person.is_active:
        raise Http404
    form = forms.IdentifierForm(request.POST or None)
    return _simple_form(
        request,
        person,
        form,
        lambda d: actions.identifier_add(
            actor=request.user, person=person, request=request, **pick(d, "id_type", "value")
        ),
        title=_("Add an identifier"),
        success=_("Identifier added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_give(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    person = queries.person_for(request.user, public_id, write=P.CHILD_UPDATE)
    if not person.is_active:
        raise Http404
    form = forms.ConsentForm(request.POST or None, person=person, initial={"purpose": request.GET.get("purpose")})
    return _simple_form(
        request,
        person,
        form,
        lambda d: actions.consent_give(actor=request.user, person=person, request=request, **form.cleaned_data),
        title=_("Record consent"),
        success=_("Consent recorded."),
    )


def _withdraw_consent(request: AuthenticatedRequest, consent: Any, data: dict[str, Any]) -> Any:
    """Withdraw, and tell the officer which units lost access to the child's cases because of it."""
    done = actions.consent_withdraw(
        actor=request.user, consent=consent, withdrawn_on=data["withdrawn_on"], reason=data["reason"], request=request
    )
    if done.ended_access:
        messages.warning(
            request,
            _("These units no longer have access to the child's cases: %(units)s.")
            % {"units": ", ".join(done.ended_access)},
        )
    return done


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedRequest, public_id: Any, consent_id: Any) -> HttpResponse:
    consent = queries.consent_for(request.user, consent_id, write=P.CHILD_UPDATE)
    if str(consent.person.public_id) != str(public_id):
        raise Http404
    form = forms.ConsentWithdrawForm(request.POST or None)
    title = _("Withdraw consent: %(purpose)s") % {"purpose": consent.get_purpose_display()}
    return _simple_form(
        request,
        consent.person,
        form,
        lambda d: _withdraw_consent(request, consent, d),
        title=title,
        success=_("Consent withdrawn."),
        danger=True,
    )


@login_required
@require_GET
def photo(request: AuthenticatedRequest, public_id: Any) -> FileResponse:
    """The child's photo, only through the scope check (never a public media URL)."""
    return files.stream(queries.photo_file(request.user, public_id, request=request))


@login_required
@require_http_methods(["GET", "POST"])
def photo_upload(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    person = queries.person_for(request.user, public_id, write=P.CHILD_UPDATE)
    if not person.is_active:
        raise Http404
    form = forms.PhotoForm(request.POST or None, request.FILES or None)
    return _simple_form(
        request,
        person,
        form,
        lambda d: actions.photo_set(actor=request.user, person=person, photo=d["photo"], request=request),
        title=_("Photo"),
        success=_("Photo saved."),
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Merge a duplicate into this record: choose the duplicate by number, compare, confirm."""
    survivor = queries.person_for(request.user, public_id, write=P.CHILD_MERGE)
    if not survivor.is_active:
        raise Http404
    form = forms.MergeForm(request.POST or None, initial={"duplicate_number": request.GET.get("duplicate", "")})
    duplicate = None
    if request.method == "POST" and form.is_valid():
        number = normalise_number(form.cleaned_data["duplicate_number"])
        duplicate = (
            queries.people_visible_to(request.user, P.CHILD_MERGE).filter(cpims_number=number).first()
            if number
            else None
        )
        if duplicate is None:
            form.add_error("duplicate_number", _("No record with this CPIMS number that you may merge."))
        elif duplicate.pk == survivor.pk:
            form.add_error("duplicate_number", _("Choose a different record from this one."))
        elif form.cleaned_data.get("confirm"):
            try:
                actions.person_merge(
                    actor=request.user,
                    survivor=survivor,
                    duplicate=duplicate,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                forms.attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s was merged into this record.") % {"number": duplicate.cpims_number},
                )
                return _detail(survivor)
    return render(
        request,
        "registry/merge.html",
        {"form": form, "person": survivor, "duplicate": duplicate if form.is_bound and not form.errors else None},
    )


def _access_log_person(request: AuthenticatedRequest, public_id: Any) -> Person:
    """The child, if visible (404) and within a child.access_log grant (403)."""
    person = queries.person_for(request.user, public_id, write=P.CHILD_ACCESS_LOG)
    if not person.is_active:
        raise Http404
    return person


@login_required
@require_GET
def access_log(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Who saw this child: every event on the child's record and cases, 50 a page; itself audited."""
    person = _access_log_person(request, public_id)
    number = as_page(request.GET.get("page"))
    page, entries = access_log_queries.page_for(person, request.user, number)
    audit_record(
        actor=request.user,
        action="person.access_log",
        obj=person,
        object_label=person.cpims_number,
        request=request,
        details={"page": number},
    )
    return render(request, "registry/access_log.html", {"person": person, "page": page, "entries": entries})


@login_required
@require_GET
def access_log_export(request: AuthenticatedRequest, public_id: Any) -> HttpResponse | StreamingHttpResponse:
    person = _access_log_person(request, public_id)
    now = timezone.now()
    # Fixed at this moment, so the file holds exactly the rows the audit event counts.
    events = access_log_queries.events_for(person, request.user).filter(at__lte=now)
    rows = events.count()
    if rows > access_log_queries.MAX_EXPORT_ROWS:
        messages.error(request, _("Too many events to export at once."))
        return redirect("registry:access_log", public_id=person.public_id)
    audit_record(
        actor=request.user,
        action="person.access_log_export",
        obj=person,
        object_label=person.cpims_number,
        request=request,
        details={"rows": rows},
    )
    response = StreamingHttpResponse(access_log_queries.csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cpims-who-saw-{person.cpims_number}.csv"'
    return response


def detail_url(person: Person) -> str:
    return reverse("registry:child_detail", kwargs={"public_id": person.public_id})
