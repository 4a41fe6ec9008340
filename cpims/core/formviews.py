"""The pattern of the apps' edit pages in one place: a form, one action, the action's refusal shown
on the form, a message and a redirect.

A view keeps its own scope checks (it looks the record up before building the form) and passes
the action as a callable of the form's cleaned data, so the action still gets every argument by
keyword and writes its own audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cpims.core.forms import attach_errors

T = TypeVar("T")


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    then: Callable[[T], HttpResponse],
    success: str | Callable[[T], str] = "",
    refused: Callable[[ValidationError], HttpResponse | None] | None = None,
    attach: Callable[[ValidationError], None] | None = None,
) -> HttpResponse | None:
    """On a valid POST, run ``action(form.cleaned_data)``; if it succeeds, show ``success`` (a text,
    or a function of the result to name what was made) and answer ``then(result)``. A
    ValidationError goes onto the form (through ``attach`` if given) unless ``refused`` answers it
    with a response. None means: render the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        answer = refused(exc) if refused is not None else None
        if answer is not None:
            return answer
        if attach is not None:
            attach(exc)
        else:
            attach_errors(form, exc)
        return None
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)
    return then(result)


def pick(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The named fields of a form's cleaned data, passed to an action as keyword arguments of the
    same names."""
    return {name: data[name] for name in names}


def render_form(
    request: HttpRequest,
    template: str,
    form: forms.BaseForm,
    context: Mapping[str, Any] | None = None,
    *,
    invalid_status: int = 200,
) -> HttpResponse:
    """The form page; ``invalid_status`` (400 or 422 where a page uses it) when the form has errors."""
    status = invalid_status if form.is_bound and form.errors else 200
    return render(request, template, {**(context or {}), "form": form}, status=status)


def form_view(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    then: Callable[[T], HttpResponse],
    template: str,
    context: Mapping[str, Any] | None = None,
    success: str | Callable[[T], str] = "",
    invalid_status: int = 200,
    refused: Callable[[ValidationError], HttpResponse | None] | None = None,
    attach: Callable[[ValidationError], None] | None = None,
) -> HttpResponse:
    """`submit`, then `render_form` when there is no redirect to answer with."""
    answer = submit(request, form, action, then=then, success=success, refused=refused, attach=attach)
    if answer is not None:
        return answer
    return render_form(request, template, form, context, invalid_status=invalid_status)
