from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cpims.accounts import scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from cpims.accounts.queries import assignments_of

    return render(
        request,
        "core/home.html",
        {"assignments": assignments_of(request.user), "perms_held": scope.grants_for(request.user).all_perms},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers. Reveals nothing but "ok"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
