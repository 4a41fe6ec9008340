from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.legacy import actions


class StartForm(forms.Form):
    url = forms.CharField(
        label=_("Legacy database address"),
        max_length=300,
        help_text=_("postgres://user:password@host:5432/cpims — opened read-only."),
    )
    dry_run = forms.BooleanField(label=_("Dry run (write nothing, report only)"), required=False, initial=True)
    since = forms.DateField(label=_("Only records created since"), required=False)
    county_code = forms.CharField(label=_("Only this county (official code)"), max_length=8, required=False)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url.startswith(("postgres://", "postgresql://")):
            raise forms.ValidationError(_("Give a postgres:// address."))
        return url

    def options(self) -> actions.Options:
        data = self.cleaned_data
        return actions.Options(
            url=data["url"], dry_run=bool(data["dry_run"]), since=data["since"], county_code=data["county_code"] or ""
        )
