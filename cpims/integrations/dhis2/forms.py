"""Forms of the dhis2 pages (input parsing only; the rules live in actions and queries)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.core.periods import QUARTER, Period
from cpims.geo.models import Area
from cpims.integrations.dhis2 import queries


def _style(form: forms.BaseForm) -> None:
    for fld in form.fields.values():
        widget = fld.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css


def default_period() -> Period:
    """The last finished quarter: what DCS usually reports."""
    return Period.containing(QUARTER, timezone.localdate()).previous()


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=12,
        help_text=_("A month (2026-07), quarter (2026/27-Q1), half (2026/27-H1), financial year (2026/27) or year."),
    )
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All mapped org units"))] + [
            (a.code, f"{a.name} ({a.code})") for a in queries.counties()
        ]
        _style(self)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_county(self) -> Area | None:
        code = self.cleaned_data.get("county")
        if not code:
            return None
        return queries.county_by_code(code)


class PushForm(PeriodForm):
    dry_run = forms.BooleanField(label=_("Dry run"), required=False)


class DataElementMappingForm(forms.Form):
    uid = forms.CharField(label=_("Data element UID"), max_length=11, min_length=11)
    dhis2_code = forms.CharField(label=_("Data element code"), max_length=50, required=False)
    name = forms.CharField(label=_("Data element name"), max_length=230)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
