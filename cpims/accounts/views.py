"""Sign-in, second factor, profile and user administration pages. Thin: parse, call, render."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts import actions, queries, scope
from cpims.accounts import permissions as P
from cpims.accounts.forms import (
    AssignmentForm,
    LanguageForm,
    LoginForm,
    OwnPasswordChangeForm,
    SetupForm,
    TokenForm,
    UserCreateForm,
    UserDetailsForm,
    UserSearchForm,
)
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.formviews import form_view, pick

USERS_PER_PAGE = 25


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Sign-in and sign-out --------------------------------------------------------------------


class LoginView(DjangoLoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired", "")
        # A language chosen with the switch (it leaves the cookie) is carried with the form, so
        # the sign-in keeps it; without a choice the profile's language applies.
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        context["chosen_language"] = chosen if chosen in dict(settings.LANGUAGES) else ""
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        chosen = self.request.POST.get("language", "")
        with transaction.atomic():  # the session row and the audit event of the sign-in
            auth_login(self.request, user)
            if chosen in dict(settings.LANGUAGES):
                actions.preferred_language_set(request=self.request, user=user, language=chosen)
        response = HttpResponseRedirect(self.get_success_url())
        _set_language_cookie(response, user.preferred_language)
        return response


login_view = LoginView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    actions.logout(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers to a locked-out sign-in (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


# --- Second factor ---------------------------------------------------------------------------


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=15)
    # Our own SVG from our own data (the key and the username, encoded as a picture).
    return mark_safe(image.to_string(encoding="unicode"))


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _to_second_factor(request: AuthenticatedRequest) -> HttpResponse:
    name = "accounts:2fa_verify" if queries.has_confirmed_totp(request.user) else "accounts:2fa_setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # Replacing an authenticator needs the current one: a stolen password alone must not do it.
    if queries.has_confirmed_totp(user) and not user.is_verified():
        return redirect(f"{reverse('accounts:2fa_verify')}?{urlencode({'next': _next_url(request)})}")
    device = actions.totp_setup_begin(user=user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.totp_setup_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            return render(
                request,
                "accounts/recovery_codes_new.html",
                {"codes": codes, "next": _next_url(request), "after_setup": True},
            )
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped_secret(device),
            "replacing": queries.has_confirmed_totp(user),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not queries.has_confirmed_totp(user):
        return redirect(f"{reverse('accounts:2fa_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method, left = actions.two_factor_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            if method == "recovery_code":
                messages.warning(
                    request,
                    _("You used a recovery code. Recovery codes left: %(left)d. Make new ones on your profile.")
                    % {"left": left or 0},
                )
            return redirect(next_url)
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": next_url})


@login_required
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_verified():
        return _to_second_factor(request)
    if request.method == "POST":
        codes = actions.recovery_codes_regenerate(request=request)
        return render(
            request, "accounts/recovery_codes_new.html", {"codes": codes, "next": reverse("accounts:profile")}
        )
    return render(request, "accounts/recovery_codes.html", {"left": queries.recovery_codes_left(request.user)})


# --- Profile ---------------------------------------------------------------------------------


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(request.POST or None, initial={"preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        actions.preferred_language_set(request=request, user=user, language=language)
        translation.activate(language)
        messages.success(request, _("Your preferred language is saved."))
        response = redirect("accounts:profile")
        _set_language_cookie(response, language)
        return response
    has_totp = queries.has_confirmed_totp(user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "assignments": queries.assignments_of(user),
            "has_totp": has_totp,
            "verified": user.is_verified(),
            "codes_left": queries.recovery_codes_left(user) if has_totp else 0,
            "requires_2fa": queries.requires_2fa(user),
        },
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    return form_view(
        request,
        form,
        lambda d: actions.password_change(request=request, user=request.user, new_password=d["new_password1"]),
        then=lambda _result: redirect("accounts:profile"),
        success=_("Your password is changed. Your other sessions have been signed out."),
        attach=lambda exc: form.add_error("new_password1", exc),
        template="accounts/password_change.html",
    )


# --- User administration ---------------------------------------------------------------------


@login_required
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.USER_VIEW)
    form = UserSearchForm(request.GET or None)
    search = status = ""
    if form.is_valid():
        search, status = form.cleaned_data["q"], form.cleaned_data["status"]
    users = queries.users_visible_to(request.user, search=search, status=status)
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": scope.has_perm(request.user, P.USER_MANAGE),
        },
    )


@login_required
def user_detail(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    target = queries.user_for(request.user, public_id)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": queries.assignments_of_user(target),
            "can_manage": scope.can(request.user, P.USER_MANAGE, target),
            "is_self": target.pk == request.user.pk,
            "has_totp": queries.has_confirmed_totp(target),
        },
    )


@sensitive_post_parameters("password1", "password2")
@login_required
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.USER_MANAGE)
    form = UserCreateForm(request.POST or None, actor=request.user)
    return form_view(
        request,
        form,
        lambda d: actions.user_create(
            actor=request.user,
            request=request,
            password=d["password1"],
            **pick(
                d,
                "username",
                "role",
                "org_unit",
                "first_name",
                "last_name",
                "email",
                "phone",
                "preferred_language",
            ),
        ),
        then=lambda user: redirect("accounts:user_detail", public_id=user.public_id),
        success=lambda user: _("The account %(username)s is created.") % {"username": user.username},
        attach=lambda exc: form.add_error(None, exc),
        template="accounts/user_form.html",
        context={"creating": True},
    )


@login_required
def user_edit(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    target = queries.user_for(request.user, public_id, write=True)
    form = UserDetailsForm(request.POST or None, instance=target)

    def saved(changed: bool) -> HttpResponse:
        if not changed:
            messages.info(request, _("Nothing was changed."))
        return redirect("accounts:user_detail", public_id=target.public_id)

    return form_view(
        request,
        form,
        lambda d: actions.user_update(
            actor=request.user,
            request=request,
            user=target,
            expected_updated_at=d["version"],
            **pick(d, *actions.USER_EDITABLE_FIELDS),
        ),
        then=saved,
        success=lambda changed: _("The account is saved.") if changed else "",
        attach=lambda exc: form.add_error(None, exc),
        template="accounts/user_form.html",
        context={"target": target, "creating": False},
    )


@login_required
def assignment_create(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    target = queries.user_for(request.user, public_id, write=True)
    form = AssignmentForm(request.POST or None, actor=request.user)
    return form_view(
        request,
        form,
        lambda d: actions.assignment_create(
            actor=request.user, request=request, user=target, **pick(d, "role", "org_unit")
        ),
        then=lambda _result: redirect("accounts:user_detail", public_id=target.public_id),
        success=_("The role is assigned."),
        attach=lambda exc: form.add_error(None, exc),
        template="accounts/assignment_form.html",
        context={"target": target},
    )


@require_POST
@login_required
def assignment_end(request: AuthenticatedRequest, public_id: str, assignment_id: str) -> HttpResponse:
    target = queries.user_for(request.user, public_id, write=True)
    assignment = queries.assignment_for(target, assignment_id)
    try:
        actions.assignment_end(actor=request.user, request=request, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The role is ended."))
    return redirect("accounts:user_detail", public_id=target.public_id)


def _user_command(request: AuthenticatedRequest, public_id: str, action: Any, done: str) -> HttpResponse:
    """Run one POST-only action on a user in the actor's USER_MANAGE scope, then show the user."""
    target = queries.user_for(request.user, public_id, write=True)
    try:
        action(actor=request.user, request=request, user=target)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", public_id=target.public_id)


@require_POST
@login_required
def user_deactivate(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    return _user_command(
        request, public_id, actions.user_deactivate, _("The account is deactivated and its sessions are ended.")
    )


@require_POST
@login_required
def user_reactivate(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    return _user_command(request, public_id, actions.user_reactivate, _("The account is active again."))


@require_POST
@login_required
def user_2fa_reset(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    return _user_command(
        request,
        public_id,
        actions.two_factor_reset,
        _("Two-factor authentication is reset: the user sets it up again at next sign-in."),
    )
