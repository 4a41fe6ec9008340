"""Generate synthetic cases at national proportions on top of the synthetic registry: cases with
their categories (DCS list, realistic skew), perpetrators, timeline events (10–20 per closed case),
assessments, case plans with goals, follow-ups with due dates, services from offices and partners
(and some without a case), referrals to partners, court sessions, orders and summons, closures.

    python -m bench.cases --cases 1000000

Cases are numbered newest first at about 200,000 a year (``RATE``) back from ``END``: case ``i``
is reported ``i / RATE`` years before ``END``, so a larger ``--cases`` reaches further back and a
top-up adds only older cases. Each case is drawn from its own seeded random generator and progress
is committed with every batch: re-running adds only what is missing, the same data every time.
Older cases are mostly closed; recent ones are spread over the workflow, with open follow-ups,
plans awaiting approval and referrals awaiting an answer so the task lists are not empty.

Rows are written with COPY (``bench.sink``), bypassing the actions and their audit events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import random
import time
import uuid
from array import array
from dataclasses import dataclass
from typing import Any

from bench import names as N
from bench.generate import analyse_statement
from bench.setup import django_setup
from bench.sink import BATCH_TIME, Table

SEED = 20240701
PROGRESS = "bench_cases"
END = dt.date(2026, 11, 15)  # the newest case is reported this day
RATE = 200_000  # cases a year, nationally
WESTLANDS = "DCS-SC274"
NAIROBI = "DCS-C047"
EAT = dt.timezone(dt.timedelta(hours=3))

# DCS case categories with a plausible national skew (share of category rows, in per cent).
CATEGORY_WEIGHTS = {
    "CSIC": 22,
    "CCCP": 14,
    "CCDF": 7,
    "CDIS": 6,
    "CSNG": 6,
    "CSAD": 5,
    "CIDC": 5,
    "CHCP": 4,
    "CCCM": 3,
    "CTRF": 3,
    "CCEA": 3,
    "CSHV": 3,
    "CSCT": 2,
    "CSAB": 2,
    "CCIP": 2,
    "CSDS": 2,
    "CSDP": 1,
    "COSR": 1,
    "CSRC": 1.5,
    "CSCS": 1,
    "CCDT": 1,
    "CSCL": 1,
}
OTHER_CATEGORY_WEIGHT = 0.3
ABUSE = {"CCDF", "CSNG", "CCEA", "CSRC", "CSRG", "CSSO", "CSDF", "CCCM", "CSCS", "CTRF", "CSTC", "CSUC"}
COURT_PRONE = {"CCDF", "CSAB", "CCCP", "CSRC", "CSDF", "CSSO", "CSTC", "CSDP", "CSCT"}
REPORTER_WEIGHTS = {"CRPR": 30, "CRCO": 12, "CRPO": 12, "CRHL": 8, "CRCH": 6, "CRFA": 6, "CRSF": 6, "CRHE": 5}
PARTNER_KINDS = [
    ("ngo", "Child Welfare NGO"),
    ("ngo", "Children's Rights NGO"),
    ("health", "County Referral Hospital"),
    ("police", "Police Station"),
    ("court", "Children's Court"),
]


def _weighted(codes: dict[str, int], weights: dict[str, float], default: float) -> tuple[list[int], list[float]]:
    ids = list(codes.values())
    return ids, [weights.get(code, default) for code in codes]


@dataclass
class Office:
    id: int
    code: str
    county_id: int
    sub_county_id: int
    officer_id: int
    supervisor_id: int


class Context:
    """Everything the generator reads once: children, offices, users, codes, partner units."""

    def __init__(self, pool: int = 0, *, end: dt.date = END, rate: int = RATE) -> None:
        from cpims.core.models import Code
        from cpims.geo.models import OrgUnit
        from cpims.registry.models import Person

        started = time.monotonic()
        self.end, self.rate = end, rate
        self.codes: dict[str, dict[str, int]] = {}
        list_codes: dict[int, list[int]] = {}
        sub_list_of: dict[int, int] = {}
        rows = Code.objects.filter(is_active=True).values_list(
            "pk", "code", "code_list__name", "code_list_id", "sub_list_id"
        )
        for pk, code, list_name, list_id, sub_list_id in rows.order_by("code_list__name", "order", "code", "pk"):
            self.codes.setdefault(list_name, {}).setdefault(code, pk)
            list_codes.setdefault(list_id, []).append(pk)
            if sub_list_id:
                sub_list_of[pk] = sub_list_id
        self.sub_categories = {pk: list_codes.get(sub, []) for pk, sub in sub_list_of.items()}
        self.category_code = {pk: code for code, pk in self.codes["case_category_id"].items()}
        self.categories, self.category_weights = _weighted(
            self.codes["case_category_id"], CATEGORY_WEIGHTS, OTHER_CATEGORY_WEIGHT
        )
        self.reporters, self.reporter_weights = _weighted(self.codes["case_reporter_id"], REPORTER_WEIGHTS, 1)

        offices = OrgUnit.objects.filter(kind="sub_county_office", is_active=True, sub_county__isnull=False)
        county_offices = dict(
            OrgUnit.objects.filter(kind="county_office").values_list("county_id", "code").order_by("code")
        )
        self.offices: dict[int, Office] = {}
        from bench.run import bench_users
        from cpims.accounts import roles as R

        office_list = list(offices.order_by("code"))
        officer_of = {
            o.pk: ("bench.officer" if o.code == WESTLANDS else f"bench.so.{o.code.lower()}") for o in office_list
        }
        supervisor_of = {
            county: "bench.county" if code == NAIROBI else f"bench.cc.{code.lower()}"
            for county, code in county_offices.items()
        }
        ids = bench_users(
            [(officer_of[o.pk], R.SUBCOUNTY_OFFICER, o.code) for o in office_list]
            + [(supervisor_of[c], R.COUNTY_COORDINATOR, code) for c, code in county_offices.items()]
        )
        for office in office_list:
            officer = ids[officer_of[office.pk]]
            sup = supervisor_of.get(office.county_id)
            self.offices[office.pk] = Office(
                office.pk,
                office.code,
                office.county_id,
                office.sub_county_id,
                officer,
                ids[sup] if sup else officer,
            )
        self.partners = partner_units()

        # Children, in primary-key order (stable: new registrations only append).
        self.child_id = array("q")
        self.child_born = array("l")  # proleptic ordinal, 0 = unknown
        self.child_ward = array("q")
        self.child_office = array("q")
        rows = (
            Person.objects.filter(kind="child", registered_by_unit__kind="sub_county_office")
            .order_by("pk")
            .values_list("pk", "date_of_birth", "ward_id", "registered_by_unit_id")
        )
        if pool:  # only the first ``pool`` children of the registry (deterministic) get cases
            rows = rows[:pool]
        for pk, born, ward, office_id in rows.iterator(chunk_size=20000):
            if office_id not in self.offices:
                continue
            self.child_id.append(pk)
            self.child_born.append(born.toordinal() if born else 0)
            self.child_ward.append(ward or 0)
            self.child_office.append(office_id)
        if not self.child_id:
            raise SystemExit("bench: no children to open cases for; generate the registry first (--children).")
        print(f"  context: {len(self.child_id):,} children read in {time.monotonic() - started:.0f} s", flush=True)


def bench_user(username: str, role: str, unit_code: str) -> Any:
    from bench.run import bench_user as make

    return make(username, role, unit_code)


def partner_units() -> dict[int, list[tuple[int, str]]]:
    """Partner org units the cases are referred to and that give services: per county two NGOs, a
    hospital, a police station and a children's court (created once, named ``BENCH-…``)."""
    from cpims.geo.models import Area, OrgUnit

    existing = set(OrgUnit.objects.filter(code__startswith="BENCH-").values_list("code", flat=True))
    first_sub: dict[int, Area] = {}
    for sub in Area.objects.filter(level="sub_county", parent__isnull=False).order_by("-code"):
        first_sub[sub.parent_id or 0] = sub  # the lowest code wins
    new = []
    counties = list(Area.objects.filter(level="county").order_by("code"))
    for county in counties:
        for n, (kind, label) in enumerate(PARTNER_KINDS, 1):
            code = f"BENCH-{county.code}-{n}"
            if code not in existing:
                new.append(
                    OrgUnit(
                        code=code,
                        name=f"{county.name} {label}",
                        kind=kind,
                        area=county,
                        county=county,
                        sub_county=first_sub.get(county.pk),
                    )
                )
    OrgUnit.objects.bulk_create(new)  # generator units: no history rows
    ids = dict(OrgUnit.objects.filter(code__startswith="BENCH-").values_list("code", "pk"))
    out: dict[int, list[tuple[int, str]]] = {}
    for county in counties:
        for n, (kind, _label) in enumerate(PARTNER_KINDS, 1):
            out.setdefault(county.pk, []).append((ids[f"BENCH-{county.code}-{n}"], kind))
    return out


