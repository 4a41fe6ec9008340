"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.care.actions import CapacityInput, OrderInput, allowed_statuses
from cpims.care.models import (
    ADMISSION_REASON_LIST,
    ADMISSION_TYPE_LIST,
    CARE_TYPE_LIST,
    DISCHARGE_TYPE_LIST,
    INSTITUTION_TYPE_LIST,
    CapacityRow,
    FollowUp,
    Institution,
    Placement,
    Review,
)
from cpims.core import ages
from cpims.core.models import Code
from cpims.court.forms import DATE_WIDGET, StyledForm, attach_errors, codes, courts  # noqa: F401 - re-exported
from cpims.geo.models import Area, OrgUnit

CAPACITY_ROWS = 6


def institutions() -> Any:
    return OrgUnit.objects.filter(kind__in=OrgUnit.INSTITUTION_KINDS, is_active=True).order_by("name")


# How a child came into care: the admission form's first fields, the action's arguments of the
# same names and the API's placement fields, in this order.
ADMISSION_FIELDS = ("care_type", "institution", "caregiver_name", "admitted_on", "admission_type", "admission_reason")


class OrderFields(forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=OrgUnit.objects.none(), required=False)
    court_name = forms.CharField(label=_("Court (if not in the list)"), max_length=200, required=False)
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)
    order_date = forms.DateField(label=_("Date of order"), required=False, widget=DATE_WIDGET)
    order_period_months = forms.IntegerField(
        label=_("Period of the order (months)"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_("The order expires this many months after its date."),
    )

    def order(self) -> OrderInput:
        d = self.cleaned_data
        return OrderInput(
            court=d.get("court"),
            court_name=d.get("court_name") or "",
            number=d.get("order_number") or "",
            date=d.get("order_date"),
            period_months=d.get("order_period_months"),
        )


class AdmitLookupForm(StyledForm):
    """Find the child to admit: the CPIMS number, and for a child registered by another office
    their date of birth too (both must match exactly)."""

    number = forms.CharField(label=_("CPIMS number"), max_length=24)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Needed for a child registered by another office."),
    )


