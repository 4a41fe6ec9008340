"""Retention forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.retention.actions import MAX_PERIOD
from cpims.retention.models import RetentionRule


class RuleForm(forms.Form):
    period = forms.IntegerField(label=_("Kept for"), min_value=1, max_value=MAX_PERIOD)
    unit = forms.ChoiceField(label=_("Unit"), choices=RetentionRule.Unit.choices)
    enabled = forms.BooleanField(label=_("Applied by the job"), required=False)
    reason = forms.CharField(label=_("Why this period"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)


class HoldForm(forms.Form):
    number = forms.CharField(
        label=_("Case number or CPIMS number"),
        max_length=60,
        help_text=_("A hold on a child (CPIMS number) holds every case of the child."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: court case, police investigation, complaint. No names."),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until released."),
    )

    def clean_number(self) -> Any:
        return self.cleaned_data["number"].strip()
