"""The default retention schedule (reference loader): created when missing, never overwritten, so
an administrator's change stays. The reasons are shown on the schedule page and explained in
docs/data-protection.md (section Retention)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from cpims.retention.models import RetentionRule

K, U, A = RetentionRule.Kind, RetentionRule.Unit, RetentionRule.Action

DEFAULTS = (
    (
        K.CLOSED_CASE,
        7,
        U.YEARS,
        A.ANONYMISE,
        gettext_noop(
            "Seven years after the child turns 18 (and the case is closed): a person may bring a claim about "
            "their care for some years after reaching majority, and may ask for their record as an adult. "
            "Anonymised, not deleted, so past reports keep their figures."
        ),
    ),
    (
        K.DISMISSED_INTAKE,
        12,
        U.MONTHS,
        A.DELETE,
        gettext_noop(
            "Twelve months after it was dismissed without a case: long enough to spot a repeated concern "
            "about the same child; a dismissed report is not needed after that."
        ),
    ),
    (
        K.AUDIT_EVENT,
        6,
        U.YEARS,
        A.DELETE,
        gettext_noop(
            "Six years: long enough to answer a complaint or an inspection of who saw a record; events "
            "hold ids and codes only."
        ),
    ),
    (
        K.DOWNLOAD,
        7,
        U.DAYS,
        A.DELETE,
        gettext_noop("Seven days: an export is a copy of records, made to be downloaded once, not kept."),
    ),
)


def load() -> int:
    made = 0
    for kind, period, unit, action, reason in DEFAULTS:
        _rule, created = RetentionRule.objects.get_or_create(
            kind=kind, defaults={"period": period, "unit": unit, "action": action, "reason": reason}
        )
        made += created
    return made


def report() -> dict[str, int]:
    return {"retention rules": RetentionRule.objects.count()}
