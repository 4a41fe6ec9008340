"""The pack request form: kind, period, county (for an AAC pack), language and format.

The period list holds only periods of the chosen pack's kind (quarters for an AAC pack, halves or
financial years for the national packs): the current one, marked as not complete yet, then the
complete ones. The one chosen at first is the latest complete one in which cases were reported.
Changing the pack reloads the period list (htmx); without script, a period of the wrong kind is
refused with a message and the list is then the right one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import packs as pack_queries
from cpims.reporting.dashboards import queries as Q


class PackForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Pack"))
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    county = forms.ModelChoiceField(
        label=gettext_lazy("County (for an Area Advisory Council pack)"),
        queryset=Area.objects.none(),
        required=False,
        to_field_name="code",
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the pack"),
        choices=list(pack_queries.LANGUAGES.items()),
        initial="en",
        required=False,
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=list(pack_queries.FORMATS.items()), initial="pdf")

    def __init__(self, *args: Any, user: User, kind: str | None = None, language: str = "en", **kwargs: Any) -> None:
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
        county = counties[0] if len(counties) == 1 else None
        if county is not None:
            self.fields["county"].initial = county.code
        self.fields["language"].initial = language if language in pack_queries.LANGUAGES else "en"
        self.can_generate = bool(kinds)
        offered = {k for k, _l in kinds}
        chosen = self.data.get("kind") if self.is_bound else kind
        if chosen not in offered:
            chosen = kinds[0][0] if kinds else None
        self.chosen_kind = chosen
        if chosen:
            self.fields["kind"].initial = chosen
            self.fields["period"].choices = [
                (p.code, p.label if complete else _("%(period)s (not complete yet)") % {"period": p.label})
                for p, complete in pack_queries.offered_periods(chosen)
            ]
            if not self.is_bound:  # the query for data only when the form is shown
                spec = pack_queries.KINDS[chosen]
                self.fields["period"].initial = pack_queries.default_period(
                    user, chosen, county if spec.county else None
                ).code
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select"
            if self.errors.get(name) if self.is_bound else False:
                field.widget.attrs["class"] += " is-invalid"

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or "en"

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