class AdmitForm(StyledForm, OrderFields):
    care_type = forms.ModelChoiceField(label=_("Type of care"), queryset=Code.objects.none())
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("For institutional care or a place of safety."),
    )
    caregiver_name = forms.CharField(label=_("Family or caregiver (family-based care)"), max_length=200, required=False)
    admitted_on = forms.DateField(label=_("Date of admission"), widget=DATE_WIDGET)
    admission_type = forms.ModelChoiceField(label=_("Type of admission"), queryset=Code.objects.none())
    admission_reason = forms.ModelChoiceField(label=_("Reason for admission"), queryset=Code.objects.none())
    first_review_due = forms.DateField(label=_("First care plan review due"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = [
        *ADMISSION_FIELDS,
        "court",
        "court_name",
        "order_number",
        "order_date",
        "order_period_months",
        "first_review_due",
        "notes",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_type"].queryset = codes(CARE_TYPE_LIST)
        self.fields["institution"].queryset = institutions()
        self.fields["admission_type"].queryset = codes(ADMISSION_TYPE_LIST)
        self.fields["admission_reason"].queryset = codes(ADMISSION_REASON_LIST)
        self.fields["court"].queryset = courts()
        self.order_fields(self.field_order)


class PlacementEditForm(StyledForm, OrderFields):
    admission_type = forms.ModelChoiceField(label=_("Type of admission"), queryset=Code.objects.none())
    admission_reason = forms.ModelChoiceField(label=_("Reason for admission"), queryset=Code.objects.none())
    caregiver_name = forms.CharField(label=_("Family or caregiver"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["admission_type"].queryset = codes(ADMISSION_TYPE_LIST)
        self.fields["admission_reason"].queryset = codes(ADMISSION_REASON_LIST)
        self.fields["court"].queryset = courts()


STATUS_CHOICES = [(s.value, s.label) for s in Placement.Status if s not in (Placement.Status.TRANSFERRED,)]


class _AnyStatusField(forms.ChoiceField):
    """Lists only the statuses possible now, but lets any status through to the action, whose refusal
    names the allowed ones (rather than Django's bare "not one of the available choices")."""

    def valid_value(self, value: Any) -> bool:
        return any(value == key for key, _label in STATUS_CHOICES)


class StatusForm(StyledForm):
    status = _AnyStatusField(label=_("New status"), choices=STATUS_CHOICES)
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    discharge_type = forms.ModelChoiceField(
        label=_("Type of discharge"),
        queryset=Code.objects.none(),
        required=False,
        help_text=_("For a discharge; reintegration defaults to 'Reintegration'."),
    )
    follow_up_due = forms.DateField(
        label=_("First follow-up visit due"), required=False, widget=DATE_WIDGET, help_text=_("After a discharge.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discharge_type"].queryset = codes(DISCHARGE_TYPE_LIST)
        if current is not None:
            possible = set(allowed_statuses(current))
            status: Any = self.fields["status"]
            status.choices = [(k, label) for k, label in STATUS_CHOICES if k in possible]


class TransferForm(StyledForm):
    to_institution = forms.ModelChoiceField(label=_("Transfer to"), queryset=OrgUnit.objects.none())
    on = forms.DateField(label=_("Date of transfer"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_institution"].queryset = institutions()


class ReviewForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type of review"), choices=Review.Kind.choices)
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=DATE_WIDGET, help_text=_("Leave empty to schedule a review.")
    )
    due_on = forms.DateField(label=_("Due on (to schedule)"), required=False, widget=DATE_WIDGET)
    next_due_on = forms.DateField(label=_("Next review due"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(StyledForm):
    visited_on = forms.DateField(
        label=_("Visited on"), required=False, widget=DATE_WIDGET, help_text=_("Leave empty to plan a visit.")
    )
    outcome = forms.ChoiceField(
        label=_("What the visit found"), choices=[("", "---------"), *FollowUp.Outcome.choices], required=False
    )
    due_on = forms.DateField(label=_("Next visit due"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


def band_choices() -> list[tuple[str, Any]]:
    return [(CapacityRow.ANY, _("Any age"))] + [
        (b, ages.band_label(b)) for b in ages.band_keys(ages.DCS) if b not in (ages.UNKNOWN,)
    ]


class InstitutionForm(StyledForm):
    registration_status = forms.ChoiceField(label=_("Registration status"), choices=Institution.Registration.choices)
    registration_number = forms.CharField(label=_("Registration number"), max_length=60, required=False)
    registered_on = forms.DateField(label=_("Registered on"), required=False, widget=DATE_WIDGET)
    institution_type = forms.ModelChoiceField(
        label=_("DCS institution type"), queryset=Code.objects.none(), required=False
    )
    serves = forms.ModelChoiceField(
        label=_("Area served"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("The county or sub-county it takes children from; empty for the whole country."),
    )
    is_open = forms.BooleanField(label=_("Open (admits children)"), required=False)
    closed_on = forms.DateField(label=_("Closed on"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_type"].queryset = codes(INSTITUTION_TYPE_LIST)
        self.fields["serves"].queryset = Area.objects.filter(
            level__in=[Area.Level.COUNTY, Area.Level.SUB_COUNTY]
        ).order_by("level", "name")
        for i in range(CAPACITY_ROWS):
            self.fields[f"cap_sex_{i}"] = forms.ChoiceField(
                label=_("Sex"), choices=CapacityRow.Sex.choices, required=False
            )
            self.fields[f"cap_band_{i}"] = forms.ChoiceField(
                label=_("Age band"), choices=band_choices(), required=False
            )
            self.fields[f"cap_places_{i}"] = forms.IntegerField(
                label=_("Places"), required=False, min_value=0, max_value=10000
            )
        from cpims.court.forms import style

        style(self)

    @property
    def capacity_fields(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"cap_sex_{i}"], self[f"cap_band_{i}"], self[f"cap_places_{i}"]) for i in range(CAPACITY_ROWS)]

    @property
    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("cap_")]

    def capacity(self) -> list[CapacityInput]:
        d = self.cleaned_data
        return [
            CapacityInput(
                sex=d.get(f"cap_sex_{i}") or CapacityRow.ANY,
                band=d.get(f"cap_band_{i}") or CapacityRow.ANY,
                places=d[f"cap_places_{i}"],
            )
            for i in range(CAPACITY_ROWS)
            if d.get(f"cap_places_{i}") is not None
        ]
