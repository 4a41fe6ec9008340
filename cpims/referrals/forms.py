"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.cases.forms import DATE_WIDGET, codes, style
from cpims.geo.forms import OrgUnitPickerMixin, UnitChoiceField
from cpims.geo.models import OrgUnit
from cpims.referrals.actions import TRANSFER_OFFICE_KINDS
from cpims.referrals.models import Referral


class ReferralForm(OrgUnitPickerMixin, forms.Form):
    to_unit = UnitChoiceField(label=_("Refer to"), queryset=OrgUnit.objects.none())
    destination_class = forms.ModelChoiceField(label=_("Destination"), queryset=codes("none"), required=False)
    service_requested = forms.ModelChoiceField(label=_("Service requested"), queryset=codes("none"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices)
    reason = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3}))
    from_office = forms.ModelChoiceField(label=_("Referring unit"), queryset=OrgUnit.objects.none())
    consent_override = forms.BooleanField(
        label=_("Send without recorded consent (override)"),
        required=False,
        help_text=_("Only where the child's best interest requires it; the override is audited."),
    )
    override_reason = forms.CharField(
        label=_("Reason for sending without consent"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        county: int | None,
        from_offices: list[OrgUnit],
        may_override: bool,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.setup_unit_picker(user=user, field="to_unit", data=self.data if self.is_bound else None, county=county)
        self.fields["destination_class"].queryset = codes("referral_destination_classification")
        self.fields["service_requested"].queryset = codes("referral_type_id")
        self.fields["from_office"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in from_offices])
        if from_offices:
            self.fields["from_office"].initial = from_offices[0].pk
        if len(from_offices) <= 1:
            self.fields["from_office"].widget = forms.HiddenInput()
        if not may_override:
            del self.fields["consent_override"]
            del self.fields["override_reason"]
        style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ServiceForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service given"), queryset=codes("none"))
    given_on = forms.DateField(label=_("Date given"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = codes("intervention_id")
        style(self)


class CompleteForm(forms.Form):
    notes = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class TransferForm(OrgUnitPickerMixin, forms.Form):
    to_office = UnitChoiceField(label=_("Transfer to"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("Reason for the transfer"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, exclude_office: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_unit_picker(
            user=user,
            field="to_office",
            data=self.data if self.is_bound else None,
            kinds=frozenset(TRANSFER_OFFICE_KINDS),
            county=exclude_office.county_id,
        )
        field: Any = self.fields["to_office"]
        field.queryset = field.queryset.exclude(pk=exclude_office.pk)
        style(self)
