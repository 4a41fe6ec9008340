"""Kiswahili pages write dates day-first too (Django's "sw" short formats are month-first)."""

from cpims.core.formats.en.formats import (  # noqa: F401 - re-exported for Django's format lookup
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
