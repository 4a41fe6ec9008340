"""A short automatic narrative of changes for the packs, in plain words and either language.

Written with care for the awkward cases: nothing reported, nothing before (no percentage from
zero), hidden small numbers (never turned back into a figure), a tie at the top, and completeness
that could not be measured because no return was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class NarrativeInput:
    period_word: str  # "quarter", "half-year", "financial year" (translated)
    cases: int | None  # None: hidden (fewer than 5)
    cases_previous: int | None
    cases_last_year: int | None = None
    top_now: tuple[str, ...] = ()  # the top category (several when tied), this period
    top_before: tuple[str, ...] = ()  # previous period
    completeness_pct: float | None = None
    completeness_previous_pct: float | None = None
    closed: int | None = None
    median_days: float | None = None
    timeliness_pct: float | None = None
    children_in_care: int | None = -1  # -1: not given; None: hidden (fewer than 5)
    children_in_family_care: int | None = -1


def _fmt_pct(value: float) -> str:
    return f"{abs(value):.0f}" if abs(value) >= 10 else f"{abs(value):.1f}".rstrip("0").rstrip(".")


def _change(now: int | None, before: int | None, word: str, label_before: str) -> str:
    if now is None or before is None:
        return _("Cases reported this %(period)s and the %(before)s include figures under 5, which are not shown.") % {
            "period": word,
            "before": label_before,
        }
    if now == 0 and before == 0:
        return _("No cases were reported this %(period)s or in the %(before)s.") % {
            "period": word,
            "before": label_before,
        }
    if before == 0:
        return ngettext(
            "%(n)s case was reported this %(period)s; none in the %(before)s.",
            "%(n)s cases were reported this %(period)s; none in the %(before)s.",
            now,
        ) % {"n": f"{now:,}", "period": word, "before": label_before}
    if now == 0:
        return ngettext(
            "No cases were reported this %(period)s, against %(m)s case in the %(before)s.",
            "No cases were reported this %(period)s, against %(m)s cases in the %(before)s.",
            before,
        ) % {"m": f"{before:,}", "period": word, "before": label_before}
    pct = 100.0 * (now - before) / before
    values = {"n": f"{now:,}", "m": f"{before:,}", "pct": _fmt_pct(pct), "before": label_before, "period": word}
    if now == before:
        return (
            ngettext(
                "Cases reported were unchanged from the %(before)s (%(n)s case).",
                "Cases reported were unchanged from the %(before)s (%(n)s cases).",
                now,
            )
            % values
        )
    if now > before:
        return _("Cases reported rose %(pct)s%% from the %(before)s (%(m)s to %(n)s).") % values
    return _("Cases reported fell %(pct)s%% from the %(before)s (%(m)s to %(n)s).") % values


def _joined(labels: tuple[str, ...]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def _top(now: tuple[str, ...], before: tuple[str, ...], word: str) -> str:
    if not now:
        return ""
    if len(now) > 1:
        return _("%(labels)s were the most reported categories, equally.") % {"labels": _joined(now)}
    if not before:
        return _("%(label)s was the most reported category.") % {"label": now[0]}
    if now[0] in before:
        return _("%(label)s remained the top category.") % {"label": now[0]}
    return _("%(label)s became the top category (previously %(before)s).") % {
        "label": now[0],
        "before": _joined(before),
    }


def narrate(data: NarrativeInput) -> list[str]:
    """A few sentences, most important first."""
    previous_word = _("previous %(period)s") % {"period": data.period_word}
    lines = [_change(data.cases, data.cases_previous, data.period_word, previous_word)]
    last_year = _last_year(data)
    if last_year:
        lines.append(last_year)
    top = _top(data.top_now, data.top_before, data.period_word)
    if top:
        lines.append(top)
    if data.median_days is not None and data.closed:
        lines.append(
            ngettext(
                "%(n)s case was closed, in a median of %(days)s days from report.",
                "%(n)s cases were closed, in a median of %(days)s days from report.",
                data.closed,
            )
            % {"n": f"{data.closed:,}", "days": f"{data.median_days:g}"}
        )
    care = _care(data)
    if care:
        lines.append(care)
    if data.completeness_pct is None:
        lines.append(_("Returns completeness could not be measured: no return was expected."))
    else:
        line = _("Returns completeness was %(pct)s%%.") % {"pct": f"{data.completeness_pct:g}"}
        if data.completeness_previous_pct is not None:
            diff = data.completeness_pct - data.completeness_previous_pct
            if abs(diff) >= 0.5:
                line = (
                    _("Returns completeness improved to %(pct)s%% (from %(before)s%%).")
                    if diff > 0
                    else _("Returns completeness fell to %(pct)s%% (from %(before)s%%).")
                ) % {"pct": f"{data.completeness_pct:g}", "before": f"{data.completeness_previous_pct:g}"}
        lines.append(line)
        if data.timeliness_pct is not None:
            lines.append(_("%(pct)s%% of the expected returns arrived on time.") % {"pct": f"{data.timeliness_pct:g}"})
    return lines


def _last_year(data: NarrativeInput) -> str:
    """The comparison with the same period a year before (blank when it says nothing)."""
    now, before = data.cases, data.cases_last_year
    if now is None or before is None:
        return ""
    values = {"period": data.period_word, "m": f"{before:,}"}
    if now and not before:
        return _("None were reported in the same %(period)s a year before.") % values
    if not now:
        return ""
    pct = 100.0 * (now - before) / before
    if abs(pct) < 0.5:
        return _("About the same number as in the same %(period)s a year before (%(m)s).") % values
    key = (
        _("That is %(pct)s%% more than the same %(period)s a year before (%(m)s).")
        if pct > 0
        else _("That is %(pct)s%% fewer than the same %(period)s a year before (%(m)s).")
    )
    return key % {**values, "pct": _fmt_pct(pct)}


def _care(data: NarrativeInput) -> str:
    """Children in care at the end of the period (blank when not given)."""
    inst, family = data.children_in_care, data.children_in_family_care
    if inst == -1 or family == -1:
        return ""
    if inst is None or family is None:
        return _("Children in care at the end of the period include figures under 5, which are not shown.")
    if not inst and not family:
        return _("No child was recorded in care at the end of the period.")
    return _(
        "At the end of the period %(inst)s children were in institutional care and %(family)s in family-based care."
    ) % {"inst": f"{inst:,}", "family": f"{family:,}"}
