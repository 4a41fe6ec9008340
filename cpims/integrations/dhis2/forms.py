"""Forms of the dhis2 pages (input parsing only; the rules live in actions and queries)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.core.forms import style
from cpims.core.periods import QUARTER, Period
from cpims.geo.models import Area
from cpims.integrations.dhis2 import queries
from cpims.integrations.dhis2.models import Dhis2Server


def default_period() -> Period:
    """The last finished quarter: what DCS usually reports."""
    return Period.containing(QUARTER, timezone.localdate()).previous()


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=12,
        help_text=_("A month (2026-07), quarter (2026/27-Q1), half (2026/27-H1), financial year (2026/27) or year."),
    )
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All mapped org units"))] + [
            (a.code, f"{a.name} ({a.code})") for a in queries.counties()
        ]
        style(self)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_county(self) -> Area | None:
        code = self.cleaned_data.get("county")
        if not code:
            return None
        return queries.county_by_code(code)


class PushForm(PeriodForm):
    dry_run = forms.BooleanField(label=_("Dry run"), required=False)


class DataElementMappingForm(forms.Form):
    uid = forms.CharField(label=_("Data element UID"), max_length=11, min_length=11)
    dhis2_code = forms.CharField(label=_("Data element code"), max_length=50, required=False)
    name = forms.CharField(label=_("Data element name"), max_length=230)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class CategoryOptionComboMappingForm(forms.Form):
    uid = forms.CharField(label=_("Category option combo UID"), max_length=11, min_length=11)
    name = forms.CharField(label=_("Name in DHIS2"), max_length=230)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OrgUnitMappingForm(forms.Form):
    uid = forms.CharField(label=_("Organisation unit UID"), max_length=11, min_length=11)
    code = forms.CharField(label=_("Organisation unit code"), max_length=50, required=False)
    name = forms.CharField(label=_("Name in DHIS2"), max_length=230)
    is_active = forms.BooleanField(
        label=_("Active (included in pushes)"), required=False, help_text=_("Untick to leave it out of pushes.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OrgUnitMappingFilterForm(forms.Form):
    """Which org-unit mappings the mapping page lists: counties and offices, or one county in full."""

    county = forms.ChoiceField(label=_("Org units of"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counties = {a.code: a for a in queries.counties()}
        self.fields["county"].choices = [("", _("All counties and offices"))] + [
            (a.code, f"{a.name} ({a.code})") for a in self.counties.values()
        ]
        style(self)

    def selected_county(self) -> Area | None:
        """The chosen county (None for all, or when the choice is not valid)."""
        if not self.is_valid():
            return None
        return self.counties.get(self.cleaned_data["county"])


class ServerForm(forms.Form):
    """The DHIS2 server's settings. There is no secret field: only the name of the variable holding it."""

    name = forms.CharField(label=_("Name"), max_length=120)
    base_url = forms.CharField(
        label=_("Base URL"), max_length=200, help_text=_("For example https://hiskenya.org (without /api).")
    )
    auth = forms.ChoiceField(label=_("Authentication"), choices=Dhis2Server.Auth.choices)
    username = forms.CharField(
        label=_("Username"), max_length=120, required=False, help_text=_("Needed for a username and password.")
    )
    password_env = forms.CharField(
        label=_("Environment variable with the password or token"),
        max_length=100,
        help_text=_(
            "The name of the variable only (for example CPIMS_DHIS2_PASSWORD). The secret itself is never stored"
            " in CPIMS: set it on the server, or in a file named by NAME_FILE."
        ),
    )
    data_set_uid = forms.CharField(label=_("Data set UID"), max_length=11, required=False)
    attribute_option_combo_uid = forms.CharField(
        label=_("Attribute option combo UID"),
        max_length=11,
        required=False,
        help_text=_("DHIS2's default is HllvX50cXC0; leave empty to send none."),
    )
    org_unit_level = forms.ChoiceField(label=_("Report by"), choices=Dhis2Server.Level.choices)
    org_unit_id_scheme = forms.ChoiceField(label=_("Identify org units by"), choices=Dhis2Server.IdScheme.choices)
    send_zeros = forms.BooleanField(
        label=_("Send zero values"),
        required=False,
        help_text=_("Only for data elements where zero is significant in DHIS2."),
    )
    timeout_seconds = forms.IntegerField(label=_("Timeout (seconds)"), min_value=1, max_value=600)
    max_attempts = forms.IntegerField(label=_("Attempts"), min_value=1, max_value=10)
    retry_backoff_seconds = forms.FloatField(label=_("First retry after (seconds)"), min_value=0, max_value=300)
    run_as = forms.CharField(
        label=_("Command runs as (username)"),
        max_length=150,
        required=False,
        help_text=_("A national DHIS2 user; dhis2_push acts as this account when no --user is given."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("Activating this server deactivates the one active now.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    @staticmethod
    def initial_for(server: Dhis2Server) -> dict[str, Any]:
        initial = {name: getattr(server, name) for name in ServerForm.base_fields if name != "run_as"}
        initial["run_as"] = server.run_as.get_username() if server.run_as else ""
        return initial