class Tables:
    def __init__(self) -> None:
        from cpims.cases import models as C
        from cpims.court import models as K
        from cpims.referrals import models as F

        base = ["id", "public_id", "created_at", "updated_at"]
        self.case = Table(
            C.Case,
            [
                *base,
                "case_number",
                "year",
                "serial",
                "child_id",
                "office_id",
                "numbered_by_id",
                "county_id",
                "sub_county_id",
                "status",
                "version",
                "created_by_id",
                "reported_on",
                "reporter_type_id",
                "reporter_name",
                "reporter_relationship",
                "event_county_id",
                "event_sub_county_id",
                "event_ward_id",
                "event_village",
                "risk_level_id",
                "police_ob_number",
                "family_status_id",
                "household_economics_id",
                "notes",
                "assessment_summary",
                "assessed_on",
                "assessed_by_id",
                "closure_outcome_id",
                "closed_on",
            ],
        )
        self.needs = Table(C.Case.immediate_needs.through, ["id", "case_id", "code_id"])
        self.category = Table(
            C.CaseCategory,
            [
                "id",
                "case_id",
                "category_id",
                "sub_category_id",
                "date_of_event",
                "nature_id",
                "place_of_event_id",
                "intervention_id",
            ],
        )
        self.perpetrator = Table(C.Perpetrator, ["id", "case_id", "name", "relationship_id", "sex", "age"])
        self.event = Table(C.CaseEvent, ["id", "case_id", "kind", "at", "actor_id", "summary", "details", "version"])
        self.plan = Table(
            C.CasePlan, [*base, "case_id", "status", "submitted_by_id", "submitted_at", "approved_by_id", "approved_at"]
        )
        self.goal = Table(C.CasePlanGoal, ["id", "plan_id", "domain_id", "goal", "responsible", "due_on"])
        self.followup = Table(
            C.FollowUp, [*base, "case_id", "due_on", "purpose", "assigned_to_id", "done_on", "outcome", "created_by_id"]
        )
        self.closure = Table(
            C.CaseClosure,
            [
                *base,
                "case_id",
                "outcome_id",
                "interventions",
                "proposed_by_id",
                "decision",
                "decided_by_id",
                "decided_at",
            ],
        )
        self.service = Table(
            C.ServiceRecord,
            [
                *base,
                "child_id",
                "case_id",
                "service_id",
                "given_on",
                "provider_id",
                "recorded_by_id",
                "county_id",
                "sub_county_id",
            ],
        )
        self.access = Table(
            C.CaseAccess,
            [
                "id",
                "public_id",
                "case_id",
                "org_unit_id",
                "reason",
                "granted_at",
                "granted_by_id",
                "revoked_at",
                "revoked_by_id",
            ],
        )
        self.referral = Table(
            F.Referral,
            [
                *base,
                "case_id",
                "from_office_id",
                "from_user_id",
                "to_unit_id",
                "destination_type_id",
                "destination_class_id",
                "service_requested_id",
                "reason",
                "urgency",
                "status",
                "consent_overridden",
                "override_reason",
                "sent_on",
                "answer_due_on",
                "answered_at",
                "answered_by_id",
                "completed_at",
                "completed_by_id",
                "access_id",
            ],
        )
        self.session = Table(
            K.CourtSession,
            [
                *base,
                "case_id",
                "court_id",
                "session_type_id",
                "held_on",
                "plea_id",
                "outcome_id",
                "next_date",
                "recorded_by_id",
            ],
        )
        self.order = Table(
            K.CourtOrder,
            [*base, "session_id", "order_type_id", "made_on", "period_months", "expires_on", "recorded_by_id"],
        )
        self.summons = Table(
            K.Summons,
            [
                *base,
                "case_id",
                "person_role",
                "person_name",
                "issued_on",
                "due_on",
                "status",
                "honoured_on",
                "issued_by_id",
            ],
        )

    def in_order(self) -> list[Table]:
        return [
            self.case,
            self.needs,
            self.category,
            self.perpetrator,
            self.event,
            self.plan,
            self.goal,
            self.followup,
            self.closure,
            self.service,
            self.access,
            self.referral,
            self.session,
            self.order,
            self.summons,
        ]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(8, 17), rng.randrange(60), tzinfo=EAT)


