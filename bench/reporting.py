"""Reporting timings: caseload tables (national, county, sub-county), dashboards and packs, and
the timed full rebuild of the caseload facts (``cpims.reporting.facts.rebuild_all``). Parts whose
app is not in the tree yet are skipped with a note.

The generators write cases with COPY, behind the back of the facts' change tracking, so the facts
are rebuilt (and timed) whenever their count does not match the cases'.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.urls import NoReverseMatch, reverse

from bench.generate import analyse_statement
from bench.run import NAIROBI, WESTLANDS, Timing, bench_user, client_for, timed

TABLE_URLS = ("reporting:caseload",)


def _facts_ready() -> bool:
    from django.db import connection

    try:
        from cpims.reporting import facts
        from cpims.reporting.models import CaseFact
    except ImportError:
        return False
    return CaseFact._meta.db_table in connection.introspection.table_names() and hasattr(facts, "rebuild_all")


def rebuild_facts(force: bool = False, workers: int = 1) -> list[str]:
    """Build the caseload facts: all of them with ``force`` (``rebuild_all()``, or with
    ``workers`` > 1 on PostgreSQL the same ``refresh_cases()`` over that many processes), else
    only the cases that have none (after a generator top-up). Returns a note with the time."""
    if not _facts_ready():
        return ["reporting: no caseload facts in the tree yet — rebuild skipped"]
    from django.db.models import Exists, OuterRef

    from cpims.cases.models import Case
    from cpims.reporting.facts import rebuild_all
    from cpims.reporting.models import CaseFact

    cases = Case.objects.count()
    if not force and CaseFact.objects.filter(primary=True).count() == cases:
        return []
    started = time.monotonic()
    if force and workers <= 1:
        print(f"Rebuilding the caseload facts for {cases:,} cases (rebuild_all)…", flush=True)
        rebuild_all(progress=_progress(started))
        what = "rebuild_all()"
    else:
        ids = Case.objects.order_by("pk")
        if not force:
            ids = ids.filter(~Exists(CaseFact.objects.filter(case_id=OuterRef("pk"))))
        ids = list(ids.values_list("pk", flat=True))
        print(f"Building the caseload facts of {len(ids):,} cases in {workers} process(es)…", flush=True)
        _refresh_parallel(ids, workers)
        what = f"refresh_cases() of {len(ids):,} cases in {workers} process(es)"
    seconds = time.monotonic() - started
    rows = CaseFact.objects.count()
    _analyse()
    return [f"facts: {what} took {seconds:,.0f} s; {cases:,} cases, {rows:,} fact rows"]


def _progress(started: float) -> Callable[[int, int], None]:
    last = [started]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 30 or done == total:
            last[0] = time.monotonic()
            print(f"  {done:>11,} / {total:,} cases ({done / max(last[0] - started, 0.001):,.0f}/s)", flush=True)

    return progress


def _refresh_parallel(ids: list[int], workers: int) -> None:
    import multiprocessing

    from django.db import connection, connections
    from django.utils import timezone

    from cpims.reporting.models import FactState

    def work(part: list[int], tag: str) -> None:
        from cpims.reporting.facts import refresh_cases

        started = time.monotonic()
        report = _progress(started)
        for i in range(0, len(part), 10_000):
            refresh_cases(part[i : i + 10_000], rollup=False)
            report(min(i + 10_000, len(part)), len(part))

    if workers > 1 and connection.vendor == "postgresql":
        size = -(-len(ids) // workers)
        connections.close_all()
        mp = multiprocessing.get_context("fork")
        procs = [
            mp.Process(target=work, args=(ids[i : i + size], f"[{n}] ")) for n, i in enumerate(range(0, len(ids), size))
        ]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        if any(proc.exitcode for proc in procs):
            raise SystemExit("bench: a facts process failed")
    else:
        work(ids, "")
    # As rebuild_all(): the dashboards' roll-ups are recounted once at the end, and the facts are
    # current as of now, so the periodic sweep starts from here.
    from cpims.reporting import rollups

    rollups.rebuild()
    FactState.objects.update_or_create(pk=1, defaults={"swept_at": timezone.now()})


def _analyse() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        from cpims.reporting.models import (
            CaseFact,
            CaseloadMonth,
            CaseMonth,
            CategoryMonth,
            FollowUpDue,
            FollowUpFact,
            ReferralFact,
            ServiceFact,
        )

        models = (
            CaseFact,
            ReferralFact,
            ServiceFact,
            FollowUpFact,
            CaseMonth,
            CategoryMonth,
            CaseloadMonth,
            FollowUpDue,
        )
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"{analyse_statement()} {connection.ops.quote_name(model._meta.db_table)}")


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def run_reporting(samples: int, seed: int = 17) -> list[Timing]:
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    if not _facts_ready():
        print("reporting: skipped (no caseload facts in the tree yet)")
        return []
    notes = rebuild_facts()
    for note in notes:
        print(note)
    rng = random.Random(seed)
    westlands = OrgUnit.objects.select_related("sub_county", "county").get(code=WESTLANDS)
    users = {
        "national": bench_user("bench.national", R.NATIONAL_ME, "DCS-HQ"),
        "county": bench_user("bench.county", R.COUNTY_COORDINATOR, NAIROBI),
        "sub-county": bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS),
    }
    areas = {"national": None, "county": westlands.county, "sub-county": westlands.sub_county}
    timings = _tables(users, areas, samples, rng)
    timings += _dashboards(users, areas, samples)
    timings += _packs(users, areas)
    return timings


def _periods() -> list[Any]:
    from bench.cases import END
    from cpims.core.periods import Period

    fy = Period.containing("fy", END).previous()  # the last complete financial year
    return [fy, fy.previous(), Period.containing("quarter", END).previous(), Period.containing("month", END)]


def _tables(users: dict[str, Any], areas: dict[str, Any], samples: int, rng: random.Random) -> list[Timing]:
    """Caseload tables: through the page when the reporting pages exist, else the query."""
    from cpims.core import ages

    periods = _periods()
    url = next((u for u in (_url(n) for n in TABLE_URLS) if u), None)
    n = max(samples // 4, 10)
    out = []
    if url is None:
        try:
            from cpims.reporting.queries import caseload_table
        except ImportError:
            print("reporting: no caseload_table yet — tables skipped")
            return []
        for level, user in users.items():
            for rows in ("category", "intervention"):
                calls = []
                for _ in range(n):
                    kwargs = {"period": rng.choice(periods), "rows": rows, "bands": rng.choice([ages.DCS, ages.KNBS])}
                    calls.append(lambda u=user, a=areas[level], k=kwargs: _Ok(caseload_table(u, area=a, **k)))
                calls[0]()  # warm up
                out.append(timed(f"caseload table by {rows}, {level} (query, no page)", calls))
        return out
    breakdowns = ["status", "risk_level", "reporter_type", "place_of_event", "sub_category", "month"]
    # National users also report on a region: the largest, Rift Valley (14 counties).
    from cpims.geo.models import Area

    region = Area.objects.filter(level="region", code="05").first()
    levels = [(level, user, areas[level]) for level, user in users.items()]
    if region is not None:
        levels.insert(1, ("region", users["national"], region))
    for level, user, area in levels:
        client = client_for(user)
        calls = []
        for _ in range(n):
            # One page = three tables: category and intervention × sex × age band, and a breakdown.
            data = {
                "period": rng.choice(periods).code,
                "bands": rng.choice([ages.DCS, ages.KNBS]),
                "breakdown": rng.choice(breakdowns),
            }
            if area is not None:
                data["area"] = area.key
            calls.append(lambda c=client, d=data: c.get(url, d))
        calls[0]()
        out.append(timed(f"caseload tables page (3 tables), {level}", calls))
    from cpims.reporting.queries import caseload_table

    fy = periods[0]
    calls = [lambda: _Ok(caseload_table(users["national"], period=fy, rows="category")) for _ in range(n)]
    out.append(timed(f"caseload_table() by category, national, {fy.label} (query)", calls))
    return out


class _Ok:
    status_code = 200

    def __init__(self, value: Any) -> None:
        self.value = value


def _dashboards(users: dict[str, Any], areas: dict[str, Any], samples: int) -> list[Timing]:
    if _url("dashboards:national") is None:
        print("reporting: no dashboard pages yet — skipped")
        return []
    periods = _periods()
    n = max(samples // 4, 10)
    out = []
    for level, user in users.items():
        client = client_for(user)
        area = areas[level]
        url = _url("dashboards:national") if area is None else _url("dashboards:area", key=area.key)
        codes = [periods[i % len(periods)].code for i in range(n)]
        calls: list[Callable[[], Any]] = [(lambda c=client, u=url, p=code: c.get(u, {"period": p})) for code in codes]
        calls[0]()
        out.append(timed(f"dashboard, {level}", calls))
    map_url = _url("dashboards:map")
    if map_url:
        client = client_for(users["national"])
        calls = [(lambda c=client, p=code: c.get(map_url, {"period": p})) for code in codes]
        calls[0]()
        out.append(timed("county map of cases (national)", calls))
    return out


def _packs(users: dict[str, Any], areas: dict[str, Any], runs: int = 3) -> list[Timing]:
    """One pack (the county AAC quarterly), built in-process as the background task would."""
    try:
        from cpims.reporting.dashboards.packs import build_pack
    except ImportError:
        print("reporting: no packs yet — skipped")
        return []
    quarter = _periods()[2]
    county = areas["county"]
    out = []
    for fmt in ("pdf", "xlsx"):
        download = SimpleNamespace(
            owner=users["county"],
            kind="pack_aac_quarterly",
            params={"period": quarter.code, "area": county.key, "format": fmt},
        )
        calls = [lambda d=download: _Ok(build_pack(d, lambda pct, msg: None)) for _ in range(runs)]
        out.append(timed(f"AAC quarterly pack, {county.name} county ({fmt}, built in-process)", calls))
    national = SimpleNamespace(
        owner=users["national"],
        kind="pack_national_annual",
        params={"period": _periods()[0].code, "area": "national", "format": "pdf"},
    )
    out.append(
        timed(
            "national annual pack (pdf, built in-process)",
            [lambda: _Ok(build_pack(national, lambda pct, msg: None)) for _ in range(runs)],
        )
    )
    return out
