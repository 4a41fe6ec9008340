"""Children in care for the bench: about 900 institutions (charitable children's institutions and
the statutory ones) over the 47 counties, with capacity, and about 45,000 children in care with
their placement histories (earlier placements, transfers between institutions, escapes and
returns, discharges and reintegration with post-discharge follow-ups, reviews with due dates).

    python -m bench.care --institutions 900 --placements 45000

Idempotent like the other generators: institutions are numbered (``BENCH-INST-0001`` …), each
child's history is drawn from its own seeded generator and progress is committed per batch.
Children come from the synthetic registry (a seeded shuffle of the registry's children, so each
history has its own child); a child with a case gets the placement linked to their latest case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid

from bench import names as N
from bench.generate import analyse_statement
from bench.run import Timing
from bench.setup import django_setup
from bench.sink import Table

SEED = 20240701
PROGRESS = "bench_care_children"
TODAY = dt.date(2026, 11, 15)  # as bench.cases.END
EAT = dt.timezone(dt.timedelta(hours=3))
# Statutory institutions (kind, DCS institution type, how many nationally); the rest are CCIs.
STATUTORY = [
    ("si_reception", "TICA", 12),
    ("si_remand", "TICH", 16),
    ("si_rehabilitation", "TIRS", 10),
    ("si_rescue", "TIRC", 20),
    ("si_borstal", "TIBI", 3),
]
FAMILY_CARE = ["AFFC", "AFKS", "AFCG", "AFCA", "AFCK", "ASIL", "ASCH"]


def available() -> bool:
    """The care app's tables exist (its migration is applied)."""
    from django.db import connection

    try:
        from cpims.care.models import Placement
    except ImportError:
        return False
    return Placement._meta.db_table in connection.introspection.table_names()


def placement_count() -> int | None:
    if not available():
        return None
    from cpims.care.models import Placement

    return Placement.objects.count()


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _codes(list_name: str) -> dict[str, int]:
    from cpims.core.models import Code

    return dict(Code.objects.filter(code_list__name=list_name).values_list("code", "pk").order_by("pk"))


