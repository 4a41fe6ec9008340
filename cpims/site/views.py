from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from cpims.accounts import scope
from cpims.accounts.actions import preferred_language_set
from cpims.accounts.queries import assignments_of
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.hooks import home_counts_for
from cpims.site import actions, queries


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "site/home.html",
        {
            "assignments": assignments_of(request.user),
            "perms_held": scope.grants_for(request.user).all_perms,
            "work_counts": home_counts_for(request.user),
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on a signed-in user's profile so
    the next sign-in keeps it."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        preferred_language_set(request=request, user=request.user, language=language)
    return response


@login_required
@require_GET
def task_queue(request: AuthenticatedRequest) -> HttpResponse:
    """The background task queue: depth, oldest wait, what runs, what waits for a retry, and the
    failures of the last 7 days with their reasons (system administrators)."""
    return render(request, "site/task_queue.html", {"queue": queries.task_queue_for(request.user)})


@login_required
@require_POST
def task_retry(request: AuthenticatedRequest, result_id: uuid.UUID) -> HttpResponse:
    result = queries.failed_task_for(request.user, result_id)
    try:
        actions.task_retry(actor=request.user, result=result, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The task is back in the queue; a worker will run it shortly."))
    return redirect("site:task_queue")
