"""Forms of the CTiP track: parse input into the plain data the actions take. Validation rules
live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cpims.core.forms import DATE_WIDGET, codes, style
from cpims.core.models import Code
from cpims.ctip import queries
from cpims.ctip.actions import IDENTIFICATION_FIELDS
from cpims.ctip.models import (
    COUNTRY_LIST,
    INDICATOR_LISTS,
    MEANS_LIST,
    PURPOSE_LIST,
    RECRUITMENT_LIST,
    TRAFFICKING_TYPE_LIST,
    TRANSPORT_LIST,
    Assistance,
    FollowUp,
    Return,
    Tracing,
)
from cpims.geo.models import OrgUnit


def _notes(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _code_choice(label: Any, *, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=Code.objects.none(), required=required)


def _unit_choice(label: Any, *, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=OrgUnit.objects.none(), required=required)


class _Form(forms.Form):
    # Code fields and the list their options come from, set up in __init__.
    code_lists: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, list_name in self.code_lists.items():
            self.fields[name].queryset = codes(list_name)  # type: ignore[attr-defined]
        style(self)


class IdentificationForm(_Form):
    code_lists = {
        "trafficking_type": TRAFFICKING_TYPE_LIST,
        "nationality": COUNTRY_LIST,
        "country_of_origin": COUNTRY_LIST,
        "purpose": PURPOSE_LIST,
        "transport": TRANSPORT_LIST,
        "recruitment": RECRUITMENT_LIST,
        "means": MEANS_LIST,
    }

    identified_on = forms.DateField(label=_("Date identified"), widget=DATE_WIDGET)
    trafficking_type = _code_choice(_("Trafficking type"))
    nationality = _code_choice(_("Nationality"))
    country_of_origin = _code_choice(_("Country of origin"))
    route = forms.CharField(
        label=_("Route (places passed through)"),
        max_length=300,
        required=False,
        help_text=_("E.g. the towns and border points on the way."),
    )
    transport = _code_choice(_("Means of transport"), required=False)
    recruitment = _code_choice(_("How recruited"), required=False)
    means = forms.ModelMultipleChoiceField(
        label=_("Means used"), queryset=Code.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    purpose = _code_choice(_("Purpose of exploitation"))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"), queryset=Code.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    screening_notes = _notes(_("Screening notes"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = (  # type: ignore[attr-defined]
            Code.objects.filter(code_list__name__in=INDICATOR_LISTS, is_active=True)
            .select_related("code_list")
            .order_by("code_list__name", "order")
        )

    FIELDS = (*IDENTIFICATION_FIELDS, "means", "indicators")


class AssistanceForm(_Form):
    kind = forms.ChoiceField(label=_("Assistance"), choices=Assistance.Kind.choices)
    given_on = forms.DateField(label=_("Date given"), widget=DATE_WIDGET)
    provider = _unit_choice(_("Given by"))
    notes = _notes()

    FIELDS = ("kind", "given_on", "provider", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            Q(kind__in=sorted(OrgUnit.INSTITUTION_KINDS))
            | Q(kind__in=[OrgUnit.Kind.HEALTH_FACILITY, OrgUnit.Kind.NGO, OrgUnit.Kind.FBO, OrgUnit.Kind.CBO]),
            is_active=True,
        ).order_by("name")


class TracingForm(_Form):
    code_lists = {"country": COUNTRY_LIST}

    traced_on = forms.DateField(label=_("Date of tracing"), widget=DATE_WIDGET)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Tracing.Outcome.choices)
    country = _code_choice(_("Country where the family lives"))
    assessment = forms.ChoiceField(
        label=_("Family assessment"), choices=Tracing.Assessment.choices, initial=Tracing.Assessment.NOT_ASSESSED
    )
    notes = _notes()

    FIELDS = ("traced_on", "outcome", "country", "assessment", "notes")


class ReturnForm(_Form):
    code_lists = {"country": COUNTRY_LIST}

    kind = forms.ChoiceField(label=_("Repatriation or return"), choices=Return.Kind.choices)
    travelled_on = forms.DateField(label=_("Date of travel"), widget=DATE_WIDGET)
    country = _code_choice(_("Returned to (country)"))
    travel_document = forms.ChoiceField(label=_("Travel document"), choices=Return.Document.choices)
    escort = forms.CharField(label=_("Escorted by"), max_length=200, required=False)
    receiving_agency = _unit_choice(_("Receiving agency"))
    notes = _notes()

    FIELDS = ("kind", "travelled_on", "country", "travel_document", "escort", "receiving_agency", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].queryset = queries.partner_agencies()  # type: ignore[attr-defined]


class PlanForm(_Form):
    reintegration_plan = forms.CharField(
        label=_("Reintegration plan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    plan_agreed_on = forms.DateField(label=_("Plan agreed on"), widget=DATE_WIDGET)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FIELDS = ("reintegration_plan", "plan_agreed_on")


class FollowUpForm(_Form):
    visited_on = forms.DateField(label=_("Date of follow-up"), widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("How the child is"), choices=FollowUp.Status.choices)
    notes = _notes()

    FIELDS = ("visited_on", "status", "notes")


class ProsecutionForm(_Form):
    police_ob_number = forms.CharField(label=_("Police OB number"), max_length=60, required=False)
    police_station = _unit_choice(_("Police station"))
    court_case_number = forms.CharField(label=_("Court case number"), max_length=60, required=False)
    court_session = forms.ModelChoiceField(
        label=_("Court session (court records of this case)"), queryset=Code.objects.none(), required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FIELDS = ("police_ob_number", "police_station", "court_case_number", "court_session")

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["police_station"].queryset = queries.police_stations()  # type: ignore[attr-defined]
        session = self.fields["court_session"]
        session.queryset = queries.court_sessions_of(case)  # type: ignore[attr-defined]
        session.label_from_instance = lambda s: f"{s.held_on:%Y-%m-%d} · {s.session_type} · {s.court_label}"  # type: ignore[attr-defined]


class ReferralForm(_Form):
    to_unit = _unit_choice(_("Referred to"), required=True)
    referred_on = forms.DateField(label=_("Date referred"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    notes = _notes()

    FIELDS = ("to_unit", "referred_on", "reason", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = queries.partner_agencies()  # type: ignore[attr-defined]
