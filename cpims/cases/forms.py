"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cpims.cases.models import Case, Perpetrator
from cpims.cases.queries import sub_categories
from cpims.core.forms import DATE_WIDGET, as_int, attach_errors, codes, style  # noqa: F401 - re-exported for views
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry.forms import AreaFieldsMixin

# The empty first option of every select: nothing is pre-chosen for the officer (no silent defaults).
CHOOSE = _("— choose —")


def _code_field(label: Any, list_name: str, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=codes(list_name), required=required, empty_label=CHOOSE)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *list(Case.Status.choices)], required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Code.objects.none(), required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=OrgUnit.objects.none(), required=False)
    reported_from = forms.DateField(label=_("Reported from"), required=False, widget=DATE_WIDGET)
    reported_to = forms.DateField(label=_("Reported to"), required=False, widget=DATE_WIDGET)
    ward = forms.ModelChoiceField(
        label=_("Ward where it happened"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Choose an office first to list its wards."),
    )

    def __init__(self, *args: Any, offices: Any, wards: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = codes("case_category_id")
        self.fields["office"].queryset = offices
        self.fields["ward"].queryset = wards if wards is not None else Area.objects.none()
        style(self)


class CaseForm(forms.Form):
    """Sheet A: the case record (without categories and perpetrators, which are formsets)."""

    reported_on = forms.DateField(label=_("Date reported"), widget=DATE_WIDGET)
    reporter_type = _code_field(_("Reported by"), "case_reporter_id", required=True)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=200, required=False)
    reporter_contact = forms.CharField(label=_("Reporter's telephone or address"), max_length=200, required=False)
    reporter_relationship = forms.CharField(label=_("Relationship to the child"), max_length=120, required=False)
    risk_level = _code_field(_("Risk level"), "risk_level_id")
    immediate_needs = forms.ModelMultipleChoiceField(
        label=_("Immediate needs"), queryset=Code.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    long_term_needs = forms.ModelMultipleChoiceField(
        label=_("Long-term support"), queryset=Code.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    police_ob_number = forms.CharField(label=_("Police OB number"), max_length=60, required=False)
    family_status = _code_field(_("Family status"), "family_status_id")
    household_economics = _code_field(_("Household economic status"), "household_economics")
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(
        label=_("Recommendations (best interest of the child)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sensitive_narrative = forms.CharField(
        label=_("Sensitive details (e.g. sexual abuse narrative)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Required when shown: "Unknown" is a choice the officer makes, not a default.
    hiv_status = forms.ChoiceField(label=_("HIV status"), choices=[("", CHOOSE), *Case.HivStatus.choices])
    in_conflict_with_law = forms.BooleanField(label=_("Child in conflict with the law"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["immediate_needs"].queryset = codes("immediate_need_id")
        self.fields["long_term_needs"].queryset = codes("long_term_support_id")
        for name in ("reporter_type", "risk_level", "family_status", "household_economics"):
            self.fields[name].queryset = self.fields[name].queryset.all()
        if not sensitive:
            for name in Case.SENSITIVE_FIELDS:
                del self.fields[name]
        style(self)

    def case_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["immediate_needs"] = list(data.get("immediate_needs") or [])
        data["long_term_needs"] = list(data.get("long_term_needs") or [])
        return data


class EventPlaceForm(AreaFieldsMixin, forms.Form):
    """Where it happened: county > sub-county > ward (htmx refills the next select), village."""

    county = forms.ModelChoiceField(label=_("County of event"), queryset=Area.objects.none(), required=False)
    sub_county = forms.ModelChoiceField(label=_("Sub-county of event"), queryset=Area.objects.none(), required=False)
    ward = forms.ModelChoiceField(label=_("Ward of event"), queryset=Area.objects.none(), required=False)
    village = forms.CharField(label=_("Village or estate of event"), max_length=120, required=False)
    place_detail = forms.CharField(label=_("Place of event (description)"), max_length=200, required=False)

    def __init__(self, *args: Any, initial_area: Area | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "event")
        super().__init__(*args, **kwargs)
        ward = initial_area if initial_area is not None and initial_area.level == Area.Level.WARD else None
        self.setup_areas(self.data if self.is_bound else None, ward, None if ward else initial_area)
        style(self)

    def case_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "event_county": d.get("county"),
            "event_sub_county": d.get("sub_county"),
            "event_ward": d.get("ward"),
            "event_village": d.get("village") or "",
            "event_place_detail": d.get("place_detail") or "",
        }


class CategoryForm(forms.Form):
    """One category row. Its sub-category select lists the chosen category's sub-list only (htmx
    refills it when the category changes); a sub-category of another category is refused."""

    category = forms.ModelChoiceField(
        label=_("Case category"), queryset=Code.objects.none(), required=False, empty_label=CHOOSE
    )
    sub_category = forms.ModelChoiceField(
        label=_("Sub-category"),
        queryset=Code.objects.none(),
        required=False,
        empty_label=CHOOSE,
        error_messages={"invalid_choice": _("Choose a sub-category of the chosen category.")},
    )
    date_of_event = forms.DateField(label=_("Date of event"), required=False, widget=DATE_WIDGET)
    nature = forms.ModelChoiceField(
        label=_("Nature of case"), queryset=Code.objects.none(), required=False, empty_label=CHOOSE
    )
    place_of_event = forms.ModelChoiceField(
        label=_("Place of event"), queryset=Code.objects.none(), required=False, empty_label=CHOOSE
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = codes("case_category_id")
        self.fields["sub_category"].queryset = sub_categories(self._chosen_category())
        self.fields["nature"].queryset = codes("case_nature_id")
        self.fields["place_of_event"].queryset = codes("event_place_id")
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": reverse("cases:subcategory_options"),
                "hx-trigger": "change",
                "hx-target": f"#{self['sub_category'].auto_id}",
            }
        )
        style(self)

    def _chosen_category(self) -> Code | None:
        raw = self.data.get(self.add_prefix("category")) if self.is_bound else self.initial.get("category")
        raw = getattr(raw, "pk", raw)
        pk = as_int(raw)
        return codes("case_category_id").filter(pk=pk).first() if pk is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("category") is None and any(
            data.get(k) for k in ("sub_category", "date_of_event", "nature", "place_of_event")
        ):
            self.add_error("category", _("Choose the category of this row, or remove the row."))
        return data

    def item(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d or d.get("category") is None:
            return None
        return {k: d.get(k) for k in ("category", "sub_category", "date_of_event", "nature", "place_of_event")}


class BaseCategoryFormSet(forms.BaseFormSet):
    """Category rows added and removed on the page (removed rows carry DELETE): at least one
    category, each given once."""

    def kept_forms(self) -> list[Any]:
        return [f for f in self.forms if not (self.can_delete and self._should_delete_form(f))]

    def clean(self) -> None:
        if any(f.errors for f in self.kept_forms()):
            return
        seen: set[int] = set()
        for form in self.kept_forms():
            category = (form.cleaned_data or {}).get("category")
            if category is None:
                continue
            if category.pk in seen:
                raise forms.ValidationError(
                    _("The category “%(category)s” is given twice: give each category once.")
                    % {"category": category.label}
                )
            seen.add(category.pk)
        if not seen:
            raise forms.ValidationError(_("Choose at least one case category."))

    def items(self) -> list[dict[str, Any]]:
        return [item for item in (f.item() for f in self.kept_forms()) if item]


class PerpetratorForm(forms.Form):
    name = forms.CharField(label=_("Name of alleged perpetrator"), max_length=200, required=False)
    relationship = forms.ModelChoiceField(
        label=_("Relationship to child"),
        queryset=Code.objects.none(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("Choose “Unknown/Not Recorded” if it is not known."),
    )
    # No default: a perpetrator's sex is chosen, "Unknown" included.
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", CHOOSE), *Perpetrator.Sex.choices], required=False)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship"].queryset = codes("perpetrator_id")
        style(self)

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        used = any(d.get(k) not in (None, "") for k in ("name", "relationship", "sex", "age"))
        if used and not d.get("sex"):
            self.add_error("sex", _("Choose the perpetrator's sex (or Unknown)."))
        if used and not d.get("name") and d.get("relationship") is None:
            self.add_error("relationship", _("Give the perpetrator's name or relationship."))
        return d

    def item(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d or (not d.get("name") and d.get("relationship") is None):
            return None
        return {
            "name": d.get("name") or "",
            "relationship": d.get("relationship"),
            "sex": d.get("sex"),
            "age": d.get("age"),
        }


def category_formset(*, extra: int = 0) -> type[BaseCategoryFormSet]:
    """Category rows (one at least, ten at most, removable); ``extra`` empty rows shown besides."""
    return cast(
        type[BaseCategoryFormSet],
        forms.formset_factory(
            CategoryForm, formset=BaseCategoryFormSet, extra=extra, min_num=1, max_num=10, can_delete=True
        ),
    )


CategoryFormSet = category_formset()


class BasePerpetratorFormSet(forms.BaseFormSet):
    def items(self) -> list[dict[str, Any]]:
        """The rows filled in (an empty row is no perpetrator)."""
        return [item for item in (f.item() for f in self.forms) if item]


PerpetratorFormSet = cast(
    type[BasePerpetratorFormSet],
    forms.formset_factory(PerpetratorForm, formset=BasePerpetratorFormSet, extra=0, min_num=1, max_num=10),
)


class NewCaseForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if offices.count() == 1:
            self.fields["office"].initial = offices.first().pk
        style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class AssessmentForm(forms.Form):
    summary = forms.CharField(
        label=_("What the assessment found"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    assessed_on = forms.DateField(label=_("Assessed on"), required=False, widget=DATE_WIDGET)
    risk_level = _code_field(_("Risk level"), "risk_level_id")
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].queryset = self.fields["risk_level"].queryset.all()
        style(self)


class ClosureForm(forms.Form):
    outcome = _code_field(_("Closure outcome"), "closure_outcome_id", required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = self.fields["outcome"].queryset.all()
        self.categories = categories
        for row in categories:
            self.fields[f"intervention_{row.pk}"] = forms.ModelChoiceField(
                label=_("Intervention for “%(category)s”") % {"category": row.category.display_label},
                queryset=codes("intervention_id"),
                required=False,
            )
        style(self)

    def interventions(self) -> dict[int, Any]:
        return {
            row.pk: self.cleaned_data[f"intervention_{row.pk}"]
            for row in self.categories
            if self.cleaned_data.get(f"intervention_{row.pk}") is not None
        }


class GoalForm(forms.Form):
    domain = _code_field(_("Domain"), "domain_id", required=False)
    goal = forms.CharField(label=_("Goal"), max_length=255, required=False)
    actions = forms.CharField(label=_("Actions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = self.fields["domain"].queryset.all()
        style(self)


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    purpose = forms.CharField(label=_("Purpose"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class FollowUpDoneForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ServiceForm(forms.Form):
    service = _code_field(_("Service or intervention"), "intervention_id", required=False)
    given_on = forms.DateField(label=_("Date given"), required=False, widget=DATE_WIDGET)
    provider = forms.ModelChoiceField(label=_("Provided by"), queryset=OrgUnit.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = self.fields["service"].queryset.all()
        self.fields["provider"].queryset = providers
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first().pk
        style(self)


class EmergencyAccessForm(forms.Form):
    """Break-the-glass: the case to open and why, in the officer's words (kept with the access)."""

    case_number = forms.CharField(label=_("Case number"), max_length=60)
    reason = forms.CharField(
        label=_("Why must you open this case now?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your supervisor is told, and the access ends by itself after a few hours."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
