from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.api.queries import token_users_for


class TokenIssueForm(forms.Form):
    """Issue a token. The user is typed by username (a national list of users would be too heavy
    for a phone) and looked up only among the active users in the issuer's scope."""

    username = forms.CharField(
        label=_("User the token acts as"),
        max_length=150,
        help_text=_("The username of the account the partner system or device will act as."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system or device that uses it. No personal data."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Optional. The token stops working at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.user: Any = None
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def mark_invalid(self) -> None:
        """Give fields with errors Bootstrap's invalid style (call after validation)."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        self.user = token_users_for(self.actor).filter(username=username).first()
        if self.user is None:
            # Same answer whether the account exists elsewhere or not at all.
            raise forms.ValidationError(_("No active user with this username in your area."))
        return username

    def clean_expires_on(self) -> Any:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return day

    @property
    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # The end of that day in the local time zone, i.e. the start of the next one.
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
