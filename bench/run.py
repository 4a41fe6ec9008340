"""The registry benchmark: ``python -m bench`` (``make bench``).

    python -m bench                          # benchmark what the bench database holds (10,000 if empty)
    python -m bench --children 1000000       # first bring the synthetic registry to a million children
    python -m bench --cases 1000000 --facts  # … and the cases to a million, then rebuild the caseload facts
    python -m bench --only cases,reporting   # time only some sections
    python -m bench --throughput             # concurrent users over HTTP against gunicorn (bench.throughput)
    DATABASE_URL=postgres://... python -m bench --children 1000000

Times whole requests through Django's test client (middleware, scope, queries, templates, audit:
the server's share of a page, not the network), as a Westlands sub-county officer, the Nairobi
county coordinator and a national M&E officer, and prints p50/p95/p99 per operation with the scale
it ran at. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import names as N
from bench.setup import django_setup

WESTLANDS = "DCS-SC274"
SEARCHES = 30  # children searched for per kind of name search (each timed and checked for a hit)
NAIROBI = "DCS-C047"


@dataclass
class Timing:
    name: str
    millis: list[float]
    sql_millis: list[float] = field(default_factory=list)  # time spent in the database per request
    queries: int = 0  # most queries one request made
    hits: int | None = None  # searches whose child was on the first page of results

    def row(self) -> str:
        p50, p95, p99 = _percentiles(self.millis)
        sql = f"{_percentiles(self.sql_millis)[1]:>8.1f} {self.queries:>4}" if self.sql_millis else ""
        hits = f" {self.hits:>3}/{len(self.millis)}" if self.hits is not None else ""
        return (
            f"{self.name:<60} {len(self.millis):>5} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {max(self.millis):>8.1f} "
            f"{sql}{hits}"
        )


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(values)
    if len(ms) < 2:
        return ms[0], ms[0], ms[0]
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return q[49], q[94], q[98]


def bench_user(username: str, role: str, unit_code: str) -> Any:
    from cpims.accounts.models import Assignment, Role, User
    from cpims.geo.models import OrgUnit

    user, created = User.objects.get_or_create(username=username, defaults={"first_name": "Bench"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Assignment.objects.create(
            user=user, role=Role.objects.get(code=role), org_unit=OrgUnit.objects.get(code=unit_code)
        )
    return user


def bench_users(specs: list[tuple[str, str, str]]) -> dict[str, int]:
    """Many ``bench_user``s at once: (username, role, unit code) -> {username: id}. The missing ones
    are written in bulk (no password, no history rows: generator accounts, not people)."""
    from django.contrib.auth.hashers import make_password

    from cpims.accounts.models import Assignment, Role, User
    from cpims.geo.models import OrgUnit

    names = [username for username, _, _ in specs]
    have = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    missing = [spec for spec in dict.fromkeys(specs) if spec[0] not in have]
    if missing:
        roles = dict(Role.objects.values_list("code", "pk"))
        units = dict(OrgUnit.objects.filter(code__in={code for _, _, code in missing}).values_list("code", "pk"))
        users = User.objects.bulk_create(
            [User(username=name, first_name="Bench", password=make_password(None)) for name, _, _ in missing]
        )
        made = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        Assignment.objects.bulk_create(
            [
                Assignment(user_id=made[name], role_id=roles[role], org_unit_id=units[code])
                for name, role, code in missing
            ]
        )
        have.update(made)
    return have


def client_for(user: Any) -> Any:
    """A test client signed in with a verified second factor (as after a real TOTP login)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(name: str, calls: list[Callable[[], Any]], expect: int = 200, wanted: list[str] | None = None) -> Timing:
    """Run the calls one after another; wall time per call, and the database's share of it (the
    sum of the query times Django measured) with the largest number of queries. With ``wanted``
    (one text per call, such as the public id of the child searched for), also count the
    responses that contain it: the hits."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timing = Timing(name, [], hits=0 if wanted is not None else None)
    for i, call in enumerate(calls):
        connection.queries_log.clear()  # the log keeps 9,000 queries; past that the capture sees none
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timing.millis.append((time.perf_counter() - start) * 1000)
        timing.sql_millis.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        timing.queries = max(timing.queries, len(captured.captured_queries))
        if response.status_code != expect:
            raise SystemExit(f"{name}: unexpected HTTP {response.status_code}")
        if wanted is not None and timing.hits is not None and wanted[i] in response.content.decode():
            timing.hits += 1
    return timing


def scale() -> str:
    """The scale every figure was measured at, printed beside the figures."""
    from django.db import connection

    from cpims.registry.models import Household, NameToken, NameWord, Person

    children = Person.objects.filter(kind="child").count()
    caregivers = Person.objects.filter(kind="caregiver").count()
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            vendor += " " + cursor.fetchone()[0].split()[0]
    line = (
        f"scale: {children:,} children, {caregivers:,} caregivers, {Household.objects.count():,} households, "
        f"{NameToken.objects.count():,} name tokens, {NameWord.objects.count():,} distinct names"
    )
    extra = _case_scale()
    if extra:
        line += "; " + extra
    return f"{line}; database: {vendor}; {os.cpu_count()} cores"


def _case_scale() -> str:
    from django.db.models import Max, Min

    from cpims.cases.models import Case, CaseEvent, ServiceRecord
    from cpims.court.models import CourtSession
    from cpims.referrals.models import Referral

    cases = Case.objects.count()
    if not cases:
        return ""
    span = Case.objects.aggregate(first=Min("reported_on"), last=Max("reported_on"))
    out = (
        f"{cases:,} cases ({span['first']} to {span['last']}), {_estimate(CaseEvent):,} case events, "
        f"{_estimate(ServiceRecord):,} services, {Referral.objects.count():,} referrals, "
        f"{CourtSession.objects.count():,} court sessions"
    )
    from bench import care

    placements = care.placement_count()
    if placements is not None:
        out += f", {placements:,} placements"
    return out


def _estimate(model: Any) -> int:
    """Exact count (a full count of 15 million events takes seconds on PostgreSQL; still fine)."""
    return model.objects.count()


def run(samples: int, registrations: int, seed: int = 7, searches: int = SEARCHES) -> list[Timing]:
    from django.urls import reverse

    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit
    from cpims.registry.models import Identifier, Person

    rng = random.Random(seed)
    officer = client_for(bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS))
    county = client_for(bench_user("bench.county", R.COUNTY_COORDINATOR, NAIROBI))
    national = client_for(bench_user("bench.national", R.NATIONAL_ME, "DCS-HQ"))
    westlands = OrgUnit.objects.get(code=WESTLANDS)
    columns = ("public_id", "first_name", "middle_name", "last_name", "cpims_number", "pk")
    children = Person.objects.filter(sub_county_id=westlands.sub_county_id, kind="child", is_active=True)
    local = list(children.order_by("?").values(*columns)[:samples])
    with_middle = list(children.exclude(middle_name="").order_by("?").values(*columns)[:searches])
    if not local:
        raise SystemExit("No child lives in Westlands: generate more children first (--children).")
    bounds = Person.objects.filter(kind="child").order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    picks = rng.sample(range(low, high + 1), min(searches * 3, high - low + 1))
    anywhere = list(Person.objects.filter(pk__in=picks, kind="child", is_active=True).values(*columns)[:searches])
    certificates = list(
        Identifier.objects.filter(person_id__in=[c["pk"] for c in local], id_type__code="ISOV").values_list(
            "value", flat=True
        )
    ) or ["0"]
    search = reverse("registry:search")

    def get(client: Any, url: str) -> Callable[[], Any]:
        return lambda: client.get(url)

    for child in local[:5]:  # warm up
        officer.post(search, {"q": f"{child['first_name']} {child['last_name']}"})

    timings = name_searches(officer, county, national, local[:searches], with_middle, anywhere, rng)
    timings += [
        timed("CPIMS number search (sub-county officer)", [_post(officer, c["cpims_number"]) for c in local]),
        timed("identifier search (sub-county officer)", [_post(officer, v) for v in certificates[:samples]]),
        timed(
            "child profile page (sub-county officer)",
            [get(officer, reverse("registry:child_detail", kwargs={"public_id": c["public_id"]})) for c in local],
        ),
    ]
    timings.append(
        timed(
            "register a child + caregiver (with duplicate check)",
            _registrations(officer, westlands, rng, registrations),
            302,
        )
    )
    return timings


def _post(client: Any, q: str) -> Callable[[], Any]:
    from django.urls import reverse

    url = reverse("registry:search")
    return lambda: client.post(url, {"q": q})


def _full(c: dict[str, Any]) -> list[str]:
    return [name for name in (c["first_name"], c["middle_name"], c["last_name"]) if name]


def _misspelled(rng: random.Random, c: dict[str, Any]) -> str:
    """The full name with one slip in one of its names (``names.one_edit``)."""
    typed = _full(c)
    i = rng.randrange(len(typed))
    typed[i] = N.one_edit(rng, typed[i])
    return " ".join(typed)


def name_searches(
    officer: Any,
    county: Any,
    national: Any,
    local: list[dict[str, Any]],
    with_middle: list[dict[str, Any]],
    anywhere: list[dict[str, Any]],
    rng: Any,
) -> list[Timing]:
    """Name searches as a user types them, each timed and counted as a hit when the child searched
    for is on the first page of results: the full name exactly; with one slip; surname first; the
    first name and surname only (children with a middle name). The officer and the county
    coordinator search children of Westlands, the national officer children from anywhere."""

    def line(name: str, client: Any, children: list[dict[str, Any]], typed: Callable[[dict[str, Any]], str]) -> Timing:
        return timed(name, [_post(client, typed(c)) for c in children], wanted=[str(c["public_id"]) for c in children])

    return [
        line("name search, exact (sub-county officer)", officer, local, lambda c: " ".join(_full(c))),
        line("name search, misspelled (sub-county officer)", officer, local, lambda c: _misspelled(rng, c)),
        line(
            "name search, swapped order (sub-county officer)",
            officer,
            local,
            lambda c: " ".join([c["last_name"], *_full(c)[:-1]]),
        ),
        line(
            "name search, partial (sub-county officer)",
            officer,
            with_middle or local,
            lambda c: f"{c['first_name']} {c['last_name']}",
        ),
        line("name search, exact (county coordinator)", county, local, lambda c: " ".join(_full(c))),
        line("name search, exact (national)", national, anywhere, lambda c: " ".join(_full(c))),
        line("name search, misspelled (national)", national, anywhere, lambda c: _misspelled(rng, c)),
    ]


def _registrations(client: Any, unit: Any, rng: random.Random, count: int) -> list[Callable[[], Any]]:
    from django.urls import reverse

    from cpims.geo.models import Area

    wards = list(Area.objects.filter(level="ward", sub_county_id=unit.sub_county_id).values_list("pk", flat=True))
    url = reverse("registry:child_create")
    calls = []
    for _ in range(count):
        community = N.community_for(rng, "047")
        sex = rng.choice(["female", "male"])
        born = dt.date.today() - dt.timedelta(days=rng.randrange(365 * 17))
        data = {
            "child-org_unit": unit.pk,
            "child-first_name": N.given_name(rng, community, sex),
            "child-last_name": N.family_name(rng, community),
            "child-sex": sex,
            "child-date_of_birth": born.isoformat(),
            "child-county": unit.county_id,
            "child-sub_county": unit.sub_county_id,
            "child-ward": rng.choice(wards),
            "child-birth_certificate": "unknown",
            "child-register_anyway": "on",
            "carer-TOTAL_FORMS": 1,
            "carer-INITIAL_FORMS": 0,
            "carer-0-kind": "mother",
            "carer-0-parent_status": "alive",
            "carer-0-first_name": N.given_name(rng, community, "female"),
            "carer-0-last_name": N.family_name(rng, community),
            "carer-0-sex": "female",
            "carer-0-lives_with_child": "on",
            "sibling-TOTAL_FORMS": 0,
            "sibling-INITIAL_FORMS": 0,
        }
        calls.append(lambda data=data: client.post(url, data))
    return calls


SECTIONS = ("registry", "cases", "reporting", "care")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=0, help="first bring the registry to this many children")
    parser.add_argument("--cases", type=int, default=0, help="first bring the synthetic cases to this many")
    parser.add_argument("--child-pool", type=int, default=0, help="cases only for the first N registry children")
    parser.add_argument("--workers", type=int, default=1, help="case and caseload-fact processes (PostgreSQL)")
    parser.add_argument("--institutions", type=int, default=0, help="first bring the institutions to this many")
    parser.add_argument("--placements", type=int, default=0, help="children in care (active placements) to reach")
    parser.add_argument("--facts", action="store_true", help="rebuild the caseload facts (timed) before timing")
    parser.add_argument("--samples", type=int, default=200, help="requests per number search/profile/case operation")
    parser.add_argument("--searches", type=int, default=SEARCHES, help="children searched for per kind of name search")
    parser.add_argument("--registrations", type=int, default=50)
    parser.add_argument("--services", type=int, default=50, help='"record a service" requests')
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections to time (default all: {SECTIONS})"
    )
    parser.add_argument(
        "--throughput",
        action="store_true",
        help="run the concurrent mixed workload against gunicorn (bench.throughput)",
    )
    parser.add_argument("--users", default="20,50,200", help="throughput: concurrent users per run (comma-separated)")
    parser.add_argument("--seconds", type=float, default=60, help="throughput: length of each run")
    parser.add_argument("--gunicorn", default="2x4", help="throughput: gunicorn workers x threads, comma-separated")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    django_setup()
    from bench import care, reporting
    from bench.cases import generate as generate_cases
    from bench.generate import generate
    from cpims.cases.models import Case
    from cpims.registry.models import Person

    target = args.children or (0 if Person.objects.filter(kind="child").exists() else 10_000)
    if target:
        print(f"Generating synthetic registry up to {target:,} children…", flush=True)
        generate(target)
    notes: list[str] = []
    if args.cases:
        print(f"Generating synthetic cases up to {args.cases:,}…", flush=True)
        result = generate_cases(args.cases, pool=args.child_pool, workers=args.workers)
        if result.get("written"):
            notes.append(f"generated {result['written']:,} cases in {result.get('seconds', 0):,} s")
    if args.institutions or args.placements:
        print("Generating institutions and placements…", flush=True)
        notes += care.generate(institutions=args.institutions or 900, placements=args.placements or 45_000)
    if args.facts:
        notes += reporting.rebuild_facts(force=True, workers=args.workers)
    if args.throughput:
        from bench import throughput

        for note in notes:
            print(note)
        users = [int(n) for n in args.users.split(",") if n.strip()]
        throughput.main(users, args.seconds, throughput.parse_configs(args.gunicorn), scale())
        return
    load_before = os.getloadavg()
    results = run(args.samples, args.registrations, searches=args.searches) if "registry" in only else []
    if "cases" in only and Case.objects.exists():
        from bench.casework import run_cases

        results += run_cases(args.samples, args.services)
    if "reporting" in only and Case.objects.exists():
        results += reporting.run_reporting(args.samples)
    if "care" in only:
        results += care.run_care(args.samples)
    print()
    for note in notes:
        print(note)
    load = ", ".join(f"{a:.1f}" for a in load_before)
    print(f"load average (1/5/15 min) before timing: {load}; after: {', '.join(f'{a:.1f}' for a in os.getloadavg())}")
    print(scale())
    header = f"{'operation (server time, ms)':<60} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
    print(f"{header} {'sql p95':>8} {'qry':>4} {'hits':>6}")
    for timing in results:
        print(timing.row())
