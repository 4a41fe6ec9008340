"""Every figure on a county dashboard and in the AAC pack equals an independent count of the
records (cases, transfers, services, referrals, follow-ups, placements) seeded here in two
counties, counted in Python from the records themselves, never through the facts or the queries.

The rules counted (docs/reporting.md): a case counts where it was reported, whatever transfers came
later; a referral or a service counts for the office that held the case that day; an accepted
transfer is a transfer out of its sender and in to its receiver on the (Nairobi) day accepted;
institutional and family-based care are counted apart.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from cpims.care.models import INSTITUTION_CARE_TYPES, Placement
from cpims.cases.models import Case, CaseCategory, FollowUp, ServiceRecord
from cpims.core import ages
from cpims.core.models import Code
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.referrals.models import Referral, Transfer
from cpims.reporting import facts
from cpims.reporting.dashboards import packs
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.queries import caseload_table, transfer_counts
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db

QUARTER = Period.parse("2025/26-Q1")  # July–September 2025
NAIROBI, TURKANA = "047", "023"


def _on(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


# --- the records ----------------------------------------------------------------------------------


def transfer(cast: Any, opened: Any, on: dt.date) -> Any:
    """Transfer ``opened`` from Westlands to Turkana Central, accepted on ``on``."""
    from cpims.referrals import actions as referral_actions

    moved = referral_actions.transfer_request(
        actor=cast.nairobi_officer, case=opened, to_office=cast.turkana_central_office, reason="Family moved"
    )
    referral_actions.transfer_accept(actor=cast.turkana_officer, transfer=moved)
    Transfer.objects.filter(pk=moved.pk).update(answered_at=_noon(on))
    return moved


def close_on(cast: Any, opened: Any, on: dt.date) -> None:
    from cpims.cases.tests.conftest import advance

    advance(opened, cast, "closed")
    Case.objects.filter(pk=opened.pk).update(closed_on=on)


def serve(actor: Any, opened: Any, provider: Any, service: str, on: dt.date) -> None:
    from cpims.cases.actions import service_record
    from cpims.cases.tests.conftest import code

    opened.refresh_from_db()
    service_record(
        actor=actor,
        child=opened.child,
        case=opened,
        service=code("intervention_id", service),
        given_on=on,
        provider=provider,
    )


@pytest.fixture
def seeded(cast: Any) -> dict[str, Any]:
    from cpims.care.tests.conftest import admit, turkana_cci, westlands_cci
    from cpims.cases import actions
    from cpims.cases.tests.conftest import code
    from cpims.referrals import actions as referral_actions
    from cpims.referrals.tests.conftest import refer

    officer, turkana_officer = cast.nairobi_officer, cast.turkana_officer
    westlands, lodwar = cast.westlands_office, cast.turkana_central_office
    aug = dt.date(2025, 8, 12)
    w = [
        case(officer, westlands, reported_on=aug, categories=("CSIC",)),
        case(officer, westlands, reported_on=aug, categories=("CSRC", "CSIC"), sex="male"),
        case(officer, westlands, reported_on=dt.date(2025, 9, 2), categories=("CLAB",)),
        case(officer, westlands, reported_on=dt.date(2025, 7, 21), categories=("CSIC",), born=dt.date(2010, 1, 5)),
    ]
    t = [
        case(turkana_officer, lodwar, reported_on=aug, categories=("CSIC",)),
        case(turkana_officer, lodwar, reported_on=dt.date(2025, 9, 20), categories=("CSNG",), sex="male"),
    ]
    # Reported in Westlands before the quarter, moved to Turkana in it; and one moved inside it.
    may = case(officer, westlands, reported_on=dt.date(2025, 5, 20), categories=("CSIC",))
    july = case(officer, westlands, reported_on=dt.date(2025, 7, 5), categories=("CLAB",))
    transfer(cast, may, dt.date(2025, 7, 10))
    transfer(cast, july, dt.date(2025, 8, 15))
    close_on(cast, w[0], dt.date(2025, 8, 20))
    close_on(cast, w[1], dt.date(2025, 9, 10))
    # (The cast's helper walks Nairobi cases only: Turkana's is closed on the record directly.)
    Case.objects.filter(pk=t[0].pk).update(status="closed", closed_on=dt.date(2025, 9, 1))

    # Services: on Westlands cases, and on the moved cases after the move (given by Turkana).
    serve(officer, w[2], westlands, "IFST", dt.date(2025, 9, 5))
    serve(officer, w[3], westlands, "IFST", dt.date(2025, 8, 1))
    serve(officer, w[3], westlands, "CMTN", dt.date(2025, 8, 2))
    serve(turkana_officer, may, lodwar, "IFST", dt.date(2025, 8, 3))
    serve(turkana_officer, july, lodwar, "GRDN", dt.date(2025, 9, 9))

    # Referrals sent in the quarter (one completed), and one sent by Westlands before the move.
    first = refer(cast, w[2])
    referral_actions.referral_accept(actor=cast.partner, referral=first)
    referral_actions.referral_complete(actor=cast.partner, referral=first, notes="Counselled")
    Referral.objects.filter(pk=first.pk).update(sent_on=dt.date(2025, 9, 6), completed_at=_noon(dt.date(2025, 9, 8)))
    second = refer(cast, w[3])
    Referral.objects.filter(pk=second.pk).update(sent_on=dt.date(2025, 8, 5))

    # Follow-ups: one overdue on an open case, one not yet due.
    today = timezone.localdate()
    actions.followup_add(actor=officer, case=w[2], due_on=today - dt.timedelta(days=3), purpose="Home visit")
    actions.followup_add(actor=officer, case=w[3], due_on=today + dt.timedelta(days=3), purpose="School visit")

    # Care: institutional and foster in Nairobi, institutional in Turkana, open at the quarter's end.
    from cpims.reporting.tests.dashboards.conftest import child

    home, lodwar_home = westlands_cci(cast), turkana_cci(cast)
    admitted = dt.date(2025, 8, 1)
    admit(officer, child(officer, westlands, n=51), home, admitted_on=admitted)
    admit(
        officer,
        child(officer, westlands, n=52),
        care_type=code("alternative_family_care_type_id", "AFFC"),
        caregiver_name="A foster family",
        admitted_on=admitted,
    )
    admit(turkana_officer, child(turkana_officer, lodwar, n=53), lodwar_home, admitted_on=admitted)

    # The queryset updates above bypassed the signals: fold them in as the sweep would.
    facts.refresh_cases(Case.objects.values_list("pk", flat=True))
    return {"may": may, "july": july}


# --- independent counts ------------------------------------------------------------------------------


def history(c: Case) -> list[tuple[dt.date, Any]]:
    """(from day, office) the case was held by, from its accepted transfers."""
    moves = list(Transfer.objects.filter(case=c, status="accepted").order_by("answered_at", "id"))
    if not moves:
        return [(dt.date.min, c.office)]
    return [(dt.date.min, moves[0].from_office)] + [(_on(m.answered_at), m.to_office) for m in moves]


def office_on(c: Case, day: dt.date) -> Any:
    held = [office for since, office in history(c) if since <= day]
    return held[-1]


def reported_county(c: Case) -> int:
    return history(c)[0][1].county_id


def cases_reported(county: str, period: Period) -> list[Case]:
    return [
        c
        for c in Case.objects.all()
        if period.start <= c.reported_on <= period.end
        and Area.objects.get(pk=reported_county(c)).code == county
        and c.categories.exists()
    ]


def independent(county: str, period: Period) -> dict[str, Any]:
    area = Area.objects.get(level="county", code=county)
    cases = cases_reported(county, period)
    closed_in = [
        c
        for c in Case.objects.filter(closed_on__isnull=False)
        if period.start <= c.closed_on <= period.end and reported_county(c) == area.pk
    ]
    today = timezone.localdate()
    overdue = FollowUp.objects.filter(
        done_on__isnull=True, ended_on__isnull=True, due_on__lt=today, case__county=area
    ).exclude(case__status="closed")
    referrals = list(Referral.objects.select_related("case"))
    sent = [r for r in referrals if period.contains(r.sent_on) and office_on(r.case, r.sent_on).county_id == area.pk]
    completed = [
        r
        for r in referrals
        if r.status == "completed"
        and r.completed_at
        and period.contains(_on(r.completed_at))
        and office_on(r.case, r.sent_on).county_id == area.pk
    ]
    moves = [m for m in Transfer.objects.filter(status="accepted") if period.contains(_on(m.answered_at))]
    on = min(today, period.end)
    open_placements = [
        p
        for p in Placement.objects.select_related("care_type")
        if p.admitted_on <= on and (p.ended_on is None or p.ended_on > on) and p.county_id == area.pk
    ]
    services: Counter = Counter()
    for s in ServiceRecord.objects.filter(case__isnull=False).select_related("case", "child"):
        if period.contains(s.given_on) and office_on(s.case, s.given_on).county_id == area.pk:
            age = ages.age_on(s.child.date_of_birth, s.given_on)
            services[(s.service_id, s.child.sex, ages.band_of(ages.DCS, age))] += 1
    categories = Counter(cat.category_id for cat in CaseCategory.objects.filter(case__in=[c.pk for c in cases]))
    interventions = Counter(cat.intervention_id for cat in CaseCategory.objects.filter(case__in=[c.pk for c in cases]))
    by_sub_county = Counter(history(c)[0][1].sub_county_id for c in cases)
    return {
        "cases": len(cases),
        "closed": sum(1 for c in cases if c.status == "closed"),
        "open": sum(1 for c in cases if c.status != "closed"),
        "median": statistics.median([(c.closed_on - c.reported_on).days for c in closed_in]) if closed_in else None,
        "overdue": overdue.count(),
        "sent": len(sent),
        "completed": len(completed),
        "in": sum(1 for m in moves if m.to_office.county_id == area.pk),
        "out": sum(1 for m in moves if m.from_office.county_id == area.pk),
        "institutional": sum(1 for p in open_placements if p.care_type.code in INSTITUTION_CARE_TYPES),
        "family": sum(1 for p in open_placements if p.care_type.code not in INSTITUTION_CARE_TYPES),
        "services": +services,
        "categories": +categories,
        "interventions": +interventions,
        "by_sub_county": +by_sub_county,
    }


def county(code: str) -> Q.Target:
    return Q.Target(Q.COUNTY, Area.objects.get(level="county", code=code))


# --- the tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [NAIROBI, TURKANA])
def test_every_county_dashboard_figure_equals_an_independent_count(cast: Any, seeded: Any, code: str) -> None:
    want = independent(code, QUARTER)
    board = Q.dashboard(cast.national_me, county(code), QUARTER)
    assert not board.suppressed
    assert board.cases.value == want["cases"]
    assert (board.open_cases.value, board.closed_cases.value) == (want["open"], want["closed"])
    assert board.median_days.value == want["median"]
    assert board.median_days.available == (want["median"] is not None)
    assert board.overdue_followups.value == want["overdue"]
    assert (board.referrals_sent.value, board.referrals_completed.value) == (want["sent"], want["completed"])
    assert (board.transfers_in.value, board.transfers_out.value) == (want["in"], want["out"])
    assert board.children_in_care.value == want["institutional"]
    assert board.children_in_family_care.value == want["family"]
    labels = dict(Code.objects.filter(pk__in=list(want["categories"])).values_list("pk", "label"))
    assert {label: n for label, n, _cid in board.top_categories} == {
        labels[cid]: n for cid, n in want["categories"].items()
    }
    assert {a.pk: v for a, v in board.by_area if v} == dict(want["by_sub_county"])
    for month, value in board.trend:
        if QUARTER.contains(month.start):
            assert value == independent(code, month)["cases"], month.label
    previous = independent(code, QUARTER.previous())["cases"]
    assert board.cases_previous.value == previous
    # The seed is not trivial: both counties have cases, closures, services and transfers.
    assert want["cases"] and want["closed"] and want["services"] and (want["in"] or want["out"])


def test_the_aac_pack_equals_an_independent_count(cast: Any, seeded: Any) -> None:
    want = independent(NAIROBI, QUARTER)
    # What the seed means, spelled out: four Westlands cases and the July one moved later; both
    # moves out of Westlands; three services given while Westlands held the case; one foster child.
    assert (want["cases"], want["closed"], want["out"], want["in"]) == (5, 2, 2, 0)
    assert (sum(want["services"].values()), want["institutional"], want["family"]) == (3, 1, 1)
    pack = packs.pack_data(cast.nairobi_coordinator, packs.AAC_QUARTERLY, county(NAIROBI), QUARTER)
    assert not pack.suppressed
    headline = {row[0]: row[1] for row in pack.headline.rows}
    assert headline["Cases reported"] == want["cases"]
    assert headline["Of which still open"] == want["open"]
    assert headline["Of which closed"] == want["closed"]
    assert headline["Median days to closure"] == want["median"]
    assert headline["Overdue follow-ups (today)"] == want["overdue"]
    assert headline["Referrals sent"] == want["sent"]
    assert headline["Referrals completed"] == want["completed"]
    assert headline["Cases transferred in"] == want["in"]
    assert headline["Cases transferred out"] == want["out"]
    assert headline["Children in institutional care"] == want["institutional"]
    assert headline["Children in family-based care"] == want["family"]

    by_title = {t.title: t for t in pack.tables}
    categories = by_title["Case categories by sex and age band"]
    assert categories.rows[-1][-1] == sum(want["categories"].values())
    interventions = by_title["Interventions by sex and age band (closed cases)"]
    assert interventions.rows[-1][-1] == sum(want["interventions"].values())
    services = by_title["Services given by sex and age band"]
    assert services.rows[-1][-1] == sum(want["services"].values())
    # Cell by cell: the services table against the records.
    table = caseload_table(cast.nairobi_coordinator, period=QUARTER, rows="service", area=county(NAIROBI).area)
    assert {(k[0], k[1], k[2]): n for k, n in table.counts.items() if n} == dict(want["services"])


def test_a_transfer_keeps_last_periods_figures_with_the_office_that_held_the_case(cast: Any, seeded: Any) -> None:
    may_case = seeded["may"]
    may, july = Period.parse("2025-05"), Period.parse("2025-07")
    westlands = cast.westlands_office.sub_county
    nairobi, turkana = county(NAIROBI), county(TURKANA)
    may_case.refresh_from_db()
    assert may_case.office == cast.turkana_central_office  # the case has moved

    # May: reported in Westlands, in the caseload table and on the dashboard.
    table = caseload_table(cast.national_me, period=may, rows="sub_county")
    assert table.row_totals == {westlands.pk: 1}
    assert Q.dashboard(cast.national_me, nairobi, may).cases.value == 1
    assert Q.dashboard(cast.national_me, turkana, may).cases.value == 0
    assert Q.dashboard(cast.nairobi_coordinator, Q.Target(Q.SUB_COUNTY, westlands), may).cases.value == 1

    # July: a transfer out of Westlands and in to Turkana (and the July case reported in Westlands).
    assert transfer_counts(cast.national_me, period=july, area=westlands) == (0, 1)
    assert transfer_counts(cast.national_me, period=july, area=turkana.area) == (1, 0)
    moved = [m for m in Transfer.objects.filter(status="accepted") if july.contains(_on(m.answered_at))]
    assert len(moved) == 1 and moved[0].case_id == may_case.pk
    board = Q.dashboard(cast.national_me, turkana, july)
    assert (board.transfers_in.value, board.transfers_out.value) == (1, 0)
    # Turkana's coordinator sees the transfer in, not Westlands' May case.
    assert Q.dashboard(cast.turkana_coordinator, turkana, may).cases.value == 0
    assert transfer_counts(cast.turkana_coordinator, period=july) == (1, 0)


def test_services_feed_their_own_table_beside_closure_interventions(cast: Any, seeded: Any) -> None:
    from cpims.cases.tests.conftest import code

    table = caseload_table(cast.national_me, period=QUARTER, rows="service")
    want: Counter = Counter()
    for s in ServiceRecord.objects.filter(case__isnull=False, given_on__range=(QUARTER.start, QUARTER.end)):
        want[s.service_id] += 1
    assert {k: v for k, v in table.row_totals.items() if v} == dict(want)
    assert table.row_totals[code("intervention_id", "IFST").pk] == 3
    # Every DCS intervention is a row, as in the return.
    assert len(table.rows) >= Code.objects.filter(code_list__name="intervention_id", is_active=True).count()


def test_the_median_is_not_suppressed_for_a_stakeholder(cast: Any, seeded: Any) -> None:
    board = Q.dashboard(cast.stakeholder, county(NAIROBI), QUARTER)
    assert board.suppressed
    closed = [c for c in Case.objects.filter(closed_on__isnull=False) if QUARTER.contains(c.closed_on)]
    assert 0 < len([c for c in closed if reported_county(c) == county(NAIROBI).area.pk]) < Q.SMALL
    assert board.median_days.text == "—" and board.median_days.text != "<5"
    assert "not enough cases" in board.median_days.hint
