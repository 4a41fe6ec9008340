"""Forms for the organisation-unit pages. They parse input only; the rules live in actions.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.core.forms import as_int, style
from cpims.geo import queries
from cpims.geo.models import Area, OrgUnit


class OrgUnitFilterForm(forms.Form):
    """Search and filters of the list page (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *OrgUnit.Kind.choices])
    county = forms.ModelChoiceField(
        label=_("County"),
        required=False,
        queryset=queries.counties(),
        to_field_name="code",
        empty_label=_("All counties"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q") or "", "kind": data.get("kind") or "", "county": data.get("county")}


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.code})"


class OrgUnitForm(forms.Form):
    """Create or edit an org unit. The area is picked county first, then sub-county, then ward."""

    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short unique code, for example the registration or facility number."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "---------"), *OrgUnit.Kind.choices])
    parent = ParentChoiceField(label=_("Parent unit"), required=False, queryset=OrgUnit.objects.none())
    county = forms.ModelChoiceField(label=_("County"), required=False, queryset=queries.counties())
    sub_county = forms.ModelChoiceField(label=_("Sub-county"), required=False, queryset=Area.objects.none())
    ward = forms.ModelChoiceField(label=_("Ward"), required=False, queryset=Area.objects.none())
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("Email"), required=False)
    physical_address = forms.CharField(label=_("Physical address"), required=False, max_length=255)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    # The version the editor read: a save is refused if the unit changed since.
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, instance: OrgUnit | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            area = instance.area
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "code": instance.code,
                    "kind": instance.kind,
                    "parent": instance.parent_id,
                    "county": instance.county_id,
                    "sub_county": instance.sub_county_id,
                    "ward": area.pk if area is not None and area.level == Area.Level.WARD else None,
                    "phone": instance.phone,
                    "email": instance.email,
                    "physical_address": instance.physical_address,
                    "is_active": instance.is_active,
                    "updated_at": instance.updated_at.isoformat(),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = queries.parent_choices(
            user,
            current_parent_id=instance.parent_id if instance is not None else None,
            exclude_id=instance.pk if instance is not None else None,
        )
        # Sub-county and ward choices follow the county and sub-county chosen (or stored).
        self.fields["sub_county"].queryset = queries.child_areas(self._chosen("county"))
        self.fields["ward"].queryset = queries.child_areas(self._chosen("sub_county"))
        # Cascading pickers: a changed county reloads the sub-county options and empties the wards.
        options_url = reverse("geo:area_options")
        self.fields["county"].widget.attrs.update(
            {
                "hx-get": options_url,
                "hx-trigger": "change",
                "hx-target": f"#{self['sub_county'].auto_id}",
                "hx-vals": json.dumps({"clear": self["ward"].auto_id}),
            }
        )
        self.fields["sub_county"].widget.attrs.update(
            {"hx-get": options_url, "hx-trigger": "change", "hx-target": f"#{self['ward'].auto_id}"}
        )
        if instance is None:
            # A new unit starts active and has no version yet.
            del self.fields["updated_at"]
            del self.fields["is_active"]
        self.area_errors: list[str] = []
        style(self)

    def _chosen(self, name: str) -> int | None:
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return as_int(raw)

    def clean_updated_at(self) -> datetime:
        value = parse_datetime(self.cleaned_data.get("updated_at") or "")
        if value is None:
            raise ValidationError(_("This form is out of date. Reload the page and try again."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        county, sub_county, ward = data.get("county"), data.get("sub_county"), data.get("ward")
        if sub_county is not None and county is not None and sub_county.parent_id != county.pk:
            self.add_error("sub_county", _("This sub-county is not in the county chosen."))
        if ward is not None and sub_county is not None and ward.parent_id != sub_county.pk:
            self.add_error("ward", _("This ward is not in the sub-county chosen."))
        data["area"] = ward or sub_county or county
        return data

    def action_fields(self) -> dict[str, Any]:
        """The cleaned values as the actions take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "code": data["code"],
            "kind": data["kind"],
            "parent": data.get("parent"),
            "area": data.get("area"),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "physical_address": data.get("physical_address", ""),
            "is_active": data.get("is_active", True),
        }

    def add_action_error(self, exc: ValidationError) -> None:
        """Show an action's ValidationError on the fields it names (the area under the picker)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            if field == "area":
                self.area_errors.extend(m for e in errors for m in e.messages)
            elif field in self.fields:
                self.add_error(field, errors)
            else:
                self.add_error(None, errors)


class UnitChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose a unit from the list (your own office is never offered)."),
    }

    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class OrgUnitPickerMixin:
    """County > type > unit selects for choosing where a case goes (referral, transfer). The unit
    list follows the county and type (htmx, geo:orgunit_options) and never holds the user's own
    offices; the same query bounds the unit field, so a posted own office is refused too."""

    def setup_unit_picker(
        self: Any,
        *,
        user: User,
        field: str,
        data: Any,
        kinds: frozenset[str] | None = None,
        county: int | None = None,
    ) -> None:
        # A posted form is bounded by what was posted (no county: any county); a new one starts at ``county``.
        source = data if data is not None else self.initial
        county_id = as_int(source.get("county")) if data is not None or source.get("county") else county
        kind = str(source.get("kind") or "")
        kind_choices = [(k, label) for k, label in OrgUnit.Kind.choices if kinds is None or k in kinds]
        if kind not in dict(kind_choices):
            kind = ""
        self.fields["county"] = forms.ModelChoiceField(
            label=_("County"), queryset=queries.counties(), required=False, initial=county_id
        )
        self.fields["kind"] = forms.ChoiceField(
            label=_("Type of unit"), choices=[("", _("All types")), *kind_choices], required=False
        )
        self.fields[field].queryset = queries.pickable_units(user, county=county_id, kind=kind, kinds=kinds)
        url = reverse("geo:orgunit_options")
        if kinds is not None:
            url += "?kinds=" + ",".join(sorted(kinds))
        for name in ("county", "kind"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-target": f"#id_{field}",
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                    "hx-include": "#id_county, #id_kind",
                }
            )
        # The picker comes first in the form: county, type, then the unit.
        order = ["county", "kind", field]
        self.fields = {**{k: self.fields[k] for k in order}, **{k: v for k, v in self.fields.items() if k not in order}}
