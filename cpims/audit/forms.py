"""The audit log filter: one form validates the list page, the CSV export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cpims.audit.models import AuditEvent

_CODE = RegexValidator(
    r"^[A-Za-z0-9_.:-]+$",
    _("Use only letters, digits, dots, colons, hyphens and underscores."),
)

FILTER_NAMES = ("username", "action", "object_type", "object_id", "outcome", "date_from", "date_to")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=150,
        help_text=_("The exact user name, as recorded on the event."),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        validators=[_CODE],
        help_text=_("For example auth.login or audit.export."),
    )
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=60,
        validators=[_CODE],
        help_text=_("For example accounts.user."),
    )
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64, validators=[_CODE])
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *AuditEvent.Outcome.choices],
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        help_text=_("Kenya time, from the start of this day."),
        error_messages={"invalid": _("Enter a date as year-month-day, for example 2025-07-01.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        help_text=_("Kenya time, up to the end of this day."),
        error_messages={"invalid": _("Enter a date as year-month-day, for example 2025-07-31.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", _("Give the object type too: an object id is only unique within its type."))
        return data

    def filters(self) -> dict[str, Any]:
        """The filters that were filled in, as keyword arguments for search_events."""
        assert self.is_valid()
        return {name: self.cleaned_data[name] for name in FILTER_NAMES if self.cleaned_data.get(name)}
