"""Forms of the returns pages. Thin: the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.returns.actions import MAX_COMMENT, MAX_FIGURE
from cpims.returns.registry import ReturnKind


class PaperForm(forms.Form):
    """The paper-only figures of a return kind, plus the version the officer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, kind: ReturnKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in kind.fields:
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=MAX_FIGURE,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": "0"}),
                error_messages={
                    "invalid": _("Enter a whole number of 0 or more."),
                    "min_value": _("Enter a whole number of 0 or more."),
                },
            )
        self.kind = kind

    def paper(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.kind.field_names()}


class CommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
