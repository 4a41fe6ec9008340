"""Every read of caseload figures, starting from the scope rules (cpims.accounts.scope).

Each read first folds pending record changes into the facts (``facts.catch_up``; not when reports
are read from a replica, see ``_catch_up``), then counts in
the database (``values(...).annotate(Count)``): no Python loop over fact rows. Figures for a viewer
without ``report.view`` over the whole table are suppressed (``suppression``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core import ages, dbrouters
from cpims.core.forms import as_int
from cpims.core.models import Code
from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit
from cpims.reporting import facts, rollups
from cpims.reporting.models import (
    CaseFact,
    CaseloadMonth,
    CaseMonth,
    CategoryMonth,
    FollowUpDue,
    ReferralFact,
    ServiceFact,
    TransferFact,
)
from cpims.reporting.suppression import suppress
from cpims.reporting.tables import TOTAL, CaseloadTable, Col, Row

__all__ = [
    "DIMENSIONS",
    "TOTAL",
    "CaseloadTable",
    "Col",
    "Row",
    "caseload_table",
    "caseload_tables",
    "drilldown_cases",
    "fact_counts",
    "facts_visible_to",
    "referral_facts_visible_to",
    "rollups_visible_to",
    "service_counts",
    "transfer_counts",
]

# group_by / filter name -> fact column
DIMENSIONS: dict[str, str] = {
    "category": "category_id",
    "sub_category": "sub_category_id",
    "intervention": "intervention_id",
    "place_of_event": "place_of_event_id",
    "risk_level": "risk_level_id",
    "reporter_type": "reporter_type_id",
    "sex": "sex",
    "dcs_band": "dcs_band",
    "knbs_band": "knbs_band",
    "status": "status",
    "month": "month",
    "county": "county_id",
    "sub_county": "sub_county_id",
    "office": "office_id",
}
CODE_DIMENSIONS = frozenset(
    {"category", "sub_category", "intervention", "place_of_event", "risk_level", "reporter_type"}
)
AREA_DIMENSIONS = frozenset({"county", "sub_county"})
# The table of services recorded against cases (ServiceFact), one row per DCS intervention.
SERVICES = rollups.SERVICE  # "service": services given, a DCS intervention code each
SERVICE_DIMENSIONS: dict[str, str] = {
    "service": "service_id",
    "sex": "sex",
    "dcs_band": "dcs_band",
    "knbs_band": "knbs_band",
    "county": "county_id",
    "sub_county": "sub_county_id",
    "office": "office_id",
}
# Attributes of the case rather than of one of its categories: these tables count cases.
CASE_DIMENSIONS = frozenset({"status", "risk_level", "reporter_type", "month", "county", "sub_county", "office"})
# The code list behind each code dimension (every item of these lists is a row, like the Excel return).
FULL_LISTS = {"category": "case_category_id", "intervention": "intervention_id"}

SEXES = ("male", "female", "intersex", "unknown")
ALWAYS_SEXES = ("male", "female")
SEX_LABELS = {
    "male": gettext_lazy("Male"),
    "female": gettext_lazy("Female"),
    "intersex": gettext_lazy("Intersex"),
    "unknown": gettext_lazy("Sex unknown"),
}
NONE_LABELS = {
    "intervention": gettext_lazy("No intervention recorded yet"),
    "sub_category": gettext_lazy("No sub-category"),
    "place_of_event": gettext_lazy("Place not recorded"),
    "risk_level": gettext_lazy("Risk not assessed"),
    "reporter_type": gettext_lazy("Reporter not recorded"),
    "county": gettext_lazy("No county"),
    "sub_county": gettext_lazy("No sub-county"),
}
DIMENSION_LABELS = {
    "category": gettext_lazy("Case category"),
    "sub_category": gettext_lazy("Sub-category"),
    "intervention": gettext_lazy("Intervention"),
    "place_of_event": gettext_lazy("Place of event"),
    "risk_level": gettext_lazy("Risk level"),
    "reporter_type": gettext_lazy("Reported by"),
    "sex": gettext_lazy("Sex"),
    "dcs_band": gettext_lazy("Age band (DCS)"),
    "knbs_band": gettext_lazy("Age band (KNBS)"),
    "status": gettext_lazy("Case status"),
    "month": gettext_lazy("Month reported"),
    "county": gettext_lazy("County"),
    "sub_county": gettext_lazy("Sub-county"),
    "office": gettext_lazy("Office"),
    "service": gettext_lazy("Services recorded (intervention)"),
}


def _catch_up() -> None:
    """Fold pending record changes into the facts before a read, unless another catch-up is
    running (then this read does not wait for it). Not when reports are read from a replica
    (``DATABASE_REPLICA_URL``): the replica is read-only and the read path must not write on the
    primary under load; the worker's ``refresh_facts`` (enqueued after every change and every 5
    minutes) keeps the facts current instead. Once per read request: a dashboard asks for a dozen
    sets of facts and roll-ups, and a GET adds no change to fold in between them."""
    if not dbrouters.replica_configured() and scope.first_in_request("reporting.catch_up"):
        facts.catch_up(wait=False)


# --- scope ------------------------------------------------------------------------------------------


def facts_visible_to(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> QuerySet[CaseFact]:
    """The facts ``user`` may count with ``perm`` (caught up with the records first)."""
    _catch_up()
    return scope.restrict(user, CaseFact.objects.all(), perm)


def referral_facts_visible_to(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> QuerySet[ReferralFact]:
    """The referral facts (one per referral, in its case's area) ``user`` may count with ``perm``."""
    _catch_up()
    return scope.restrict(user, ReferralFact.objects.all(), perm)


def service_facts_visible_to(user: Any, perm: str = P.REPORT_VIEW_AGGREGATE) -> QuerySet[ServiceFact]:
    """The service facts (one per service recorded on a case) ``user`` may count with ``perm``."""
    _catch_up()
    return scope.restrict(user, ServiceFact.objects.all(), perm)


def transfer_facts_visible_to(user: Any, perm: str = P.REPORT_VIEW_AGGREGATE) -> QuerySet[TransferFact]:
    """The transfer facts (each accepted transfer: out of one office, in to another)."""
    _catch_up()
    return scope.restrict(user, TransferFact.objects.all(), perm)


def rollups_visible_to(
    user: User, model: type[CaseMonth] | type[CategoryMonth] | type[FollowUpDue], perm: str = P.REPORT_VIEW_AGGREGATE
) -> QuerySet[Any]:
    """The roll-up rows (``CaseMonth``, ``CategoryMonth`` or ``FollowUpDue``) ``user`` may count with
    ``perm``; they carry areas only, so grants below the area level reach none of them."""
    _catch_up()
    return scope.restrict(user, model.objects.all(), perm)


def national_reader(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> bool:
    """True if ``user`` holds ``perm`` nationally: the national roll-ups, which carry no area,
    are theirs to count and nobody else's."""
    return any(g.scope == "national" for g in scope.grants_for(user).with_perm(perm))


def identified_allowed(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> bool:
    """True if the user holds report.view over everything ``perm`` lets them count, so their
    figures need no suppression; False for stakeholders (aggregate only)."""
    full = scope.visible_q(user, CaseFact, P.REPORT_VIEW)
    if full is None:
        return False
    if not full:  # national
        return True
    return full == scope.visible_q(user, CaseFact, perm)


def can_drill_down(user: User) -> bool:
    return scope.has_perm(user, P.REPORT_VIEW) and scope.has_perm(user, P.CASE_VIEW)


@dataclass(frozen=True)
class AreaChoice:
    area: Area | None  # None = everything in the user's scope (the nation for national users)
    label: str
    depth: int = 0


def areas_for(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> list[AreaChoice]:
    """The areas ``user`` may choose: the counties and sub-counties their grants reach, and for
    national users the eight regions (after "Kenya", before the counties). Aggregate-only viewers
    choose regions and counties only (finer areas make small numbers easy to difference)."""
    grants = scope.grants_for(user).with_perm(perm)
    fine = identified_allowed(user, perm)
    counties: set[int] = set()
    sub_counties: set[int] = set()
    national = False
    for g in grants:
        if g.scope == "national":
            national = True
        elif g.scope == "area" and g.area_level == Area.Level.COUNTY and g.county_id:
            counties.add(g.county_id)
        elif g.scope == "area" and g.sub_county_id:
            sub_counties.add(g.sub_county_id)
    qs = Area.objects.filter(level__in=[Area.Level.COUNTY, Area.Level.SUB_COUNTY])
    allowed = qs if national else qs.filter(Q(county_id__in=counties) | Q(pk__in=sub_counties))
    if not fine:
        allowed = allowed.filter(level=Area.Level.COUNTY)
    rows = list(allowed.only("id", "name", "level", "code", "county_id").order_by("name"))
    county_rows = [a for a in rows if a.level == Area.Level.COUNTY]
    choices: list[AreaChoice] = []
    if national or len(county_rows) + len(sub_counties) > 1 or not rows:
        choices.append(AreaChoice(None, _("Kenya") if national else _("Everything I can see")))
    if national:
        regions = Area.objects.filter(level=Area.Level.REGION).only("id", "name", "level", "code").order_by("code")
        choices.extend(AreaChoice(r, r.display_name) for r in regions)
    by_county: dict[int, list[Area]] = {}
    for a in rows:
        if a.level == Area.Level.SUB_COUNTY:
            by_county.setdefault(a.county_id, []).append(a)
    for county in county_rows:
        choices.append(AreaChoice(county, county.name))
        if not national:  # the whole country's sub-counties would make a very long list
            choices.extend(AreaChoice(s, s.name, 1) for s in by_county.pop(county.pk, []))
    for subs in by_county.values():
        choices.extend(AreaChoice(s, s.name, 1) for s in subs if not national)
    return choices


def area_allowed(user: User, area: Area, perm: str = P.REPORT_VIEW_AGGREGATE) -> bool:
    """True if ``user`` may report on ``area`` with ``perm``. A region (a grouping of counties for
    reporting, coarser than a county) needs a national grant."""
    grants = scope.grants_for(user).with_perm(perm)
    if area.level == Area.Level.REGION:
        return any(g.scope == "national" for g in grants)
    fine = identified_allowed(user, perm)
    if area.level not in (Area.Level.COUNTY, Area.Level.SUB_COUNTY):
        return False
    if not fine and area.level != Area.Level.COUNTY:
        return False
    for g in grants:
        if g.scope == "national":
            return True
        if g.scope == "area" and g.area_level == Area.Level.COUNTY and area.county_id == g.county_id:
            return True
        if g.scope == "area" and g.sub_county_id and area.pk == g.sub_county_id:
            return True
    return False


def area_from_key(user: User, key: str | None, perm: str = P.REPORT_VIEW_AGGREGATE) -> Area | None:
    """The area named by ``key`` ("county-047", "region-01"), within the user's reach; 404 otherwise."""
    if not key:
        return None
    level, _sep, code = key.partition("-")
    area = Area.objects.filter(level=level, code=code).first()
    if area is None or not area_allowed(user, area, perm):
        raise Http404
    return area


def default_area(user: User, perm: str = P.REPORT_VIEW_AGGREGATE) -> Area | None:
    """A county coordinator starts at their county, a sub-county officer at their sub-county,
    national users at the nation."""
    grants = scope.grants_for(user).with_perm(perm)
    if any(g.scope == "national" for g in grants):
        return None
    areas = {
        g.county_id if g.area_level == Area.Level.COUNTY else g.sub_county_id
        for g in grants
        if g.scope == "area" and (g.county_id or g.sub_county_id)
    }
    if len(areas) == 1:
        area = Area.objects.filter(pk=areas.pop()).first()
        if area is not None and area_allowed(user, area, perm):
            return area
    return None


def org_unit_from_id(user: User, public_id: str | None, perm: str = P.REPORT_VIEW_AGGREGATE) -> OrgUnit | None:
    """The office named by ``public_id`` within the user's scope; 404 otherwise. Aggregate-only
    viewers report on areas, never on single offices (their small numbers difference too easily)."""
    if not public_id:
        return None
    if not identified_allowed(user, perm):
        raise Http404
    return scope.get_for(user, OrgUnit.objects.all(), view=perm, public_id=public_id)


def offices_in(user: User, area: Area | None, perm: str = P.REPORT_VIEW_AGGREGATE, limit: int = 300) -> list[OrgUnit]:
    """Offices of ``area`` the user may report on (for the office chooser); none for
    aggregate-only viewers or without an area (the national list would be too long)."""
    if area is None or not identified_allowed(user, perm):
        return []
    units = scope.restrict(user, OrgUnit.objects.filter(is_active=True), perm).filter(_area_q_units(area))
    return list(units.only("id", "public_id", "name").order_by("name")[:limit])


def _region_county_ids(region: Area) -> QuerySet[Area]:
    """The ids of a region's counties, as a subquery: rows filtered by ``county_id IN (...)`` keep
    using their (county, date) indexes."""
    return Area.objects.filter(level=Area.Level.COUNTY, region=region).values("pk")


def _area_q_units(area: Area) -> Q:
    if area.level == Area.Level.REGION:
        return Q(county_id__in=_region_county_ids(area))
    if area.level == Area.Level.COUNTY:
        return Q(county=area)
    return Q(sub_county=area)


# --- counting ---------------------------------------------------------------------------------------


def _area_q(area: Area | None) -> Q:
    if area is None:
        return Q()
    if area.level == Area.Level.REGION:
        return Q(county_id__in=_region_county_ids(area))
    if area.level == Area.Level.COUNTY:
        return Q(county=area)
    if area.level == Area.Level.SUB_COUNTY:
        return Q(sub_county=area)
    return Q(event_ward=area)


def _filters_q(filters: Mapping[str, Any] | None) -> Q:
    q = Q()
    for name, value in (filters or {}).items():
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
        column = DIMENSIONS[name]
        if value is None:
            q &= Q(**{f"{column}__isnull": True})
        elif isinstance(value, (list, tuple, set, frozenset)):
            values = [v for v in value if v is not None]
            part = Q(**{f"{column}__in": values})
            if len(values) != len(value):
                part |= Q(**{f"{column}__isnull": True})
            q &= part
        else:
            q &= Q(**{column: getattr(value, "pk", value)})
    return q


def _scoped_facts(
    user: User,
    *,
    period: Period,
    area: Area | None,
    org_unit: OrgUnit | None,
    filters: Mapping[str, Any] | None,
    cases_only: bool,
    perm: str,
) -> QuerySet[CaseFact]:
    qs = facts_visible_to(user, perm).filter(reported_on__gte=period.start, reported_on__lte=period.end)
    qs = qs.filter(_area_q(area) & _filters_q(filters))
    if org_unit is not None:
        qs = qs.filter(office=org_unit)
    if cases_only:
        qs = qs.filter(primary=True)
    return qs


def fact_counts(
    user: Any,  # a User, or the returns prefill's one-unit reader (duck-typed, no account)
    *,
    period: Period,
    group_by: Sequence[str],
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    filters: Mapping[str, Any] | None = None,
    cases_only: bool = False,
    perm: str = P.REPORT_VIEW_AGGREGATE,
) -> dict[tuple, int]:
    """Counts of facts (categories, or cases with ``cases_only``) in ``period``, grouped by the
    ``group_by`` dimensions: {(value, ...): n}. FK dimensions give ids; ``month`` a date."""
    unknown = [g for g in group_by if g not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}")
    columns = [DIMENSIONS[g] for g in group_by]
    qs = _scoped_facts(
        user, period=period, area=area, org_unit=org_unit, filters=filters, cases_only=cases_only, perm=perm
    )
    if not columns:
        return {(): qs.count()}
    # COUNT(*) rather than COUNT(id): the covering indexes then answer without the table.
    rows = qs.values(*columns).annotate(n=Count("*")).order_by()
    return {tuple(r[c] for c in columns): r["n"] for r in rows}


def service_counts(
    user: Any,
    *,
    period: Period,
    group_by: Sequence[str],
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    perm: str = P.REPORT_VIEW_AGGREGATE,
) -> dict[tuple, int]:
    """Services recorded against cases and given in ``period`` (each counted for the office that
    held the case that day), grouped by ``group_by`` (SERVICE_DIMENSIONS): {(value, ...): n}."""
    unknown = [g for g in group_by if g not in SERVICE_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}")
    columns = [SERVICE_DIMENSIONS[g] for g in group_by]
    qs = service_facts_visible_to(user, perm).filter(given_on__gte=period.start, given_on__lte=period.end)
    if area is not None:
        qs = qs.filter(_area_q_units(area))
    if org_unit is not None:
        qs = qs.filter(office=org_unit)
    if not columns:
        return {(): qs.count()}
    rows = qs.values(*columns).annotate(n=Count("*")).order_by()
    return {tuple(r[c] for c in columns): r["n"] for r in rows}


def transfer_counts(
    user: Any,
    *,
    period: Period,
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    perm: str = P.REPORT_VIEW_AGGREGATE,
) -> tuple[int, int]:
    """(transfers in, transfers out) accepted in ``period`` for the area or office: a transfer
    between two offices of the area counts once in and once out. One query."""
    qs = transfer_facts_visible_to(user, perm).filter(on__gte=period.start, on__lte=period.end)
    if area is not None:
        qs = qs.filter(_area_q_units(area))
    if org_unit is not None:
        qs = qs.filter(office=org_unit)
    sums = qs.aggregate(
        t_in=Count("pk", filter=Q(direction=TransferFact.Direction.IN)),
        t_out=Count("pk", filter=Q(direction=TransferFact.Direction.OUT)),
    )
    return sums["t_in"], sums["t_out"]


# --- the caseload table -------------------------------------------------------------------------------


def _row_labels(dimension: str, keys: set[Any]) -> list[Row]:
    """Rows for a dimension: every item of the full code lists (like the Excel return), else the
    keys present; labels resolved in one query."""
    present = set(keys)
    if dimension == SERVICES:  # a service is a DCS intervention code: the full list, like the return
        dimension = "intervention"
    if dimension in CODE_DIMENSIONS:
        q = Q(pk__in=[k for k in present if k is not None])
        if dimension in FULL_LISTS:
            q |= Q(code_list__name=FULL_LISTS[dimension], is_active=True)
        codes = list(
            Code.objects.filter(q).only("id", "label", "label_sw", "order", "code_list_id").order_by("order", "label")
        )
        rows = [Row(c.pk, c.display_label) for c in codes]
    elif dimension in AREA_DIMENSIONS:
        areas = Area.objects.filter(pk__in=[k for k in present if k is not None]).only("id", "name").order_by("name")
        rows = [Row(a.pk, a.name) for a in areas]
    elif dimension == "office":
        units = OrgUnit.objects.filter(pk__in=present).only("id", "name").order_by("name")
        rows = [Row(u.pk, u.name) for u in units]
    elif dimension == "status":
        from cpims.cases.models import Case

        rows = [Row(value, str(label)) for value, label in Case.Status.choices]
    elif dimension == "month":
        rows = [Row(k, Period.month(k.year, k.month).label) for k in sorted(k for k in present if k is not None)]
    elif dimension == "sex":
        rows = [Row(s, str(SEX_LABELS[s])) for s in SEXES if s in ALWAYS_SEXES or s in present]
    elif dimension in ("dcs_band", "knbs_band"):
        scheme = ages.DCS if dimension == "dcs_band" else ages.KNBS
        rows = [Row(b, ages.band_label(b)) for b in ages.band_keys(scheme)]
    else:
        rows = [Row(k, str(k)) for k in sorted(present, key=str)]
    if None in present:
        rows.append(Row(None, str(NONE_LABELS.get(dimension, _("Not recorded")))))
    return rows


def caseload_table(
    user: User,
    *,
    period: Period,
    rows: str = "category",
    bands: str = ages.DCS,
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    perm: str = P.REPORT_VIEW_AGGREGATE,
    cases_only: bool | None = None,
    filters: Mapping[str, Any] | None = None,
) -> CaseloadTable:
    """``rows`` × (sex × age band) for ``period``, like the DCS Excel caseload return, with row,
    column and grand totals. Counts categories, except for case-level dimensions (status, risk,
    reporter, month, areas), which count cases (``cases_only`` overrides). Suppressed for viewers
    without report.view over the figures."""
    if rows == SERVICES:
        return services_table(user, period=period, bands=bands, area=area, org_unit=org_unit, perm=perm)
    if rows not in DIMENSIONS or rows in ("sex", "dcs_band", "knbs_band"):
        raise ValueError(f"cannot make rows of {rows!r}")
    if bands not in ages.SCHEMES:
        raise ValueError(f"unknown age bands {bands!r}")
    band_dim = "dcs_band" if bands == ages.DCS else "knbs_band"
    # The national page reads the national roll-up when it can say the same: default counting,
    # whole months, no filter, and a reader who may count the whole country.
    national = area is None and org_unit is None and not filters and cases_only is None
    if cases_only is None:
        cases_only = rows in CASE_DIMENSIONS
    if national and rows in NATIONAL_ROWS and period.whole_months and national_reader(user, perm):
        counts = _national_counts(period=period, dimension=rows, band_dim=band_dim)
    else:
        counts = fact_counts(
            user,
            period=period,
            group_by=[rows, "sex", band_dim],
            area=area,
            org_unit=org_unit,
            filters=filters,
            cases_only=cases_only,
            perm=perm,
        )
    table = _build_table(counts, period=period, dimension=rows, bands=bands, cases_only=cases_only)
    table.area, table.org_unit = area, org_unit
    if not identified_allowed(user, perm):
        table = suppress(table)
    return table


# Rows the national caseload cells answer (``rollups.CASELOAD_DIMENSIONS``, and cases by month;
# services given have cells of their own, ``rollups.SERVICE``).
NATIONAL_ROWS = frozenset({*rollups.CASELOAD_DIMENSIONS, "month"})


def _national_counts(*, period: Period, dimension: str, band_dim: str) -> dict[tuple, int]:
    """The national caseload table's cells from the monthly roll-up, as ``fact_counts`` would
    count them: {(row value, sex, band): n}. Cases by month are the status cells summed by month."""
    _catch_up()
    source, key = ("status", "month") if dimension == "month" else (dimension, "value")
    rows = (
        CaseloadMonth.objects.filter(dimension=source, month__gte=period.start, month__lte=period.end)
        .values(key, "sex", band_dim)
        .annotate(n=Sum("n"))
        .order_by()
    )
    code = dimension in CODE_DIMENSIONS or dimension == SERVICES
    counts: dict[tuple, int] = {}
    for r in rows:
        value = r[key]
        if key == "value":  # stored as text: a code's id, a status, "" for not recorded
            value = None if value == "" else int(value) if code else value
        counts[(value, r["sex"], r[band_dim])] = r["n"]
    return counts


def services_table(
    user: Any,
    *,
    period: Period,
    bands: str = ages.DCS,
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    perm: str = P.REPORT_VIEW_AGGREGATE,
) -> CaseloadTable:
    """Services recorded against cases (ServiceRecord, a DCS intervention code) given in the
    period × sex × age band on the day: the table beside the closure interventions, which count
    each category's one intervention at closure. Suppressed like the caseload tables."""
    if bands not in ages.SCHEMES:
        raise ValueError(f"unknown age bands {bands!r}")
    band_dim = "dcs_band" if bands == ages.DCS else "knbs_band"
    if area is None and org_unit is None and period.whole_months and national_reader(user, perm):
        counts = _national_counts(period=period, dimension=SERVICES, band_dim=band_dim)
    else:
        counts = service_counts(
            user, period=period, group_by=["service", "sex", band_dim], area=area, org_unit=org_unit, perm=perm
        )
    table = _build_table(counts, period=period, dimension=SERVICES, bands=bands, cases_only=False)
    table.area, table.org_unit = area, org_unit
    if not identified_allowed(user, perm):
        table = suppress(table)
    return table


def caseload_tables(
    user: User,
    *,
    period: Period,
    rows: Sequence[str],
    bands: str = ages.DCS,
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    perm: str = P.REPORT_VIEW_AGGREGATE,
) -> list[CaseloadTable]:
    """Several caseload tables (``caseload_table`` for each of ``rows``), validated together."""
    if bands not in ages.SCHEMES:
        raise ValueError(f"unknown age bands {bands!r}")
    for dim in rows:
        if dim != SERVICES and (dim not in DIMENSIONS or dim in ("sex", "dcs_band", "knbs_band")):
            raise ValueError(f"cannot make rows of {dim!r}")
    # One query per table: measured on PostgreSQL at a million cases, two narrow GROUP BYs
    # (answered from the covering index) beat one combined GROUP BY with thousands of groups.
    return [
        caseload_table(user, period=period, rows=dim, bands=bands, area=area, org_unit=org_unit, perm=perm)
        for dim in rows
    ]


def _build_table(
    counts: dict[tuple, int], *, period: Period, dimension: str, bands: str, cases_only: bool
) -> CaseloadTable:
    sexes_present = {sex for (_r, sex, _b), n in counts.items() if n}
    sexes = [s for s in SEXES if s in ALWAYS_SEXES or s in sexes_present]
    columns = [
        Col(
            sex=s,
            band=b,
            label=f"{SEX_LABELS[s]} {ages.band_label(b)}",
            sex_label=str(SEX_LABELS[s]),
            band_label=ages.band_label(b),
        )
        for s in sexes
        for b in ages.band_keys(bands)
    ]
    row_list = _row_labels(dimension, {r for (r, _s, _b) in counts})
    row_totals: dict[Any, int | None] = {}
    col_totals: dict[tuple[str, str], int | None] = {}
    for (r, s, b), n in counts.items():
        row_totals[r] = (row_totals.get(r) or 0) + n
        col_totals[(s, b)] = (col_totals.get((s, b)) or 0) + n
    return CaseloadTable(
        period=period,
        rows=row_list,
        columns=columns,
        counts=dict(counts),
        row_totals={row.key: row_totals.get(row.key, 0) for row in row_list},
        col_totals={col.key: col_totals.get(col.key, 0) for col in columns},
        grand_total=sum(counts.values()),
        dimension=dimension,
        bands=bands,
        cases_only=cases_only,
        title=str(DIMENSION_LABELS[dimension]),
    )


# --- drill-down ----------------------------------------------------------------------------------------


def drilldown_cases(
    user: User,
    *,
    period: Period,
    area: Area | None = None,
    org_unit: OrgUnit | None = None,
    filters: Mapping[str, Any] | None = None,
) -> QuerySet[Any]:
    """The cases behind a figure, through cases.queries.cases_visible_to. Needs report.view and
    case.view (403 otherwise); only figures the user may see identified (report.view scope)."""
    from cpims.cases.queries import cases_visible_to

    if not can_drill_down(user):
        raise PermissionDenied
    if area is not None and not area_allowed(user, area, P.REPORT_VIEW):
        raise Http404
    behind = _scoped_facts(
        user, period=period, area=area, org_unit=org_unit, filters=filters, cases_only=False, perm=P.REPORT_VIEW
    ).values("case_id")
    return cases_visible_to(user).filter(pk__in=behind)


def parse_filter_value(dimension: str, raw: str) -> Any:
    """A drill-down filter value from a URL ("none" for not recorded); ValidationError if bad."""
    if dimension not in DIMENSIONS:
        raise ValidationError(_("Unknown breakdown “%(name)s”.") % {"name": dimension}, code="dimension")
    if raw in ("none", ""):
        return None
    if dimension in CODE_DIMENSIONS or dimension in AREA_DIMENSIONS or dimension == "office":
        number = as_int(raw)
        if number is None:
            raise ValidationError(_("“%(value)s” is not a valid figure.") % {"value": raw}, code="value")
        return number
    if dimension == "month":
        try:
            return dt.date.fromisoformat(f"{raw}-01" if len(raw) == 7 else raw).replace(day=1)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a month.") % {"value": raw}, code="value") from None
    allowed: set[str]
    if dimension == "sex":
        allowed = set(SEXES)
    elif dimension == "dcs_band":
        allowed = set(ages.band_keys(ages.DCS))
    elif dimension == "knbs_band":
        allowed = set(ages.band_keys(ages.KNBS))
    else:
        from cpims.cases.models import Case

        allowed = set(Case.Status.values)
    if raw not in allowed:
        raise ValidationError(_("“%(value)s” is not a valid figure.") % {"value": raw}, code="value")
    return raw


def format_filter_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    return str(value)


def describe_filters(filters: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(dimension label, value label) for each drill-down filter, for the page heading."""
    out: list[tuple[str, str]] = []
    for name, value in filters.items():
        rows = (
            {row.key: row.label for row in _row_labels(name, {value})}
            if name not in ("sex", "dcs_band", "knbs_band")
            else {}
        )
        if name == "sex":
            label = str(SEX_LABELS.get(value, value))
        elif name in ("dcs_band", "knbs_band"):
            label = ages.band_label(value) if value else _("Not recorded")
        else:
            label = rows.get(value, str(value))
        out.append((str(DIMENSION_LABELS[name]), label))
    return out
