"""The pack request form: kind, period, county (for an AAC pack) and format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import packs as pack_queries
from cpims.reporting.dashboards import queries as Q


def _period_groups(offered: set[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Recent periods for the pack kinds offered, one group per kind of period."""
    today = timezone.localdate()
    return [
        (
            str(pack_queries.PERIOD_WORDS[spec.period_kind]).capitalize(),
            [(p.code, p.label) for p in Period.recent(spec.period_kind, today, 8 if spec.county else 4)],
        )
        for spec in pack_queries.KINDS.values()
        if spec.kind in offered
    ]


class PackForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Pack"))
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    county = forms.ModelChoiceField(
        label=gettext_lazy("County (for an Area Advisory Council pack)"),
        queryset=Area.objects.none(),
        required=False,
        to_field_name="code",
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=list(pack_queries.FORMATS.items()), initial="pdf")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        counties = pack_queries.counties_for(user)
        national = Q.can_see_national(user)
        kinds = [
            (k, s.label)
            for k, s in pack_queries.KINDS.items()
            if (s.county and counties) or (not s.county and national)
        ]
        self.fields["kind"].choices = kinds
        self.fields["county"].queryset = Area.objects.filter(pk__in=[a.pk for a in counties]).order_by("name")
        if len(counties) == 1:
            self.fields["county"].initial = counties[0].code
        self.fields["period"].choices = _period_groups({k for k, _l in kinds})
        # The last complete quarter is what an AAC meets about.
        if kinds:
            previous = Period.containing("quarter", timezone.localdate()).previous()
            self.fields["period"].initial = previous.code
        self.can_generate = bool(kinds)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select"
            if self.errors.get(name) if self.is_bound else False:
                field.widget.attrs["class"] += " is-invalid"

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, period = data.get("kind"), data.get("period")
        if kind and period and period.kind != pack_queries.KINDS[kind].period_kind:
            self.add_error(
                "period",
                _("This pack covers a %(word)s: choose one.")
                % {"word": pack_queries.PERIOD_WORDS[pack_queries.KINDS[kind].period_kind]},
            )
        if kind and pack_queries.KINDS[kind].county and not data.get("county"):
            self.add_error("county", _("Choose the county of the Area Advisory Council."))
        if kind and not pack_queries.KINDS[kind].county:
            data["county"] = None
        return data
