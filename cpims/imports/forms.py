"""Forms of the import pages: parse input only; every check lives in actions and reading."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cpims.core.forms import style
from cpims.imports.kinds.base import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What are you importing?"))
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_("Use the template of this kind. Nothing is saved until you confirm the import."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, kinds: list[ImportKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k.code, k.label) for k in kinds]
        style(self)


class ConfirmForm(forms.Form):
    clean_only = forms.BooleanField(
        label=_("Import only the rows without problems, and leave out the others"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
