"""The report chooser: period kind and period, area, age-band scheme, breakdown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.core import ages, periods
from cpims.core.periods import Period
from cpims.reporting import queries

KIND_LABELS = {
    periods.MONTH: _("Month"),
    periods.QUARTER: _("Quarter (financial year)"),
    periods.HALF: _("Half-year (financial year)"),
    periods.FY: _("Financial year"),
    periods.YEAR: _("Calendar year"),
}
HOW_MANY = {periods.MONTH: 24, periods.QUARTER: 12, periods.HALF: 8, periods.FY: 6, periods.YEAR: 6}

BREAKDOWNS = ("status", "risk_level", "reporter_type", "place_of_event", "sub_category", "month")


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period type"), choices=list(KIND_LABELS.items()), required=False)
    period = forms.CharField(label=_("Period"), required=False)
    # Any key is accepted here; area_from_key answers 404 for an area outside the user's scope.
    area = forms.CharField(label=_("Area"), required=False, widget=forms.Select)
    office = forms.CharField(label=_("Office"), required=False, widget=forms.Select)
    bands = forms.ChoiceField(label=_("Age bands"), choices=list(ages.SCHEME_LABELS.items()), required=False)
    breakdown = forms.ChoiceField(
        label=_("Breakdown"),
        choices=[(b, queries.DIMENSION_LABELS[b]) for b in BREAKDOWNS],
        required=False,
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        self.area_choices = queries.areas_for(user)
        self.fields["area"].widget.choices = [
            (choice.area.key if choice.area else "", ("— " * choice.depth) + choice.label)
            for choice in self.area_choices
        ]
        default = queries.default_area(user)
        self.default_area_key = default.key if default else ""
        kind = (data or {}).get("kind") or ""
        if kind not in KIND_LABELS:
            # No (or an unknown) type: the period's own, so a link with only ?period= works.
            try:
                kind = Period.parse((data or {}).get("period") or "").kind
            except ValueError:
                kind = periods.FY
        self.kind = kind
        self.period_choices = Period.recent(kind, timezone.localdate(), HOW_MANY[kind])

    def clean_period(self) -> Period:
        code = self.cleaned_data.get("period") or ""
        kind = self.kind
        if not code:
            return Period.containing(kind, timezone.localdate())
        try:
            period = Period.parse(code)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if period.kind != kind:  # the type was just changed: its current period
            return Period.containing(kind, timezone.localdate())
        return period

    def clean_area(self) -> Any:
        key = self.cleaned_data.get("area")
        if key is None or "area" not in (self.data or {}):
            key = self.default_area_key
        return queries.area_from_key(self.user, key or None)

    def clean_office(self) -> Any:
        try:
            return queries.org_unit_from_id(self.user, self.cleaned_data.get("office") or None)
        except ValidationError:
            raise Http404 from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        office, area = data.get("office"), data.get("area")
        if office is not None and (area is None or not area.contains(office.sub_county or office.county)):
            data["office"] = None  # an office of another area (the area was just changed): the area
        return data

    def clean_bands(self) -> str:
        return self.cleaned_data.get("bands") or ages.DCS

    def clean_breakdown(self) -> str:
        return self.cleaned_data.get("breakdown") or "status"

    def params(self) -> dict[str, str]:
        """The chosen report as URL parameters (for links and exports)."""
        d = self.cleaned_data
        return {
            "kind": d["period"].kind,
            "period": d["period"].code,
            "area": d["area"].key if d["area"] else "",
            "office": str(d["office"].public_id) if d.get("office") else "",
            "bands": d["bands"],
        }
