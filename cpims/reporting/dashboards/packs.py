"""Report packs: the quarterly pack of a county's Area Advisory Council and the semi-annual and
annual national packs for the CPIMS steering committee, as PDF and Excel.

A pack is made in the background through the reporting app's download mechanism
(``register_download_kind``): the builder runs *as the person who asked*, re-checks their reach,
reads only through the reporting contracts and suppresses small figures for aggregate-only
viewers (stakeholders). Starting, and fetching the file, are audited by that mechanism.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cpims.accounts.models import User
from cpims.core import ages
from cpims.core.periods import FY, HALF, QUARTER, Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.dashboards.narrative import NarrativeInput, narrate
from cpims.reporting.downloads import download_start, downloads_of, register_download_kind
from cpims.reporting.queries import caseload_table, facts_visible_to
from cpims.reporting.suppression import suppress

AAC_QUARTERLY = "pack_aac_quarterly"
NATIONAL_SEMIANNUAL = "pack_national_semiannual"
NATIONAL_ANNUAL = "pack_national_annual"
PDF, XLSX = "pdf", "xlsx"
FORMATS = {PDF: gettext_lazy("PDF"), XLSX: gettext_lazy("Excel")}
CONTENT_TYPES = {PDF: "application/pdf", XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class PackKind:
    kind: str
    label: Any
    period_kind: str
    county: bool  # True: one county's pack; False: national


KINDS: dict[str, PackKind] = {
    AAC_QUARTERLY: PackKind(
        AAC_QUARTERLY, gettext_lazy("Quarterly pack for a county's Area Advisory Council"), QUARTER, True
    ),
    NATIONAL_SEMIANNUAL: PackKind(
        NATIONAL_SEMIANNUAL, gettext_lazy("Semi-annual national pack (steering committee)"), HALF, False
    ),
    NATIONAL_ANNUAL: PackKind(NATIONAL_ANNUAL, gettext_lazy("Annual national pack (steering committee)"), FY, False),
}
PERIOD_WORDS = {QUARTER: gettext_lazy("quarter"), HALF: gettext_lazy("half-year"), FY: gettext_lazy("financial year")}
LANGUAGES = {"en": gettext_lazy("English"), "sw": gettext_lazy("Kiswahili")}
# How many periods the form offers, per kind of period (newest first).
OFFERED = {QUARTER: 8, HALF: 4, FY: 3}
TABLE_ROWS = 12  # the categories (interventions, services) that occurred, by size; the rest in one row


# --- sections other apps add (registration, so reporting never imports them) ------------------

SectionBuilder = Callable[[User, Q.Target, Period, bool], "list[Table]"]
_sections: list[tuple[str, SectionBuilder]] = []


def register_pack_section(kind: str, builder: SectionBuilder) -> None:
    """Add tables to packs of ``kind`` (a pack kind, or "*" for every pack). ``builder(user,
    target, period, suppressed)`` returns a list of ``Table``: it reads as ``user`` and must hide
    figures of 1–4 itself when ``suppressed`` (aggregate-only readers)."""
    if kind != "*" and kind not in KINDS:
        raise ValueError(f"unknown pack kind {kind!r}")
    if (kind, builder) not in _sections:
        _sections.append((kind, builder))


def unregister_pack_section(kind: str, builder: SectionBuilder) -> None:
    if (kind, builder) in _sections:
        _sections.remove((kind, builder))


def _extra_sections(user: User, kind: str, target: Q.Target, period: Period, suppressed: bool) -> list[Table]:
    out: list[Table] = []
    for for_kind, builder in _sections:
        if for_kind in ("*", kind):
            out += builder(user, target, period, suppressed)
    return out


# --- periods ------------------------------------------------------------------------------------


def complete_periods(kind: str, today: dt.date | None = None) -> list[Period]:
    """The periods a pack of ``kind`` may cover: complete ones (ended before today), newest first."""
    spec = KINDS[kind]
    today = today or timezone.localdate()
    current = Period.containing(spec.period_kind, today)
    return Period.recent(spec.period_kind, current.previous().start, OFFERED[spec.period_kind])


def offered_periods(kind: str, today: dt.date | None = None) -> list[tuple[Period, bool]]:
    """The periods the form offers for ``kind``: the current one (not complete yet), then the
    complete ones, newest first; each with whether it is complete."""
    spec = KINDS[kind]
    current = Period.containing(spec.period_kind, today or timezone.localdate())
    return [(current, False)] + [(p, True) for p in complete_periods(kind, today)]


def default_period(user: User, kind: str, county: Area | None = None, today: dt.date | None = None) -> Period:
    """The latest complete period of the pack's kind in which cases were reported within the
    user's reach (and the county, for an AAC pack); the last complete one when none has data."""
    offered = complete_periods(kind, today)
    facts = facts_visible_to(user).filter(reported_on__lte=offered[0].end, reported_on__gte=offered[-1].start)
    if county is not None:
        facts = facts.filter(county=county)
    latest = facts.order_by("-reported_on").values_list("reported_on", flat=True).first()
    if latest is not None:
        for period in offered:
            if period.contains(latest):
                return period
    return offered[0]


