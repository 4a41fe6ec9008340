"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.core.forms import DATE_WIDGET, attach_errors, codes, style  # noqa: F401 - re-exported for views
from cpims.core.models import Code
from cpims.court.models import ORDER_LIST, OUTCOME_LIST, PLEA_LIST, SESSION_TYPE_LIST
from cpims.geo.models import OrgUnit


def courts() -> Any:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.COURT, is_active=True).order_by("name")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class SessionForm(StyledForm):
    session_type = forms.ModelChoiceField(label=_("Type of session"), queryset=Code.objects.none())
    held_on = forms.DateField(label=_("Date of session"), widget=DATE_WIDGET)
    court = forms.ModelChoiceField(label=_("Court"), queryset=OrgUnit.objects.none(), required=False)
    court_name = forms.CharField(
        label=_("Court (if not in the list)"),
        max_length=200,
        required=False,
        help_text=_("E.g. Kibera Law Courts. Leave empty when you chose the court above."),
    )
    plea = forms.ModelChoiceField(
        label=_("Plea"),
        queryset=Code.objects.none(),
        required=False,
        help_text=_("Only at a plea-taking session."),
    )
    outcome = forms.ModelChoiceField(label=_("Outcome"), queryset=Code.objects.none(), required=False)
    next_date = forms.DateField(label=_("Next court date"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session_type"].queryset = codes(SESSION_TYPE_LIST)
        self.fields["court"].queryset = courts()
        self.fields["plea"].queryset = codes(PLEA_LIST)
        self.fields["outcome"].queryset = codes(OUTCOME_LIST)

    def session_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            name: d[name]
            for name in ("session_type", "held_on", "court", "court_name", "plea", "outcome", "next_date", "notes")
        }


class OrderForm(StyledForm):
    order_type = forms.ModelChoiceField(label=_("Order"), queryset=Code.objects.none())
    made_on = forms.DateField(label=_("Date of order"), widget=DATE_WIDGET)
    period_months = forms.IntegerField(
        label=_("Period (months)"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_("With no expiry date, the order expires this many months after it was made."),
    )
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order_type"].queryset = codes(ORDER_LIST)


class SummonsForm(StyledForm):
    person_role = forms.CharField(
        label=_("Summoned as"), max_length=120, help_text=_("E.g. parent, guardian, witness, alleged perpetrator.")
    )
    person_name = forms.CharField(label=_("Name of person summoned"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("To appear on"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class SummonsHonouredForm(StyledForm):
    honoured = forms.TypedChoiceField(
        label=_("Did the person appear?"),
        choices=[("yes", _("Yes, the summons was honoured")), ("no", _("No, the summons was not honoured"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    honoured_on = forms.DateField(
        label=_("Honoured on"), required=False, widget=DATE_WIDGET, help_text=_("Leave empty for today.")
    )
