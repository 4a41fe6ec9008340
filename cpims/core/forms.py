"""Form helpers every app uses: Bootstrap styling, the date widget, an action's errors on a form,
the options of a code list, and lenient parsing of numbers from query strings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cpims.core.models import Code

# The browser's date picker sends ISO dates; render the initial value the same way.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget. (Never looks at form.errors: that would validate the form
    before subclasses have finished setting it up.)"""
    for fld in form.fields.values():
        widget = fld.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # RadioSelect covers checkbox lists
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def attach_errors(form: forms.BaseForm, exc: ValidationError, prefix: str = "") -> None:
    """Put an action's ValidationError on the form: on the field it names (less ``prefix``), else
    on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            name = key[len(prefix) :] if prefix and key.startswith(prefix) else key
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:
            form.add_error(None, error)


def codes(list_name: str) -> QuerySet[Code]:
    """The active codes of a list, in display order: the options of a code select."""
    return (
        Code.objects.filter(code_list__name=list_name, is_active=True)
        .select_related("code_list")
        .order_by("order", "label")
    )


# Row ids are 64-bit integers: a bigger number typed into a query string would make the database
# driver raise (OverflowError on SQLite, DataError on PostgreSQL) instead of finding nothing.
MAX_ID = 2**63 - 1


def as_int(value: Any) -> int | None:
    """A number from a query string or posted value; None when it is not one or does not fit a
    64-bit database integer."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


def as_page(value: Any) -> int:
    """A page number from a query string: 1 when missing, not a number, below 1 or absurdly big."""
    number = as_int(value)
    return number if number is not None and number >= 1 else 1
