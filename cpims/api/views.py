"""Web pages: API token management and the API documentation (Swagger UI)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.api.actions import token_issue, token_revoke
from cpims.api.forms import TokenIssueForm
from cpims.api.queries import token_for, tokens_visible_to

PAGE_SIZE = 50


@login_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.API_TOKEN_MANAGE)
    page = Paginator(tokens_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.API_TOKEN_MANAGE)
    form = TokenIssueForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_issue(
                actor=request.user,
                user=form.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at,
                request=request,
            )
        except PermissionDenied:
            form.add_error("username", _("You cannot issue a token for this user: they hold roles outside your reach."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            # Rendered, not redirected: the secret exists only in this response (sent no-store).
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    if form.is_bound:
        form.mark_invalid()
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    scope.require_perm(request.user, P.API_TOKEN_MANAGE)
    token = token_for(request.user, public_id, write=True)
    try:
        token_revoke(actor=request.user, token=token, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.key_prefix})
    return redirect("api:token_list")


def _add_errors(form: TokenIssueForm, exc: ValidationError) -> None:
    fields = {"user": "username", "expires_at": "expires_on", "name": "name"}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(fields.get(field), message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's local files, with no inline script or style.

    The page loads its start-up script from this same view (``?script``), which the strict
    Content-Security-Policy (script-src 'self') allows; our templates replace the packaged ones,
    which carry an inline <style> and would call an external validator.
    """

    template_name = "api/swagger_ui.html"
    template_name_js = "api/swagger_ui.js"
    url_name = "api:schema"
    title = gettext_lazy("CPIMS Kenya API")


docs = login_required(DocsView.as_view())
