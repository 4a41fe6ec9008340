"""Forms for sign-in, the second factor and user administration. They parse input; the actions write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from cpims.accounts import queries
from cpims.accounts.models import Role, User
from cpims.core.forms import style
from cpims.geo.models import OrgUnit


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocorrect": "off"})
        style(self)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class SetupForm(TokenForm):
    token = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OwnPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class _RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return obj.display_name


class _OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.code})"


def _grant_fields(form: forms.Form, actor: User) -> None:
    form.fields["role"] = _RoleChoiceField(
        label=_("Role"),
        queryset=queries.roles_grantable_by(actor),
        to_field_name="code",
        error_messages={"invalid_choice": _("You may not grant this role. Choose one of the roles listed.")},
    )
    form.fields["org_unit"] = _OrgUnitChoiceField(
        label=_("Organisation unit"),
        queryset=queries.org_units_manageable_by(actor),
        to_field_name="public_id",
        error_messages={"invalid_choice": _("You may not assign roles at this unit. Choose one of the units listed.")},
    )


class UserDetailsForm(forms.ModelForm):
    """The editable details of an account, with the version it was opened at."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "preferred_language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.updated_at.isoformat()
        style(self)

    def clean_version(self) -> Any:
        return parse_datetime(self.cleaned_data.get("version") or "")

    def _post_clean(self) -> None:
        # Leave the instance untouched: the action applies the changes under a row lock.
        pass


class UserCreateForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password, not all digits, not like the user's name."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "preferred_language"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _grant_fields(self, actor)
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocorrect": "off"})
        style(self)

    def _post_clean(self) -> None:
        super()._post_clean()  # fills the unsaved instance, so the password is compared with its names
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.instance)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)


class AssignmentForm(forms.Form):
    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _grant_fields(self, actor)
        style(self)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
