from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from cpims.accounts import scope
from cpims.accounts.actions import preferred_language_set
from cpims.accounts.queries import assignments_of
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.hooks import home_counts_for


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