def _closed_share(age_days: int) -> float:
    if age_days < 14:
        return 0.05
    if age_days < 60:
        return 0.2
    if age_days < 180:
        return 0.45
    if age_days < 365:
        return 0.7
    if age_days < 730:
        return 0.88
    return 0.95


OPEN_STAGES = ["reported", "assessment", "plan", "services"]
STAGE_RANK = {"reported": 0, "assessment": 1, "plan": 2, "services": 3, "closed": 4}


class Builder:
    """Draws one case and everything hanging off it into the tables."""

    def __init__(self, ctx: Context, t: Tables, end: dt.date = END, rate: int = RATE) -> None:
        self.ctx, self.t = ctx, t
        self.end, self.rate = end, rate  # the newest case's day; cases a year
        c = ctx.codes
        self.c = c
        self.list = {
            name: list(c.get(name, {}).values())
            for name in (
                "case_nature_id",
                "event_place_id",
                "intervention_id",
                "closure_outcome_id",
                "perpetrator_id",
                "risk_level_id",
                "family_status_id",
                "household_economics",
                "immediate_need_id",
                "domain_id",
                "court_order_id",
                "referral_destination_classification",
                "referral_destination_id",
            )
        }
        self.session_type = c["courtsession_type_id"]
        self.court_outcome = c["court_outcome_id"]
        self.plea = list(c.get("plea_type_id", {}).values())

    def child_for(self, rng: random.Random, reported: dt.date) -> int:
        """A child aged 0–17 on the day reported (registry children are drawn uniformly, so cases
        follow the counties' populations)."""
        ctx = self.ctx
        day = reported.toordinal()
        n = len(ctx.child_id)
        k = rng.randrange(n)
        for _ in range(30):
            born = ctx.child_born[k]
            if born == 0 or (born < day and day - born < 18 * 365):
                return k
            k = rng.randrange(n)
        return k

    def case(self, index: int) -> None:
        ctx, t = self.ctx, self.t
        rng = random.Random(f"{SEED}:case:{index}")
        reported = self.end - dt.timedelta(days=int(index * 365.25 / self.rate))
        k = self.child_for(rng, reported)
        child_id, office = ctx.child_id[k], ctx.offices[ctx.child_office[k]]
        ward = ctx.child_ward[k] or None
        officer, supervisor = office.officer_id, office.supervisor_id
        age_days = (self.end - reported).days
        if rng.random() < _closed_share(age_days):
            status = "closed"
        elif age_days < 14:
            status = rng.choices(OPEN_STAGES, [60, 40, 0, 0])[0]
        elif age_days < 60:
            status = rng.choices(OPEN_STAGES, [15, 35, 25, 25])[0]
        else:
            status = rng.choices(OPEN_STAGES, [3, 12, 25, 60])[0]
        rank = STAGE_RANK[status]
        # How long the case has run (closed cases: 2 weeks to 14 months, never past the end).
        span = min(age_days, rng.randrange(14, 420)) if status == "closed" else age_days
        last_day = reported + dt.timedelta(days=span)

        def day_in(lo: float, hi: float) -> dt.date:
            return reported + dt.timedelta(days=int(span * (lo + (hi - lo) * rng.random())))

        year = reported.year
        serial = 0  # numbered when the batch is written (see number_cases)
        case_id = t.case.next_id()
        assessed = day_in(0.02, 0.15) if rank >= 1 else None
        created = _at(reported, rng)
        events: list[tuple[dt.datetime, str, str, dict, int]] = []  # at, kind, summary, details, actor

        def event(day: dt.date, kind: str, summary: str, details: dict | None = None, actor: int = officer) -> None:
            events.append((_at(day, rng), kind, summary, details or {}, actor))

        # Categories
        n_cat = rng.choices([1, 2, 3], [80, 17, 3])[0]
        cats = []
        for cat in rng.choices(ctx.categories, ctx.category_weights, k=n_cat):
            if cat not in cats:
                cats.append(cat)
        intervention_of = {}
        category_rows = []
        for cat in cats:
            cat_row = t.category.next_id()
            subs = ctx.sub_categories.get(cat)
            sub = rng.choice(subs) if subs and rng.random() < 0.7 else None
            iv = rng.choice(self.list["intervention_id"]) if status == "closed" else None
            if iv:
                intervention_of[str(cat_row)] = iv
            category_rows.append(cat_row)
            t.category.add(
                (
                    cat_row,
                    case_id,
                    cat,
                    sub,
                    reported - dt.timedelta(days=rng.randrange(0, 30)),
                    rng.choice(self.list["case_nature_id"]),
                    rng.choices(self.list["event_place_id"], [40] + [5] * (len(self.list["event_place_id"]) - 1))[0],
                    iv,
                )
            )
        codes = {ctx.category_code[c] for c in cats}
        event(reported, "open", "Case opened", {"office": office.code, "categories": sorted(codes), "via": "web"})
        if (codes & ABUSE and rng.random() < 0.8) or rng.random() < 0.2:
            for _ in range(rng.choices([1, 2], [85, 15])[0]):
                t.perpetrator.add(
                    (
                        t.perpetrator.next_id(),
                        case_id,
                        N.given_name(rng, "kikuyu", "male") if rng.random() < 0.5 else "",
                        rng.choice(self.list["perpetrator_id"]),
                        rng.choice(["male", "male", "male", "female", "unknown"]),
                        rng.choice([None, 16, 25, 34, 45]),
                    )
                )
        if rng.random() < 0.4 and self.list["immediate_need_id"]:
            t.needs.add((t.needs.next_id(), case_id, rng.choice(self.list["immediate_need_id"])))
        for _ in range(rng.randrange(0, 3)):
            event(day_in(0, 0.3), "update", "Case record updated", {"fields": ["notes"]})
        if rank >= 1:
            event(assessed, "start_assessment", "Assessment started")
            if rank >= 2:
                event(assessed + dt.timedelta(days=rng.randrange(1, 10)), "complete_assessment", "Assessment completed")

        # Case plan
        if rank >= 2 and (status != "closed" or rng.random() < 0.75):
            plan_id = t.plan.next_id()
            plan_day = min(day_in(0.15, 0.3), last_day)
            approved = rank >= 3
            submitted = approved or rng.random() < 0.6
            sub_at = _at(plan_day, rng) if submitted else None
            app_at = _at(plan_day + dt.timedelta(days=rng.randrange(1, 7)), rng) if approved else None
            t.plan.add(
                (
                    plan_id,
                    _uuid(rng),
                    sub_at or created,
                    app_at or sub_at or created,
                    case_id,
                    "approved" if approved else "submitted" if submitted else "draft",
                    officer if submitted else None,
                    sub_at,
                    supervisor if approved else None,
                    app_at,
                )
            )
            for _ in range(rng.randrange(1, 4)):
                t.goal.add(
                    (
                        t.goal.next_id(),
                        plan_id,
                        rng.choice(self.list["domain_id"]),
                        "Child safe and in school",
                        "Sub-county children officer",
                        plan_day + dt.timedelta(days=rng.randrange(30, 180)),
                    )
                )
                event(plan_day, "plan_goal_add", "Case plan goal added")
            if submitted:
                event(plan_day, "submit_plan", "Case plan submitted for approval")
            if approved:
                event(app_at.date(), "approve_plan", "Case plan approved", actor=supervisor)

        # Follow-ups: done ones on the way, one open on open cases past reporting
        n_done = rng.randrange(1, 4) if rank >= 1 else 0
        for _ in range(n_done):
            due = day_in(0.2, 0.9)
            done = min(due + dt.timedelta(days=rng.randrange(-3, 10)), last_day)
            t.followup.add(
                (
                    t.followup.next_id(),
                    _uuid(rng),
                    _at(due, rng),
                    _at(done, rng),
                    case_id,
                    due,
                    "Home visit",
                    officer,
                    done,
                    "Visited; child safe.",
                    officer,
                )
            )
            event(due - dt.timedelta(days=7), "followup_add", "Follow-up planned")
            event(done, "followup_done", "Follow-up done")
        if status != "closed" and rank >= 1:
            due = max(self.end + dt.timedelta(days=rng.randrange(-45, 30)), reported + dt.timedelta(days=7))
            t.followup.add(
                (
                    t.followup.next_id(),
                    _uuid(rng),
                    created,
                    created,
                    case_id,
                    due,
                    rng.choice(["Home visit", "School visit", "Check on placement", "Family conference"]),
                    officer,
                    None,
                    "",
                    officer,
                )
            )
            event(min(due - dt.timedelta(days=7), self.end), "followup_add", "Follow-up planned")

        # Services
        partners = ctx.partners.get(office.county_id, [])
        n_services = (
            rng.randrange(1, 5)
            if status == "closed"
            else rng.randrange(1, 4)
            if rank == 3
            else rng.randrange(0, 2)
            if rank == 2
            else 0
        )
        for _ in range(n_services):
            given = day_in(0.2, 0.95)
            provider = office.id if rng.random() < 0.7 or not partners else rng.choice(partners)[0]
            t.service.add(
                (
                    t.service.next_id(),
                    _uuid(rng),
                    _at(given, rng),
                    _at(given, rng),
                    child_id,
                    case_id,
                    rng.choice(self.list["intervention_id"]),
                    given,
                    provider,
                    officer,
                    office.county_id,
                    office.sub_county_id,
                )
            )
            event(given, "service", "Service recorded")

        # Referrals (a quarter of the cases past assessment)
        if rank >= 2 and partners and rng.random() < 0.35:
            to_unit = rng.choice([p for p in partners if p[1] != "court"] or partners)[0]
            sent = day_in(0.2, 0.6)
            if status == "closed":
                r_status = "completed" if rng.random() < 0.8 else "declined"
            else:
                r_status = "sent" if rng.random() < 0.4 else "accepted"
                if r_status == "sent":
                    sent = self.end - dt.timedelta(days=rng.randrange(0, 40))
                    sent = max(sent, reported)
            answered = _at(sent + dt.timedelta(days=rng.randrange(1, 10)), rng) if r_status != "sent" else None
            completed = (
                _at(min(sent + dt.timedelta(days=rng.randrange(10, 60)), last_day), rng)
                if (r_status == "completed")
                else None
            )
            access_id = None
            if r_status in ("accepted", "completed"):
                access_id = t.access.next_id()
                t.access.add(
                    (
                        access_id,
                        _uuid(rng),
                        case_id,
                        to_unit,
                        "referral",
                        answered,
                        officer,
                        completed,
                        officer if completed else None,
                    )
                )
            t.referral.add(
                (
                    t.referral.next_id(),
                    _uuid(rng),
                    _at(sent, rng),
                    answered or _at(sent, rng),
                    case_id,
                    office.id,
                    officer,
                    to_unit,
                    rng.choice(self.list["referral_destination_id"] or [None]),
                    rng.choice(self.list["referral_destination_classification"] or [None]),
                    rng.choice(self.list["intervention_id"]),
                    "Needs specialised support.",
                    rng.choices(["routine", "urgent", "emergency"], [70, 25, 5])[0],
                    r_status,
                    True,
                    "Synthetic bench data",
                    sent,
                    sent + dt.timedelta(days=14),
                    answered,
                    officer if answered else None,
                    completed,
                    officer if completed else None,
                    access_id,
                )
            )
            event(sent, "referral_sent", "Referral sent")
            if answered:
                event(
                    answered.date(),
                    "referral_accepted" if r_status != "declined" else "referral_declined",
                    "Referral answered",
                    actor=officer,
                )
            if completed:
                event(completed.date(), "referral_completed", "Referral completed")

        # Court
        court_share = 0.3 if codes & COURT_PRONE else 0.03
        if rank >= 1 and rng.random() < court_share:
            courts = [p[0] for p in partners if p[1] == "court"]
            held = day_in(0.1, 0.3)
            n_sessions = rng.randrange(1, 6)
            plea_code = "STPL" if "CSAB" in codes else None
            session_id = 0
            for s in range(n_sessions):
                kind = "STAP" if s == 0 else (plea_code if s == 1 and plea_code else rng.choice(["STHR", "STMN"]))
                last = s == n_sessions - 1
                nxt = held + dt.timedelta(days=rng.randrange(14, 60))
                if last and status == "closed":
                    nxt = None
                elif last:
                    nxt = max(nxt, self.end - dt.timedelta(days=10))
                    nxt = nxt if nxt > held else held + dt.timedelta(days=14)
                session_id = t.session.next_id()
                outcome = self.court_outcome.get("CADJ") if not last else rng.choice(list(self.court_outcome.values()))
                t.session.add(
                    (
                        session_id,
                        _uuid(rng),
                        _at(held, rng),
                        _at(held, rng),
                        case_id,
                        courts[0] if courts else None,
                        self.session_type.get(kind) or self.session_type.get("STMN"),
                        held,
                        rng.choice(self.plea) if kind == "STPL" and self.plea else None,
                        outcome,
                        nxt,
                        officer,
                    )
                )
                event(held, "court_session_add", "Court session recorded")
                if nxt is None or nxt > last_day:
                    break
                held = nxt
            if status == "closed" and rng.random() < 0.7:
                months = rng.choice([6, 12, 24, 36])
                t.order.add(
                    (
                        t.order.next_id(),
                        _uuid(rng),
                        _at(held, rng),
                        _at(held, rng),
                        session_id,
                        rng.choice(self.list["court_order_id"]),
                        held,
                        months,
                        held + dt.timedelta(days=months * 30),
                        officer,
                    )
                )
            if rng.random() < 0.3:
                issued = day_in(0.1, 0.3)
                due = issued + dt.timedelta(days=rng.randrange(7, 30))
                honoured = due <= self.end and rng.random() < 0.7
                t.summons.add(
                    (
                        t.summons.next_id(),
                        _uuid(rng),
                        _at(issued, rng),
                        _at(issued, rng),
                        case_id,
                        "Parent",
                        "",
                        issued,
                        due,
                        "honoured" if honoured else "pending" if due > self.end else "not_honoured",
                        due if honoured else None,
                        officer,
                    )
                )

        # Closure
        closed_on, outcome = None, None
        if status == "closed":
            closed_on = last_day
            outcome = rng.choice(self.list["closure_outcome_id"])
            proposed = max(closed_on - dt.timedelta(days=rng.randrange(1, 8)), reported)
            t.closure.add(
                (
                    t.closure.next_id(),
                    _uuid(rng),
                    _at(proposed, rng),
                    _at(closed_on, rng),
                    case_id,
                    outcome,
                    intervention_of,
                    officer,
                    "approved",
                    supervisor,
                    _at(closed_on, rng),
                )
            )
            event(proposed, "propose_closure", "Closure proposed")
            event(closed_on, "approve_closure", "Case closed", actor=supervisor)
        elif status == "services" and rng.random() < 0.1:
            t.closure.add(
                (
                    t.closure.next_id(),
                    _uuid(rng),
                    created,
                    created,
                    case_id,
                    rng.choice(self.list["closure_outcome_id"]),
                    {},
                    officer,
                    "pending",
                    None,
                    None,
                )
            )
            event(last_day, "propose_closure", "Closure proposed")

        # Pad the timeline to 10–20 events on closed cases (notes, record updates, contacts).
        target = rng.randrange(10, 21) if status == "closed" else rng.randrange(3 + 2 * rank, 6 + 3 * rank)
        while len(events) < target:
            event(
                day_in(0, 1),
                "update",
                "Case record updated",
                {"fields": [rng.choice(["notes", "risk_level", "recommendations", "family_status"])]},
            )
        events.sort(key=lambda e: e[0])
        for version, (at, kind, summary, details, actor) in enumerate(events, 1):
            t.event.add((t.event.next_id(), case_id, kind, at, actor, summary, details, version))

        updated = max(events[-1][0], created)
        t.case.add(
            (
                case_id,
                _uuid(rng),
                created,
                updated,
                office.code,  # replaced by the case number when the batch is written
                year,
                serial,
                child_id,
                office.id,
                office.id,  # the issuing office
                office.county_id,
                office.sub_county_id,
                status,
                len(events),
                officer,
                reported,
                rng.choices(ctx.reporters, ctx.reporter_weights)[0],
                "",
                "",
                office.county_id,
                office.sub_county_id,
                ward,
                "",
                rng.choices(self.list["risk_level_id"], [40, 40, 20][: len(self.list["risk_level_id"])])[0],
                f"OB {rng.randrange(1, 99)}/{reported:%d/%m/%Y}" if rng.random() < 0.15 else "",
                rng.choice(self.list["family_status_id"]),
                rng.choice(self.list["household_economics"]),
                "",
                "Synthetic assessment." if rank >= 2 else "",
                assessed,
                officer if assessed else None,
                outcome,
                closed_on,
            )
        )

    def standalone_service(self, index: int) -> None:
        """A service given to a child without a DCS case (partners' own work)."""
        ctx, t = self.ctx, self.t
        rng = random.Random(f"{SEED}:service:{index}")
        given = self.end - dt.timedelta(days=int(index * 365.25 / self.rate * 3))
        k = rng.randrange(len(ctx.child_id))
        office = ctx.offices[ctx.child_office[k]]
        partners = ctx.partners.get(office.county_id) or [(office.id, "office")]
        provider = rng.choice(partners)[0]
        t.service.add(
            (
                t.service.next_id(),
                _uuid(rng),
                _at(given, rng),
                _at(given, rng),
                ctx.child_id[k],
                None,
                rng.choice(self.list["intervention_id"]),
                given,
                provider,
                office.officer_id,
                office.county_id,
                office.sub_county_id,
            )
        )


