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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts.models import User
from cpims.core import ages
from cpims.core.periods import FY, HALF, QUARTER, Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.dashboards.narrative import NarrativeInput, narrate
from cpims.reporting.downloads import download_start, downloads_of, register_download_kind
from cpims.reporting.queries import caseload_table
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
    request: HttpRequest | None = None,
) -> Any:
    """Check the request and hand it to the download mechanism (which audits and enqueues it)."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Choose a kind of pack.")]})
    if format not in FORMATS:
        raise ValidationError({"format": [_("Choose PDF or Excel.")]})
    if period.kind != KINDS[kind].period_kind:
        raise ValidationError(
            {
                "period": [
                    _("This pack covers a %(word)s: choose one.") % {"word": PERIOD_WORDS[KINDS[kind].period_kind]}
                ]
            }
        )
    target = pack_target(actor, kind, county)
    params = {"period": period.code, "area": target.key, "format": format}
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


def _caseload(user: User, target: Q.Target, period: Period, rows: str, title: str, suppressed: bool) -> Table:
    table = caseload_table(user, period=period, rows=rows, bands=ages.DCS, area=target.area)
    if suppressed and not getattr(table, "suppressed", False):
        table = suppress(table)
    header = [_("Row")] + [str(c.label) for c in table.columns] + [_("Total")]
    labels = [str(r.label) for r in table.rows] + [_("Total")]
    out = [[label, *cells] for label, cells in zip(labels, table.as_matrix(), strict=True)]
    note = _("Cells under 5 and cells that would reveal them are hidden (<5).") if table.suppressed else ""
    return Table(title, header, out, note)


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
            cases=board.cases.value,
            cases_previous=board.cases_previous.value,
            cases_last_year=board.cases_last_year.value,
            top_now=_tied_top(board.top_categories),
            top_before=tuple(label for label, n, _cid in prev_top if n == before_n),
            completeness_pct=board.completeness.completeness_pct if board.completeness else None,
            completeness_previous_pct=prev_completeness.completeness_pct if prev_completeness else None,
            closed=None if board.suppressed else Q.median_days_to_close(user, target, period)[0],
            median_days=board.median_days.value if board.median_days.available else None,
        )
    )


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
        )
    ]
    if board.by_area:
        tables.append(
            Table(
                _("Cases reported by %(area)s") % {"area": area_word.lower()},
                [area_word, _("Cases reported")],
                [[a.name, v] for a, v in sorted(board.by_area, key=lambda t: t[0].name)],
            )
        )
    return tables


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
    """Everything a pack shows, read as ``user``."""
    step = progress or (lambda pct, msg="": None)
    spec = KINDS[kind]
    board = Q.dashboard(user, target, period)
    step(25, _("Headline figures ready"))
    prev_completeness = Q.completeness_summary(user, target, period.previous())
    narrative = _narrative(user, spec, board, prev_completeness)
    step(40, _("Narrative written"))
    tables = [
        _caseload(user, target, period, "category", _("Caseload by category, sex and age band (DCS)"), board.suppressed)
    ]
    step(60, _("Caseload by category ready"))
    tables.append(
        _caseload(
            user,
            target,
            period,
            "intervention",
            _("Interventions by sex and age band (closed cases)"),
            board.suppressed,
        )
    )
    tables.append(
        _caseload(
            user,
            target,
            period,
            "service",
            _("Services recorded against cases by sex and age band"),
            board.suppressed,
        )
    )
    step(75, _("Interventions ready"))
    tables += _area_tables(board)
    return Pack(
        kind=spec,
        title=_title(spec, target, period),
        target=target,
        period=period,
        generated_at=timezone.localtime(),
        suppressed=board.suppressed,
        narrative=narrative,
        headline=_headline(board, prev_completeness),
        tables=tables,
        top_categories=[(label, n) for label, n, _cid in board.top_categories],
        trend=[(m.label, v) for m, v in board.trend if period.contains(m.start)],
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
    progress(5, _("Reading the figures"))
    pack = pack_data(user, kind, target, period, progress)
    progress(85, _("Writing the file"))
    content = render.pdf(pack) if fmt == PDF else render.xlsx(pack)
    slug = target.key.replace("_", "-")
    filename = f"{kind.removeprefix('pack_').replace('_', '-')}-{slug}-{period.code.replace('/', '-')}.{fmt}"
    return filename, CONTENT_TYPES[fmt], content


def register() -> None:
    """Register the three pack kinds with the download mechanism (from AppConfig.ready)."""
    for spec in KINDS.values():
        register_download_kind(spec.kind, build_pack, spec.label)
