"""Forms: parse input into the plain data the actions take. Validation rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.core.forms import DATE_WIDGET, style
from cpims.privacy.actions import CORRECTABLE
from cpims.privacy.models import BreachNotice, SubjectRequest

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class VersionForm(StyledForm):
    """A change to a record the officer read at ``version`` (refused if it changed since)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class RequestForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type of request"), choices=SubjectRequest.Kind.choices)
    cpims_number = forms.CharField(
        label=_("Child's CPIMS number"), max_length=20, help_text=_("As on the child's record, e.g. CP00001238.")
    )
    requester_name = forms.CharField(label=_("Requester's name"), max_length=200)
    requester_relationship = forms.ChoiceField(
        label=_("Relationship to the child"), choices=SubjectRequest.Relationship.choices
    )
    identity_checked = forms.ChoiceField(label=_("Identity checked by"), choices=SubjectRequest.IdentityCheck.choices)
    identity_note = forms.CharField(
        label=_("Note on the identity check"),
        max_length=200,
        required=False,
        help_text=_("Do not write the full ID number."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    details = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction: what is wrong and what it should be."),
    )


class CorrectForm(VersionForm):
    field = forms.ChoiceField(label=_("Detail to correct"), choices=[])
    value = forms.CharField(
        label=_("Correct value"), max_length=200, required=False, help_text=_("A date as YYYY-MM-DD.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cpims.registry.models import Person

        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, getattr(Person._meta.get_field(name), "verbose_name", name)) for name in CORRECTABLE]


class RefuseForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester is told this reason."),
    )


class CompleteForm(VersionForm):
    outcome_note = forms.CharField(
        label=_("Outcome"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreachForm(StyledForm):
    title = forms.CharField(label=_("What happened (short)"), max_length=200)
    discovered_at = forms.DateTimeField(label=_("Discovered at"), widget=DATETIME_WIDGET)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_from = forms.DateTimeField(label=_("Happened from"), required=False, widget=DATETIME_WIDGET)
    occurred_to = forms.DateTimeField(label=_("Happened until"), required=False, widget=DATETIME_WIDGET)
    records_affected = forms.CharField(
        label=_("Records affected"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    people_estimate = forms.IntegerField(
        label=_("People affected (estimate)"), required=False, min_value=0, max_value=100_000_000
    )


class TouchedForm(StyledForm):
    touched_by = forms.ModelChoiceField(
        label=_("User (or the user of an API token)"), queryset=User.objects.none(), to_field_name="username"
    )
    start = forms.DateTimeField(label=_("From"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET)

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if users is not None:
            field = self.fields["touched_by"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = users


class NoticeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=BreachNotice.Kind.choices)
    sent_at = forms.DateTimeField(label=_("Sent at"), widget=DATETIME_WIDGET)
    method = forms.CharField(
        label=_("How"), max_length=120, help_text=_("E.g. the Commissioner's online breach form, letter, SMS.")
    )
    reference = forms.CharField(label=_("Their reference"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(VersionForm):
    closure_note = forms.CharField(
        label=_("What was found and done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