# --- starting and listing ---------------------------------------------------------------------


def pack_target(user: User, kind: str, county: Area | None) -> Q.Target:
    """The target of a pack, refused (PermissionDenied) unless the user reaches all of it."""
    spec = KINDS[kind]
    if spec.county:
        if county is None:
            raise ValidationError({"county": [_("Choose the county of the Area Advisory Council.")]})
        target = Q.Target(Q.COUNTY, county)
    else:
        target = Q.Target(Q.NATIONAL)
    if not Q.covers(user, target):
        raise PermissionDenied
    return target


def pack_start(
    *,
    actor: User,
    kind: str,
    period: Period,
    county: Area | None = None,
    format: str = PDF,
    language: str = "en",
    request: HttpRequest | None = None,
) -> Any:
    """Check the request and hand it to the download mechanism (which audits and enqueues it)."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Choose a kind of pack.")]})
    if format not in FORMATS:
        raise ValidationError({"format": [_("Choose PDF or Excel.")]})
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose English or Kiswahili.")]})
    if period.kind != KINDS[kind].period_kind:
        raise ValidationError(
            {
                "period": [
                    _("This pack covers a %(word)s: choose one.") % {"word": PERIOD_WORDS[KINDS[kind].period_kind]}
                ]
            }
        )
    target = pack_target(actor, kind, county)
    params = {"period": period.code, "area": target.key, "format": format, "language": language}
    return download_start(actor=actor, kind=kind, params=params, request=request)


def my_packs(user: User, limit: int = 20) -> list[Any]:
    return list(downloads_of(user).filter(kind__in=list(KINDS)).order_by("-created_at", "-id")[:limit])


def counties_for(user: User) -> list[Area]:
    """Counties whose AAC pack the user may make (wholly within their reach)."""
    counties = Area.objects.filter(level=Area.Level.COUNTY).order_by("name")
    return [a for a in counties if Q.covers(user, Q.Target(Q.COUNTY, a))]


# --- the content ------------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]  # cells: str, int, float or None (hidden: "<5")
    note: str = ""
    total_row: bool = False  # the last row is a total (drawn in bold)
    sheet: str = ""  # a short name for the Excel sheet (the title when blank)
    # A two-line header in the PDF: groups of columns (label, how many) over short column labels.
    groups: list[tuple[str, int]] = field(default_factory=list)
    short_header: list[str] = field(default_factory=list)
    empty: str = ""  # said instead of the table when no row occurred


@dataclass
class Pack:
    kind: PackKind
    title: str
    target: Q.Target
    period: Period
    generated_at: dt.datetime
    suppressed: bool
    narrative: list[str]
    headline: Table
    tables: list[Table] = field(default_factory=list)
    top_categories: list[tuple[str, int | None]] = field(default_factory=list)
    trend: list[tuple[str, int | None]] = field(default_factory=list)
    compare: list[tuple[str, int | None]] = field(default_factory=list)
    by_area: list[tuple[str, int | None]] = field(default_factory=list)
    county_map: Any = None  # countymap.CountyMap for national packs
    definitions: list[str] = field(default_factory=list)
    generated_by: str = ""
    language: str = "en"


HIDDEN_SUM = "*"  # an "other categories" cell that includes a hidden figure


def _collapse(labels: list[str], matrix: list[list[int | None]], keep: int) -> tuple[list[list[Any]], int, int]:
    """The rows that occurred (largest first; hidden ones after, by label), the first ``keep`` of
    them and one "other categories" row for the rest. Returns (rows, rows folded, rows with none)."""
    occurred = [(label, cells) for label, cells in zip(labels, matrix, strict=True) if cells[-1] != 0]
    empty = len(labels) - len(occurred)
    occurred.sort(key=lambda t: (t[1][-1] is None, -(t[1][-1] or 0), t[0]))
    shown, rest = occurred[:keep], occurred[keep:]
    if len(rest) == 1:  # one row is better shown than folded
        shown, rest = occurred, []
    rows: list[list[Any]] = [[label, *cells] for label, cells in shown]
    if rest:
        width = len(rest[0][1])
        other: list[Any] = []
        for col in range(width):
            values = [cells[col] for _label, cells in rest]
            other.append(HIDDEN_SUM if any(v is None for v in values) else sum(v or 0 for v in values))
        label = _("Other categories (%(n)s)") % {"n": len(rest)}
        rows.append([label, *other])
    return rows, len(rest), empty


def _caseload(
    user: User, target: Q.Target, period: Period, rows: str, title: str, first_header: str, suppressed: bool
) -> tuple[Table, Any]:
    table = caseload_table(user, period=period, rows=rows, bands=ages.DCS, area=target.area)
    if suppressed and not getattr(table, "suppressed", False):
        table = suppress(table)
    header = [first_header] + [str(c.label) for c in table.columns] + [_("Total")]
    matrix = table.as_matrix()
    body, folded, empty = _collapse([str(r.label) for r in table.rows], matrix[:-1], TABLE_ROWS)
    body.append([_("Total"), *matrix[-1]])
    notes = []
    if folded:
        notes.append(
            ngettext(
                "The %(n)s smallest are added together in the last row.",
                "The %(n)s smallest are added together in the last row.",
                folded,
            )
            % {"n": folded}
        )
    if empty:
        notes.append(
            ngettext(
                "%(n)s more was not recorded in the period and is not listed.",
                "%(n)s more were not recorded in the period and are not listed.",
                empty,
            )
            % {"n": empty}
        )
    if table.suppressed:
        notes.append(_("Cells under 5 and cells that would reveal them are hidden (<5)."))
        if folded:
            notes.append(_("* a sum that includes a hidden figure."))
    out = Table(title, header, body, " ".join(notes), total_row=True)
    out.groups = [(label, span) for _sex, label, span in table.sex_groups()]
    out.short_header = [first_header] + [str(c.band_label or c.label) for c in table.columns] + [_("Total")]
    if len(body) == 1:
        out.empty = _("None was recorded in the period.")
    return out, table


def _tied_top(top: list[tuple[str, int | None, Any]]) -> tuple[str, ...]:
    """The top category's label, or the labels tied with it; when the top count is hidden, the
    first label only (hidden counts cannot be compared)."""
    if not top:
        return ()
    top_n = top[0][1]
    if top_n is None:
        return (top[0][0],)
    return tuple(label for label, n, _cid in top if n == top_n)


def _narrative(
    user: User, spec: PackKind, board: Q.Dashboard, prev_completeness: Q.CompletenessFigure | None
) -> list[str]:
    target, period = board.target, board.period
    prev_top = Q.top_categories(user, target, period.previous(), board.suppressed)
    before_n = prev_top[0][1] if prev_top else None
    return narrate(
        NarrativeInput(
            period_word=str(PERIOD_WORDS[spec.period_kind]),
            cases=_count(board.cases),
            cases_previous=_count(board.cases_previous),
            cases_last_year=_count(board.cases_last_year),
            top_now=_tied_top(board.top_categories),
            top_before=tuple(label for label, n, _cid in prev_top if n == before_n),
            completeness_pct=board.completeness.completeness_pct if board.completeness else None,
            completeness_previous_pct=prev_completeness.completeness_pct if prev_completeness else None,
            closed=None if board.suppressed else Q.median_days_to_close(user, target, period)[0],
            median_days=board.median_days.value if board.median_days.available else None,
            timeliness_pct=board.completeness.timeliness_pct if board.completeness else None,
            children_in_care=_count(board.children_in_care),
            children_in_family_care=_count(board.children_in_family_care),
        )
    )


def _count(figure: Q.Figure) -> int | None:
    """A count figure as a whole number (None when hidden)."""
    return None if figure.value is None else int(figure.value)


def _pct_or_dash(figure: Q.CompletenessFigure | None, attr: str) -> float | str:
    value = getattr(figure, attr) if figure else None
    return "—" if value is None else value


def _headline(board: Q.Dashboard, prev_completeness: Q.CompletenessFigure | None) -> Table:
    period, c = board.period, board.completeness
    return Table(
        _("Headline figures"),
        [_("Indicator"), period.label, period.previous().label, period.same_last_year().label],
        [
            [_("Cases reported"), board.cases.value, board.cases_previous.value, board.cases_last_year.value],
            [_("Of which still open"), board.open_cases.value, "", ""],
            [_("Of which closed"), board.closed_cases.value, "", ""],
            [_("Median days to closure"), board.median_days.value if board.median_days.available else "—", "", ""],
            [_("Overdue follow-ups (today)"), board.overdue_followups.value, "", ""],
            [_("Referrals sent"), board.referrals_sent.value, "", ""],
            [_("Referrals completed"), board.referrals_completed.value, "", ""],
            [_("Cases transferred in"), board.transfers_in.value, "", ""],
            [_("Cases transferred out"), board.transfers_out.value, "", ""],
            [_("Children in institutional care"), board.children_in_care.value, "", ""],
            [_("Children in family-based care"), board.children_in_family_care.value, "", ""],
            [
                _("Returns completeness (%)"),
                _pct_or_dash(c, "completeness_pct"),
                _pct_or_dash(prev_completeness, "completeness_pct"),
                "",
            ],
            [
                _("Returns timeliness (%)"),
                _pct_or_dash(c, "timeliness_pct"),
                _pct_or_dash(prev_completeness, "timeliness_pct"),
                "",
            ],
        ],
        _("Small figures (1–4) are hidden for aggregate-only readers.") if board.suppressed else "",
    )


def _area_tables(board: Q.Dashboard) -> list[Table]:
    """Returns completeness per area, and cases per area (national and county packs)."""
    area_word = _("County") if board.target.level == Q.NATIONAL else _("Sub-county")
    tables = [
        Table(
            _("Returns completeness and timeliness"),
            [area_word, _("Expected"), _("Received"), _("On time"), _("Completeness (%)"), _("Timeliness (%)")],
            [
                [
                    r.label,
                    r.expected,
                    r.received,
                    r.on_time,
                    _pct_or_dash(r, "completeness_pct"),
                    _pct_or_dash(r, "timeliness_pct"),
                ]
                for r in board.completeness_rows
            ],
            _("Completeness: returns received ÷ returns expected. Timeliness: returns on time ÷ returns expected."),
            sheet=_("Returns"),
        )
    ]
    if board.by_area:
        tables.append(
            Table(
                _("Cases reported by %(area)s") % {"area": area_word.lower()},
                [area_word, _("Cases reported")],
                [[a.name, v] for a, v in _by_size(board.by_area)],
                sheet=_("Cases by area"),
            )
        )
    return tables


def _by_size(items: list[tuple[Area, int | None]]) -> list[tuple[Area, int | None]]:
    """Largest first; hidden figures after the shown ones, by name."""
    return sorted(items, key=lambda t: (t[1] is None, -(t[1] or 0), t[0].name))


def _definitions(board: Q.Dashboard, categories: Any) -> list[str]:
    """The notes on definitions at the end of a pack."""
    lines = [
        _(
            "Cases reported: cases opened in the period, counted where they were reported; a later "
            "transfer does not move them."
        ),
        _(
            "Case categories: a case may have more than one category (a child neglected and out of "
            "school), so the categories in the tables add up to more than the number of cases."
        ),
    ]
    if board.cases.value is not None and categories.total is not None:
        lines.append(
            _("In this pack %(cats)s categories were recorded for %(cases)s cases.")
            % {"cats": f"{categories.total:,}", "cases": f"{board.cases.value:,}"}
        )
    lines += [
        _("Age bands are those of the DCS caseload return; age is the child's age when the case was reported."),
        _(
            "Children in care: children in institutional care (charitable children's institutions, "
            "statutory institutions, places of safety) and in family-based care (foster care, "
            "kinship, guardianship, kafaala, adoption, supported independent living) on the last "
            "day of the period."
        ),
        _(
            "Returns completeness is the share of expected monthly returns received; timeliness the "
            "share received by the deadline."
        ),
    ]
    if board.suppressed:
        lines.append(
            _(
                "Suppression: this pack is for readers of aggregate figures. Counts from 1 to 4 are "
                "shown as <5, and where one hidden count could be worked out from a total, a "
                "second count is hidden too. A sum marked * includes a hidden count."
            )
        )
    else:
        lines.append(
            _(
                "Suppression: this pack shows exact figures, including counts under 5; share it only "
                "with people entitled to see them. Packs made by aggregate-only readers hide counts "
                "from 1 to 4."
            )
        )
    return lines


def _title(spec: PackKind, target: Q.Target, period: Period) -> str:
    if spec.county:
        title = _("%(area)s: quarterly report to the Area Advisory Council, %(period)s")
    elif spec.period_kind == HALF:
        title = _("%(area)s: semi-annual report to the CPIMS steering committee, %(period)s")
    else:
        title = _("%(area)s: annual report to the CPIMS steering committee, %(period)s")
    return title % {"area": target.label, "period": period.label}


def pack_data(
    user: User, kind: str, target: Q.Target, period: Period, progress: Callable[[int, str], None] | None = None
) -> Pack:
    """Everything a pack shows, read as ``user`` (in the active language)."""
    step: Callable[[int, str], None] = progress or (lambda pct, msg="": None)
    spec = KINDS[kind]
    board = Q.dashboard(user, target, period)
    step(25, _("Headline figures ready"))
    prev_completeness = Q.completeness_summary(user, target, period.previous())
    narrative = _narrative(user, spec, board, prev_completeness)
    step(40, _("Narrative written"))
    s = board.suppressed
    categories, category_table = _caseload(
        user, target, period, "category", _("Case categories by sex and age band"), _("Case category"), s
    )
    step(60, _("Caseload by category ready"))
    interventions, _t = _caseload(
        user,
        target,
        period,
        "intervention",
        _("Interventions by sex and age band (closed cases)"),
        _("Intervention"),
        s,
    )
    services, _t = _caseload(user, target, period, "service", _("Services given by sex and age band"), _("Service"), s)
    categories.sheet, interventions.sheet, services.sheet = _("Categories"), _("Interventions"), _("Services")
    if board.cases.value and category_table.total:
        why = _("A case may have more than one category: these %(cats)s categories belong to %(cases)s cases.") % {
            "cats": f"{category_table.total:,}",
            "cases": f"{board.cases.value:,}",
        }
        categories.note = f"{why} {categories.note}".strip()
    tables = [categories, interventions, services]
    step(75, _("Interventions ready"))
    tables += _area_tables(board)
    tables += _extra_sections(user, kind, target, period, s)
    county_map = None
    if not spec.county:
        from cpims.reporting.dashboards import countymap

        county_map = countymap.county_map(user, period, countymap.CASES)
    return Pack(
        kind=spec,
        title=_title(spec, target, period),
        target=target,
        period=period,
        generated_at=timezone.localtime(),
        suppressed=s,
        narrative=narrative,
        headline=_headline(board, prev_completeness),
        tables=tables,
        top_categories=[(label, n) for label, n, _cid in board.top_categories],
        trend=[(m.label, v) for m, v in board.trend if period.contains(m.start)],
        compare=[
            (period.label, _count(board.cases)),
            (period.previous().label, _count(board.cases_previous)),
            (period.same_last_year().label, _count(board.cases_last_year)),
        ],
        by_area=[(a.name, v) for a, v in _by_size(board.by_area)],
        county_map=county_map,
        definitions=_definitions(board, category_table),
        generated_by=str(user),
        language=translation.get_language() or "en",
    )


# --- the builder (runs in the background task) ------------------------------------------------


def build_pack(download: Any, progress: Callable[[int, str], None]) -> tuple[str, str, bytes]:
    """Make one pack for ``download.owner``; their reach is checked again here."""
    from cpims.reporting.dashboards import render

    params = download.params or {}
    user = download.owner
    kind = download.kind
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of pack."))
    try:
        period = Period.parse(str(params.get("period", "")))
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    fmt = params.get("format", PDF)
    if fmt not in FORMATS or period.kind != KINDS[kind].period_kind:
        raise ValidationError(_("Invalid pack parameters."))
    try:
        target = Q.target_for(user, str(params.get("area", "")))
    except Http404 as exc:
        raise PermissionDenied from exc
    if (target.level == Q.COUNTY) != KINDS[kind].county:
        raise ValidationError(_("Invalid pack parameters."))
    language = params.get("language", "en")
    if language not in LANGUAGES:
        raise ValidationError(_("Invalid pack parameters."))
    progress(5, _("Reading the figures"))
    with translation.override(language):
        pack = pack_data(user, kind, target, period, progress)
        progress(85, _("Writing the file"))
        content = render.pdf(pack) if fmt == PDF else render.xlsx(pack)
    slug = target.key.replace("_", "-")
    lang = "" if language == "en" else f"-{language}"
    filename = f"{kind.removeprefix('pack_').replace('_', '-')}-{slug}-{period.code.replace('/', '-')}{lang}.{fmt}"
    return filename, CONTENT_TYPES[fmt], content


def register() -> None:
    """Register the three pack kinds with the download mechanism (from AppConfig.ready)."""
    for spec in KINDS.values():
        register_download_kind(spec.kind, build_pack, spec.label)