def _marker(start: int) -> str:
    return f"{PROGRESS}@{start:09d}"


def _todo(cases: int, batch: int) -> list[tuple[int, int, int]]:
    """Batches still to write: (grid start, first missing index, end). Each batch of the grid
    records how far it got in a ``Counter`` row of its own, in the same transaction as its rows;
    ``bench_cases`` holds the count written by the earlier, one-process generator."""
    from cpims.registry.models import Counter

    marks = dict(Counter.objects.filter(name__startswith=f"{PROGRESS}@").values_list("name", "value"))
    legacy = Counter.objects.filter(name=PROGRESS).values_list("value", flat=True).first() or 0
    out = []
    for start in range(0, cases, batch):
        end = min(start + batch, cases)
        reached = max(marks.get(_marker(start), start), min(end, legacy) if start < legacy else start)
        if reached < end:
            out.append((start, reached, end))
    return out


def number_cases(t: Tables) -> None:
    """Give the batch's cases their numbers, ``<office code>/<year>/<serial>``, from the same
    counters the app uses (locked: generator processes write one batch at a time)."""
    from django.db import connection

    from cpims.cases.models import CaseNumberCounter

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE cases_casenumbercounter IN SHARE ROW EXCLUSIVE MODE")
    counters = {(o, y): v for o, y, v in CaseNumberCounter.objects.values_list("office_id", "year", "value")}
    before = dict(counters)
    rows = t.case.rows
    for i, row in enumerate(rows):
        code, year, office_id = row[4], row[5], row[8]
        serial = counters.get((office_id, year), 0) + 1
        counters[(office_id, year)] = serial
        rows[i] = (*row[:4], f"{code}/{year}/{serial:05d}", year, serial, *row[7:])
    changed = {k: v for k, v in counters.items() if before.get(k) != v}
    CaseNumberCounter.objects.bulk_create(
        [CaseNumberCounter(office_id=o, year=y, value=v) for (o, y), v in changed.items() if (o, y) not in before]
    )
    for (o, y), v in changed.items():
        if (o, y) in before:
            CaseNumberCounter.objects.filter(office_id=o, year=y).update(value=v)


