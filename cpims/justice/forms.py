"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.core.forms import DATE_WIDGET, style
from cpims.court.models import CourtOrder, CourtSession
from cpims.geo.models import OrgUnit
from cpims.justice.models import JusticeReport, JusticeTrack


def units(kind: str) -> Any:
    return OrgUnit.objects.filter(kind=kind, is_active=True).order_by("name")


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourtSession) -> str:
        plea = f" · {obj.plea.display_label}" if obj.plea_id and obj.plea else ""
        return f"{obj.held_on.isoformat()} · {obj.session_type.display_label}{plea}"


class OrderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourtOrder) -> str:
        expires = f" · {obj.expires_on.isoformat()}" if obj.expires_on else ""
        return f"{obj.made_on.isoformat()} · {obj.order_type.display_label}{expires}"


class StyledForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OpenForm(StyledForm):
    ob_number = forms.CharField(label=_("OB number"), max_length=40, help_text=_("As in the police occurrence book."))
    police_station = forms.ModelChoiceField(label=_("Police station"), queryset=OrgUnit.objects.none())
    charge = forms.CharField(label=_("Charge"), max_length=300)
    arrested_on = forms.DateField(label=_("Date of arrest"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "police_station").queryset = units(OrgUnit.Kind.POLICE_STATION)


class RouteForm(StyledForm):
    route = forms.ChoiceField(label=_("Diversion or court"), choices=JusticeTrack.Route.choices)
    decided_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    diversion_notes = forms.CharField(
        label=_("Diversion programme"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for diversion."),
    )


class CourtForm(StyledForm):
    plea_session = SessionChoice(
        label=_("Plea taken at"),
        queryset=CourtSession.objects.none(),
        required=False,
        help_text=_("The plea-taking session, recorded on the court page."),
    )
    bail = forms.ChoiceField(label=_("Bail or bond"), choices=JusticeTrack.Bail.choices)
    bail_terms = forms.CharField(label=_("Terms of bail or bond"), max_length=200, required=False)
    bail_on = forms.DateField(label=_("Date of the bail decision"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "plea_session").queryset = sessions


class RemandForm(StyledForm):
    institution = forms.ModelChoiceField(label=_("Remand home"), queryset=OrgUnit.objects.none())
    started_on = forms.DateField(label=_("Remanded from"), widget=DATE_WIDGET)
    court_session = SessionChoice(label=_("Court session"), queryset=CourtSession.objects.none(), required=False)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "institution").queryset = units(OrgUnit.Kind.REMAND_HOME)
        _choices(self, "court_session").queryset = sessions


class RemandEndForm(StyledForm):
    ended_on = forms.DateField(label=_("Remand ended on"), widget=DATE_WIDGET)
    end_reason = forms.CharField(label=_("Why the remand ended"), max_length=200, required=False)


class ReportForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type of report"), choices=JusticeReport.Kind.choices)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DATE_WIDGET)
    recommendation = forms.CharField(label=_("Recommendation"), max_length=300)
    court_session = SessionChoice(label=_("For court session"), queryset=CourtSession.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "court_session").queryset = sessions


class DispositionForm(StyledForm):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=JusticeTrack.Disposition.choices)
    decided_on = forms.DateField(label=_("Date of the disposition"), widget=DATE_WIDGET)
    court_order = OrderChoice(
        label=_("Court order"),
        queryset=CourtOrder.objects.none(),
        help_text=_("The order the court made, recorded on the court page."),
    )
    institution = forms.ModelChoiceField(
        label=_("Rehabilitation school or borstal"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Only for a committal: the child is admitted there."),
    )

    def __init__(self, *args: Any, orders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "court_order").queryset = orders
        _choices(self, "institution").queryset = OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.REHABILITATION_SCHOOL, OrgUnit.Kind.BORSTAL], is_active=True
        ).order_by("name")


class AftercareForm(StyledForm):
    started_on = forms.DateField(label=_("Aftercare started on"), widget=DATE_WIDGET)
    plan = forms.CharField(label=_("Aftercare plan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
