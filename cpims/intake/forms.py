"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cpims.cases.forms import CHOOSE
from cpims.core.forms import DATE_WIDGET, as_int, attach_errors, codes, style  # noqa: F401 - re-exported for views
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.intake.actions import WHAT_HAPPENED_MAX, ReportInput
from cpims.intake.models import IntakeReport


class ReportForm(forms.Form):
    """A concern: what happened, where, when, the child if known, the reporter (optional).

    The area selects cascade (county > sub-county > ward) through the public area options URL, so
    the same form works on the public page without a login. Only the options under the chosen
    parent are sent (a phone on 3G should not download 1,450 wards).
    """

    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=WHAT_HAPPENED_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who is the child, what is happening to them, and who is doing it, if you know."),
    )
    urgent = forms.BooleanField(label=_("A child is in danger right now"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Area.objects.none(),
        error_messages={"required": _("Choose the county where it happened.")},
    )
    sub_county = forms.ModelChoiceField(label=_("Sub-county"), queryset=Area.objects.none(), required=False)
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Area.objects.none(), required=False)
    place = forms.CharField(label=_("Village, estate or place"), max_length=200, required=False)
    happened_on = forms.DateField(label=_("When did it happen?"), required=False, widget=DATE_WIDGET)
    child_name = forms.CharField(label=_("The child's name, if you know it"), max_length=200, required=False)
    child_age = forms.IntegerField(label=_("The child's age, about"), min_value=0, max_value=17, required=False)
    child_sex = forms.ChoiceField(
        label=_("The child is a"),
        choices=[("", "---------"), *IntakeReport.ChildSex.choices],
        required=False,
    )
    anonymous = forms.BooleanField(label=_("I want to stay anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    reporter_contact = forms.CharField(
        label=_("Your telephone or email"),
        max_length=200,
        required=False,
        help_text=_("So that a children officer can call you back. Optional."),
    )
    reporter_relationship = forms.CharField(label=_("How you know the child"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else {}
        county_id = as_int(data.get(self.add_prefix("county"))) or as_int(self.initial.get("county"))
        sub_county_id = as_int(data.get(self.add_prefix("sub_county"))) or as_int(self.initial.get("sub_county"))
        self.fields["county"].queryset = Area.objects.filter(level=Area.Level.COUNTY).order_by("name")
        self.fields["sub_county"].queryset = (
            Area.objects.filter(level=Area.Level.SUB_COUNTY, county_id=county_id).order_by("name")
            if county_id
            else Area.objects.none()
        )
        self.fields["ward"].queryset = (
            Area.objects.filter(level=Area.Level.WARD, sub_county_id=sub_county_id).order_by("name")
            if sub_county_id
            else Area.objects.none()
        )
        url = reverse("geo:area_options")
        self.fields["county"].widget.attrs.update(
            {
                "hx-get": f"{url}?level=sub_county&clear=id_{self.add_prefix('ward')}",
                "hx-target": f"#id_{self.add_prefix('sub_county')}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["sub_county"].widget.attrs.update(
            {
                "hx-get": f"{url}?level=ward",
                "hx-target": f"#id_{self.add_prefix('ward')}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["what_happened"].widget.attrs["maxlength"] = WHAT_HAPPENED_MAX
        style(self)

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        return ReportInput(
            what_happened=d.get("what_happened") or "",
            county=d.get("county"),
            sub_county=d.get("sub_county"),
            ward=d.get("ward"),
            place=d.get("place") or "",
            happened_on=d.get("happened_on"),
            child_name=d.get("child_name") or "",
            child_age=d.get("child_age"),
            child_sex=d.get("child_sex") or "",
            anonymous=bool(d.get("anonymous")),
            reporter_name=d.get("reporter_name") or "",
            reporter_contact=d.get("reporter_contact") or "",
            reporter_relationship=d.get("reporter_relationship") or "",
            urgent=bool(d.get("urgent")),
        )


class OpenCaseForm(forms.Form):
    """Triage into a case: the office, the reporter type, and the child — a registered child (by
    CPIMS number) or a new one registered now."""

    office = forms.ModelChoiceField(label=_("Office that owns the case"), queryset=OrgUnit.objects.none())
    reporter_type = forms.ModelChoiceField(
        label=_("Reported by"), queryset=Code.objects.none(), required=False, empty_label=CHOOSE
    )
    cpims_number = forms.CharField(
        label=_("CPIMS number of a registered child"),
        max_length=20,
        required=False,
        help_text=_("Find the child in the registry first. Leave empty to register a new child below."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", CHOOSE), ("female", _("Female")), ("male", _("Male")), ("intersex", _("Intersex"))],
        required=False,
    )
    age_years = forms.IntegerField(label=_("Age about (years)"), min_value=0, max_value=17, required=False)
    ward = forms.ModelChoiceField(label=_("Ward where the child lives"), queryset=Area.objects.none(), required=False)
    village = forms.CharField(label=_("Village or estate"), max_length=120, required=False)
    register_anyway = forms.BooleanField(label=_("None of these is the child: register a new child"), required=False)

    def __init__(self, *args: Any, offices: Any, report: IntakeReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        units = list(offices)
        if report.office_id and any(o.pk == report.office_id for o in units):
            self.fields["office"].initial = report.office_id
        elif len(units) == 1:
            self.fields["office"].initial = units[0].pk
        self.fields["reporter_type"].queryset = codes("case_reporter_id")
        wards = Area.objects.filter(level=Area.Level.WARD)
        if report.sub_county_id:
            wards = wards.filter(sub_county_id=report.sub_county_id)
        else:
            wards = wards.filter(county_id=report.county_id)
        self.fields["ward"].queryset = wards.order_by("name")
        self.fields["ward"].initial = report.ward_id
        self.fields["village"].initial = report.place[:120]
        style(self)

    @property
    def wants_new_child(self) -> bool:
        d = self.cleaned_data
        return not d.get("cpims_number") and bool(d.get("first_name") or d.get("last_name"))


class LinkForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is no case needed?"),
        choices=[("", "---------"), *IntakeReport.DismissReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[("new", _("Waiting for triage")), ("triaged", _("Triaged")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
