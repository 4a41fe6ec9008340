import datetime as dt

import pytest
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["en", "sw"])
def test_dates_are_written_day_first(language):
    with translation.override(language):
        assert formats.date_format(dt.date(2027, 2, 1), "SHORT_DATE_FORMAT") == "01/02/2027"


def test_day_first_input_is_read_as_kenya_writes_it():
    from django import forms

    field = forms.DateField()
    assert field.clean("01/02/2027") == dt.date(2027, 2, 1)
    assert field.clean("2027-02-01") == dt.date(2027, 2, 1)