def _write_batch(ctx: Context, start: int, first: int, end: int) -> int:
    from django.db import connection, transaction

    from cpims.registry.models import Counter

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Bench data: a crash loses at most a batch, redone next time.
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Skip the foreign-key triggers while loading (Django's are deferred: checking
                # 200,000 rows at COMMIT took longer than writing them). The ids are valid by
                # construction; check_integrity() verifies the main links after the load.
                cursor.execute("SET LOCAL session_replication_role = replica")
        t = Tables()
        b = Builder(ctx, t, ctx.end, ctx.rate)
        for index in range(first, end):
            b.case(index)
            if index % 3 == 0:  # about one service in ten is given without a case
                b.standalone_service(index // 3)
        for table in t.in_order():  # FK checks are off: the cases can come last
            if table is not t.case:
                table.flush()
        number_cases(t)  # locks the case-number counters until COMMIT: as late as possible
        t.case.flush()
        Counter.objects.update_or_create(name=_marker(start), defaults={"value": end})
    return t.event.written


def _work(ctx: Context, batches: list[tuple[int, int, int]], verbose: bool, tag: str = "") -> None:
    started = time.monotonic()
    written = 0
    for start, first, end in batches:
        events = _write_batch(ctx, start, first, end)
        written += end - first
        if verbose:
            rate = written / max(time.monotonic() - started, 0.001)
            print(f"  {tag}cases {first:>9,}–{end:,} written ({rate:,.0f}/s; {events:,} events)", flush=True)


def generate(
    cases: int,
    *,
    batch: int = 10_000,
    pool: int = 0,
    workers: int = 1,
    verbose: bool = True,
    end: dt.date = END,
    rate: int = RATE,
) -> dict[str, int]:
    """Bring the synthetic cases up to ``cases`` (never removes any). ``pool``: draw the children
    from the first ``pool`` registry children only (0 = all; keep it the same across top-ups).
    ``workers`` > 1 (PostgreSQL only) draws batches in that many processes at once; the data is
    the same, only the case serials' order within an office and year may differ. ``end`` and
    ``rate``: the newest case's day and the cases a year (the demo: today, and its own size)."""
    from django.db import connection, connections

    todo = _todo(cases, batch)
    if not todo:
        return {"cases": cases, "written": 0}
    ctx = Context(pool, end=end, rate=rate)
    started = time.monotonic()
    missing = sum(end - first for _, first, end in todo)
    if workers > 1 and connection.vendor == "postgresql":
        connections.close_all()  # each process opens its own connection
        mp = multiprocessing.get_context("fork")
        procs = [mp.Process(target=_work, args=(ctx, todo[w::workers], verbose, f"[{w + 1}] ")) for w in range(workers)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        if any(proc.exitcode for proc in procs):
            raise SystemExit("bench: a generator process failed; run again to finish the missing batches")
    else:
        _work(ctx, todo, verbose)
    seconds = time.monotonic() - started
    if verbose:
        print(f"  {missing:,} cases written in {seconds:,.0f} s; analysing…", flush=True)
    if connection.vendor == "postgresql":
        check_integrity()
        with connection.cursor() as cursor:
            cursor.execute(analyse_statement())
    return {"cases": cases, "written": missing, "seconds": int(seconds)}


# (table, column, referenced table): the links a mistake in the generator would break.
LINKS = [
    ("cases_caseevent", "case_id", "cases_case"),
    ("cases_casecategory", "case_id", "cases_case"),
    ("cases_case", "child_id", "registry_person"),
    ("cases_servicerecord", "child_id", "registry_person"),
    ("cases_servicerecord", "case_id", "cases_case"),
    ("cases_followup", "case_id", "cases_case"),
    ("cases_caseplangoal", "plan_id", "cases_caseplan"),
    ("referrals_referral", "case_id", "cases_case"),
    ("referrals_referral", "access_id", "cases_caseaccess"),
    ("court_courtorder", "session_id", "court_courtsession"),
]


def check_integrity() -> None:
    """Every foreign key the generator wrote without the database's checks points at a row."""
    from django.db import connection

    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, target in LINKS:
            cursor.execute(
                f"SELECT COUNT(*) FROM {q(table)} t WHERE t.{q(column)} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {q(target)} r WHERE r.id = t.{q(column)})"
            )
            broken = cursor.fetchone()[0]
            if broken:
                raise SystemExit(f"bench: {broken:,} rows of {table}.{column} point nowhere")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--child-pool", type=int, default=0, help="draw children from the first N only (0 = all)")
    parser.add_argument("--workers", type=int, default=1, help="generator processes (PostgreSQL)")
    args = parser.parse_args(argv)
    django_setup()
    result = generate(args.cases, batch=args.batch, pool=args.child_pool, workers=args.workers)
    print(result)


if __name__ == "__main__":
    main()


__all__ = ["BATCH_TIME", "generate"]