def make_institutions(count: int, county_weights: dict[str, float] | None = None) -> list[int]:
    """Bring the bench institutions to ``count``; returns their org unit ids. ``county_weights``:
    county code -> weight (default: the census populations)."""
    from django.db import transaction

    from cpims.care.models import KIND_TO_INSTITUTION_TYPE, CapacityRow, Institution
    from cpims.geo.models import Area, OrgUnit

    types = _codes("institution_type_id")
    counties = list(Area.objects.filter(level="county").order_by("code"))
    subs: dict[int, list[Area]] = {}
    for sub in Area.objects.filter(level="sub_county").order_by("code"):
        subs.setdefault(sub.parent_id, []).append(sub)
    weights = [(county_weights or N.COUNTY_POPULATION).get(c.code, 1) for c in counties]
    kinds = [kind for kind, _, n in STATUTORY for _ in range(n)]
    existing = set(OrgUnit.objects.filter(code__startswith="BENCH-INST-").values_list("code", flat=True))
    with transaction.atomic():
        for i in range(1, count + 1):
            code = f"BENCH-INST-{i:04d}"
            if code in existing:
                continue
            rng = random.Random(f"{SEED}:institution:{i}")
            # one institution in 15 is statutory (61 nationally), the rest are CCIs
            kind = kinds[i // 15 - 1] if i % 15 == 0 and i // 15 <= len(kinds) else "cci"
            county = rng.choices(counties, weights)[0]
            sub = rng.choice(subs.get(county.pk) or [None])
            label = {
                "cci": "Children's Home",
                "si_reception": "Reception and Assessment Centre",
                "si_remand": "Children's Remand Home",
                "si_rehabilitation": "Rehabilitation School",
                "si_rescue": "Rescue Centre",
                "si_borstal": "Borstal Institution",
            }[kind]
            unit = OrgUnit.objects.create(
                code=code,
                name=f"{(sub or county).name} {label} {i}",
                kind=kind,
                area=sub or county,
                county=county,
                sub_county=sub,
            )
            statutory = kind != "cci"
            profile = Institution.objects.create(
                org_unit=unit,
                institution_type_id=types.get(KIND_TO_INSTITUTION_TYPE.get(kind, "TIRC") if statutory else "TICC"),
                registration_status="statutory"
                if statutory
                else rng.choice(["registered"] * 8 + ["applied", "expired"]),
                registration_number="" if statutory else f"CCI/{county.code}/{i:04d}",
                serves=None if statutory else county,
            )
            places = rng.choice([20, 30, 40, 50, 60, 80, 100, 150]) if not statutory else rng.choice([60, 100, 200])
            if rng.random() < 0.5:
                CapacityRow.objects.create(institution=profile, sex="any", band="any", places=places)
            else:
                CapacityRow.objects.create(institution=profile, sex="female", band="any", places=places // 2)
                CapacityRow.objects.create(institution=profile, sex="male", band="any", places=places - places // 2)
    return list(
        OrgUnit.objects.filter(code__startswith="BENCH-INST-").order_by("code").values_list("pk", flat=True)[:count]
    )


class Context:
    def __init__(self, institutions: list[int], today: dt.date = TODAY) -> None:
        from django.db.models import Exists, OuterRef

        from bench.cases import bench_user
        from cpims.accounts import roles as R
        from cpims.care.models import Placement
        from cpims.cases.models import Case
        from cpims.geo.models import OrgUnit
        from cpims.registry.models import Person

        started = time.monotonic()
        self.today = today
        self.user = bench_user("bench.manager", R.INSTITUTION_MANAGER, "BENCH-INST-0001")
        rows = OrgUnit.objects.filter(pk__in=institutions).values_list("pk", "kind", "county_id", "sub_county_id")
        self.institutions = sorted(rows)
        self.cci = [r for r in self.institutions if r[1] == "cci"]
        self.statutory = [r for r in self.institutions if r[1] != "cci"]
        self.by_county: dict[int, list[tuple]] = {}
        for r in self.cci:
            self.by_county.setdefault(r[2], []).append(r)
        self.courts = dict(
            OrgUnit.objects.filter(kind="court", code__startswith="BENCH-").values_list("county_id", "pk")
        )
        self.offices = dict(OrgUnit.objects.filter(kind="sub_county_office").values_list("sub_county_id", "pk"))
        self.care = _codes("alternative_family_care_type_id")
        self.admission = _codes("admission_type_id")
        self.reason = _codes("admission_reason_id")
        self.discharge = _codes("discharge_type_id")
        # Children aged 2–17 today, in a seeded order; each history takes the next one.
        young = today - dt.timedelta(days=17 * 365)
        old = today - dt.timedelta(days=2 * 365)
        # Not the children someone else placed (the demo's own placements: one current each).
        placed_by_others = Placement.objects.filter(child=OuterRef("pk")).exclude(created_by=self.user)
        children = list(
            Person.objects.filter(kind="child", date_of_birth__gt=young, date_of_birth__lt=old)
            .exclude(Exists(placed_by_others))
            .order_by("pk")
            .values_list("pk", "date_of_birth", "sub_county_id", "county_id")
        )
        random.Random(f"{SEED}:care-order").shuffle(children)
        self.children = children
        # The latest case of each child (for the link, the office and the reason).
        self.case_of: dict[int, tuple[int, int, dt.date, bool]] = {}
        for cid, child, office, reported, offender in (
            Case.objects.order_by("child_id", "reported_on")
            .values_list("pk", "child_id", "office_id", "reported_on", "in_conflict_with_law")
            .iterator(chunk_size=50000)
        ):
            self.case_of[child] = (cid, office, reported, offender)
        print(
            f"  care context: {len(children):,} children, {len(self.case_of):,} with cases "
            f"({time.monotonic() - started:.0f} s)",
            flush=True,
        )


class Tables:
    def __init__(self) -> None:
        from cpims.care import models as M

        base = ["id", "public_id", "created_at", "updated_at"]
        self.placement = Table(
            M.Placement,
            [
                *base,
                "child_id",
                "case_id",
                "care_type_id",
                "institution_id",
                "caregiver_name",
                "office_id",
                "county_id",
                "sub_county_id",
                "admitted_on",
                "admission_type_id",
                "admission_reason_id",
                "court_id",
                "order_number",
                "order_date",
                "order_period_months",
                "order_expires_on",
                "status",
                "status_on",
                "ended_on",
                "discharge_type_id",
                "previous_id",
                "created_by_id",
                "version",
            ],
        )
        self.status = Table(
            M.StatusChange, ["id", "placement_id", "status", "on", "discharge_type_id", "recorded_by_id"]
        )
        self.review = Table(M.Review, [*base, "placement_id", "kind", "due_on", "held_on", "recorded_by_id"])
        self.followup = Table(M.FollowUp, [*base, "placement_id", "due_on", "visited_on", "outcome", "recorded_by_id"])

    def in_order(self) -> list[Table]:
        return [self.placement, self.status, self.review, self.followup]


def _ts(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=EAT)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def history(ctx: Context, t: Tables, index: int) -> None:
    """One child's placements: 0–2 earlier ones, then either the current one (in care now) or,
    for one history in three, a last one that ended (discharged, reintegrated) with follow-ups."""
    rng = random.Random(f"{SEED}:care:{index}")
    today = ctx.today  # the day the histories run up to
    child, born, sub_county, county = ctx.children[index]
    case = ctx.case_of.get(child)
    offender = bool(case and case[3]) or rng.random() < 0.06
    office = case[1] if case else ctx.offices.get(sub_county)
    user = ctx.user.pk
    earliest = max(born + dt.timedelta(days=365), today - dt.timedelta(days=6 * 365))
    in_care_now = rng.random() < 0.6
    n = rng.choices([1, 2, 3], [70, 22, 8])[0]
    family = rng.random() < 0.1  # alternative family care rather than an institution
    day = earliest + dt.timedelta(days=rng.randrange(max((today - earliest).days - 30, 1)))
    previous, prev_status = None, ""
    for k in range(n):
        last = k == n - 1
        if family and last:
            care_type, inst = ctx.care.get(rng.choice(FAMILY_CARE)), None
        else:
            care_type = ctx.care.get("AFIC")
            pool = ctx.statutory if offender and ctx.statutory else ctx.by_county.get(county) or ctx.cci
            inst = rng.choice(pool)
        admitted = day
        ordered = rng.random() < 0.65
        months = rng.choice([6, 12, 24, 36]) if ordered else None
        expires = _add_months(admitted, months) if ordered else None
        pid = t.placement.next_id()
        if last and in_care_now:
            status = rng.choices(["resident", "on_leave", "escaped"], [92, 4, 4])[0]
            status_on = (
                admitted if status == "resident" else min(today, admitted + dt.timedelta(days=rng.randrange(10, 200)))
            )
            ended, discharge = None, None
        else:
            stay = rng.randrange(30, 900)
            ended = min(admitted + dt.timedelta(days=stay), today - dt.timedelta(days=1))
            if ended < admitted:
                ended = admitted
            status = "transferred" if not last else rng.choices(["reintegrated", "discharged", "died"], [70, 29, 1])[0]
            status_on = ended
            discharge = ctx.discharge.get({"transferred": "DTSI", "reintegrated": "DREN"}.get(status, "TDEX"))
        admission = "TRIN" if previous and prev_status == "transferred" else ("TANA" if k == 0 else "TARR")
        t.placement.add(
            (
                pid,
                _uuid(rng),
                _ts(admitted),
                _ts(status_on),
                child,
                case[0] if case else None,
                care_type,
                inst[0] if inst else None,
                "" if inst else f"{N.given_name(rng, 'kikuyu', 'female')} (relative)",
                office,
                inst[2] if inst else county,
                inst[3] if inst else sub_county,
                admitted,
                ctx.admission.get(admission),
                ctx.reason.get("RAOF" if offender else "RACP"),
                ctx.courts.get(county) if ordered else None,
                f"CC {rng.randrange(1, 999)}/{admitted.year}" if ordered else "",
                admitted if ordered else None,
                months,
                expires,
                status,
                status_on,
                ended,
                discharge,
                previous if previous and prev_status == "transferred" else None,
                user,
                1,
            )
        )
        t.status.add((t.status.next_id(), pid, "resident", admitted, None, user))
        if status in ("on_leave", "escaped"):
            t.status.add((t.status.next_id(), pid, status, status_on, None, user))
        if ended:
            t.status.add((t.status.next_id(), pid, status, ended, discharge, user))
        # Reviews every six months while in care; the next one due (overdue for some).
        review_day = admitted + dt.timedelta(days=rng.randrange(60, 180))
        stop = ended or today
        while review_day <= stop:
            t.review.add(
                (
                    t.review.next_id(),
                    _uuid(rng),
                    _ts(review_day),
                    _ts(review_day),
                    pid,
                    rng.choice(["care_plan", "case_conference"]),
                    review_day,
                    review_day,
                    user,
                )
            )
            review_day += dt.timedelta(days=180)
        if ended is None:
            due = review_day if rng.random() < 0.8 else today - dt.timedelta(days=rng.randrange(1, 60))
            t.review.add(
                (t.review.next_id(), _uuid(rng), _ts(admitted), _ts(admitted), pid, "care_plan", due, None, user)
            )
        if ended and status in ("reintegrated", "discharged"):
            visit = ended + dt.timedelta(days=rng.randrange(14, 60))
            for _ in range(rng.randrange(0, 3)):
                if visit >= today:
                    break
                t.followup.add(
                    (
                        t.followup.next_id(),
                        _uuid(rng),
                        _ts(visit),
                        _ts(visit),
                        pid,
                        visit,
                        visit,
                        rng.choice(["settled", "settled", "needs_support", "at_risk"]),
                        user,
                    )
                )
                visit += dt.timedelta(days=90)
            if visit < today + dt.timedelta(days=60) and rng.random() < 0.5:
                t.followup.add((t.followup.next_id(), _uuid(rng), _ts(ended), _ts(ended), pid, visit, None, "", user))
        previous, prev_status = pid, status
        if ended is None:
            break
        day = ended + (dt.timedelta(days=0) if status == "transferred" else dt.timedelta(days=rng.randrange(30, 400)))
        if day >= today:
            break


def generate(
    *,
    institutions: int = 900,
    placements: int = 45_000,
    batch: int = 5000,
    today: dt.date = TODAY,
    county_weights: dict[str, float] | None = None,
) -> list[str]:
    """Bring the bench to ``institutions`` institutions and about ``placements`` children in care
    (histories are drawn until that many children are in care; about 60 % of histories end in
    care, the rest were discharged or reintegrated), up to ``today``."""
    from django.db import connection, transaction

    from cpims.registry.models import Counter

    if not available():
        return ["care: the care app's tables are not there yet (no migration) — skipped"]
    started = time.monotonic()
    units = make_institutions(institutions, county_weights)
    histories = int(placements / 0.6)
    done = Counter.objects.filter(name=PROGRESS).values_list("value", flat=True).first() or 0
    if done >= histories:
        return []
    ctx = Context(units, today)
    histories = min(histories, len(ctx.children))
    while done < histories:
        with transaction.atomic():
            progress, _ = Counter.objects.select_for_update().get_or_create(name=PROGRESS)
            done = progress.value
            n = min(batch, histories - done)
            t = Tables()
            for index in range(done, done + n):
                history(ctx, t, index)
            for table in t.in_order():
                table.flush()
            progress.value = done + n
            progress.save(update_fields=["value"])
            done = progress.value
        print(f"  {done:>9,} care histories", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"{analyse_statement()} care_placement")
            cursor.execute(f"{analyse_statement()} care_statuschange")
            cursor.execute(f"{analyse_statement()} care_review")
            cursor.execute(f"{analyse_statement()} care_followup")
    return [f"generated {len(units)} institutions and {done:,} care histories in {time.monotonic() - started:.0f} s"]


def run_care(samples: int) -> list[Timing]:
    if not available():
        print("care: skipped (the care app's tables are not there yet)")
        return []
    from bench.carework import run_care as run

    return run(samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--institutions", type=int, default=900)
    parser.add_argument("--placements", type=int, default=45_000)
    args = parser.parse_args(argv)
    django_setup()
    for line in generate(institutions=args.institutions, placements=args.placements):
        print(line)


if __name__ == "__main__":
    main()
