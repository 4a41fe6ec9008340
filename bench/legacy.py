"""Bench of the legacy import: build a synthetic legacy CPIMS database (PostgreSQL) of a given size
and time ``import_legacy_cpims`` into the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legacy_bench \\
    python -m bench.legacy --source postgres://postgres@127.0.0.1:5432/legacy_src --persons 20000 --cases 20000

The source database is dropped and recreated (it must be a scratch database: the name must
contain "legacy"). Names are synthetic (bench/names.py). Every person is a child with a
caregiver, in a ward of the 47 counties; each case has one to four categories, a service event
and, for a third, a closure. One child in fifty is registered a second time (``PLANTED_EVERY``),
the way the same child ends up twice in a real register: a name misspelled, the names swapped, the
middle name added, or the date of birth a few weeks out; the bench counts how many of these the
import's duplicate check links (table ``bench_planted`` in the source, which the import ignores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import names as N
from bench.setup import django_setup

SEED = 20260101
PLANTED_EVERY = 50
PLANTED_KINDS = ("misspelled", "swapped", "middle name added", "birth date out", "misspelled, birth date out")


def _planted(rng: random.Random, kind: str, first: str, family: str, born: dt.date) -> tuple[str, str, str, dt.date]:
    """(first, other names, surname, date of birth) of the second registration of a child."""
    shift = dt.timedelta(days=rng.randint(3, 60) * rng.choice((-1, 1)))
    if kind == "misspelled":
        return (
            (N.misspell(rng, first), "", family, born)
            if rng.random() < 0.5
            else (first, "", N.misspell(rng, family), born)
        )
    if kind == "swapped":
        return family, "", first, born
    if kind == "middle name added":
        return first, N.family_name(rng, "kikuyu"), family, born
    if kind == "birth date out":
        return first, "", family, born + shift
    return N.misspell(rng, first), "", family, born + shift


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "legacy" not in name:
        raise SystemExit("the source database name must contain 'legacy' (it is dropped and recreated)")
    return urlunsplit(parts._replace(path="/postgres")), name


def build(url: str, persons: int, cases: int) -> None:
    import psycopg
    from psycopg import sql

    from cpims.core.models import Code
    from cpims.geo.models import Area, OrgUnit
    from cpims.legacy.tests.legacy_schema import ddl

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    rng = random.Random(SEED)
    wards = list(Area.objects.filter(level="ward").values_list("pk", "code", "sub_county__code", "county__code"))
    offices = {o.sub_county_id: o for o in OrgUnit.objects.filter(kind="sub_county_office", is_active=True)}
    by_sub: dict[str, list[tuple[int, str, str]]] = {}
    for pk, code, sub_code, county_code in wards:
        by_sub.setdefault(sub_code, []).append((pk, code, county_code))
    subs = {a.code: a for a in Area.objects.filter(level="sub_county")}
    usable = [(subs[s], ws) for s, ws in by_sub.items() if s in subs and subs[s].pk in offices]
    cats = list(Code.objects.filter(code_list__name="case_category_id").values_list("code", flat=True).distinct())
    services = list(Code.objects.filter(code_list__name="intervention_id").values_list("code", flat=True).distinct())
    outcomes = list(Code.objects.filter(code_list__name="closure_outcome_id").values_list("code", flat=True).distinct())
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for stmt in ddl(postgres=True):
            cur.execute(stmt)
        geo: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        area_id = 0
        geo_ids: dict[tuple[str, str], int] = {}
        for county in Area.objects.filter(level="county"):
            area_id += 1
            geo_ids[("GPRV", county.code)] = area_id
            geo.append((area_id, "GPRV", county.name, county.code))
        unit_ids: dict[int, int] = {}
        for sub, ws in usable:
            area_id += 1
            geo_ids[("GDIS", sub.code)] = area_id
            geo.append((area_id, "GDIS", sub.name, sub.code))
            office = offices[sub.pk]
            unit_ids[sub.pk] = len(units) + 1
            units.append((len(units) + 1, office.code, office.name, "TNGD"))
            for _pk, code, _c in ws:
                area_id += 1
                geo_ids[("GWRD", code)] = area_id
                geo.append((area_id, "GWRD", code, code))
        cur.executemany(
            "INSERT INTO list_geo (area_id, area_type_id, area_name, area_code, is_void) "
            "VALUES (%s, %s, %s, %s, false)",
            geo,
        )
        cur.executemany(
            "INSERT INTO reg_org_unit (id, org_unit_id_vis, org_unit_name, org_unit_type_id, is_void) "
            "VALUES (%s, %s, %s, %s, false)",
            units,
        )
        children = max(persons // 2, 1)
        people, types, pgeo, guardians = [], [], [], []
        child_home: dict[int, tuple[int, int]] = {}
        planted: list[tuple[int, int, str]] = []
        twins: list[tuple[Any, ...]] = []
        today = dt.date(2026, 1, 1)
        for i in range(children):
            sub, ws = usable[rng.randrange(len(usable))]
            ward = ws[rng.randrange(len(ws))]
            community = N.community_for(rng, ward[2])
            family = N.family_name(rng, community)
            child_id, carer_id = 2 * i + 1, 2 * i + 2
            sex = rng.choice(("SMAL", "SFEM"))
            born = today - dt.timedelta(days=rng.randrange(365, 17 * 365))
            people.append(
                (child_id, N.given_name(rng, community, "male" if sex == "SMAL" else "female"), family, sex, born)
            )
            people.append(
                (carer_id, N.given_name(rng, community, "female"), family, "SFEM", born - dt.timedelta(days=9000))
            )
            types += [(child_id, child_id, "TBVC"), (carer_id, carer_id, "TBGR")]
            pgeo += [(child_id, child_id, geo_ids[("GWRD", ward[1])]), (carer_id, carer_id, geo_ids[("GWRD", ward[1])])]
            guardians.append((i + 1, child_id, carer_id, "CGPM"))
            child_home[child_id] = (unit_ids[sub.pk], geo_ids[("GDIS", sub.code)])
            if i % PLANTED_EVERY == PLANTED_EVERY - 1:
                twin_id = 2 * children + len(planted) + 1
                kind = PLANTED_KINDS[len(planted) % len(PLANTED_KINDS)]
                first, other, surname, twin_born = _planted(rng, kind, people[-2][1], family, born)
                twins.append((twin_id, first, other, surname, sex, twin_born))
                types.append((twin_id, twin_id, "TBVC"))
                pgeo.append((twin_id, twin_id, geo_ids[("GWRD", ward[1])]))
                planted.append((twin_id, child_id, kind))
        cur.executemany(
            "INSERT INTO reg_person (id, first_name, surname, sex_id, date_of_birth, is_void) "
            "VALUES (%s, %s, %s, %s, %s, false)",
            people,
        )
        cur.executemany(
            "INSERT INTO reg_person (id, first_name, other_names, surname, sex_id, date_of_birth, is_void) "
            "VALUES (%s, %s, %s, %s, %s, %s, false)",
            twins,
        )
        cur.executemany(
            "INSERT INTO reg_persons_org_units (id, person_id, org_unit_id, primary_unit, is_void) "
            "VALUES (%s, %s, %s, true, false)",
            [(n + 1, twin, child_home[child][0]) for n, (twin, child, _) in enumerate(planted)],
        )
        cur.execute("CREATE TABLE bench_planted (twin_id INTEGER, child_id INTEGER, kind TEXT)")
        cur.executemany("INSERT INTO bench_planted VALUES (%s, %s, %s)", planted)
        cur.executemany(
            "INSERT INTO reg_persons_types (id, person_id, person_type_id, is_void) VALUES (%s, %s, %s, false)", types
        )
        cur.executemany(
            "INSERT INTO reg_persons_geo (id, person_id, area_id, area_type, is_void) "
            "VALUES (%s, %s, %s, 'GPRR', false)",
            pgeo,
        )
        cur.executemany(
            "INSERT INTO reg_persons_guardians (id, child_person_id, guardian_person_id, relationship, is_void) "
            "VALUES (%s, %s, %s, %s, false)",
            guardians,
        )
        records, cgeo, ccats, events, encounters, closures = [], [], [], [], [], []
        for i in range(cases):
            child = 2 * (i % children) + 1
            unit, sub_geo = child_home[child]
            cid = uuid.UUID(int=rng.getrandbits(128), version=4)
            opened = today - dt.timedelta(days=rng.randrange(1, 2000))
            records.append((cid, f"C/{i}", "PKNW", "RLMD", opened, "CRMO", "ACTIVE", "ANNO", child, opened))
            cgeo.append((i + 1, cid, sub_geo, unit, sub_geo, "", "", child))
            for code in rng.sample(cats, rng.randint(1, 4)):
                ccats.append((uuid.UUID(int=rng.getrandbits(128), version=4), cid, code, opened, "PEHF", "OOEV", child))
            eid = uuid.UUID(int=rng.getrandbits(128), version=4)
            events.append((eid, "SERVICES", opened, cid))
            encounters.append((uuid.UUID(int=rng.getrandbits(128), version=4), rng.choice(services), opened, eid))
            if i % 3 == 0:
                cl = uuid.UUID(int=rng.getrandbits(128), version=4)
                events.append((cl, "CLOSURE", opened, cid))
                closures.append((uuid.UUID(int=rng.getrandbits(128), version=4), rng.choice(outcomes), opened, cl))
        cur.executemany(
            "INSERT INTO ovc_case_record (case_id, case_serial, perpetrator_status, risk_level, date_case_opened, "
            "case_reporter, case_status, referral_present, person_id, timestamp_created, is_void, case_stage) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, false, 0)",
            records,
        )
        cur.executemany(
            "INSERT INTO ovc_case_geo (id, case_id_id, report_subcounty_id, report_orgunit_id, occurence_subcounty_id, "
            "occurence_ward, occurence_village, person_id, is_void) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, false)",
            cgeo,
        )
        cur.executemany(
            "INSERT INTO ovc_case_category (case_category_id, case_id_id, case_category, date_of_event, "
            "place_of_event, case_nature, person_id, is_void) VALUES (%s, %s, %s, %s, %s, %s, %s, false)",
            ccats,
        )
        cur.executemany(
            "INSERT INTO ovc_case_events (case_event_id, case_event_type_id, date_of_event, case_event_details, "
            "case_event_notes, case_id_id, app_user_id, is_void) VALUES (%s, %s, %s, '', '', %s, 1, false)",
            events,
        )
        cur.executemany(
            "INSERT INTO ovc_case_event_encounters (service_id, service_provided, date_of_encounter_event, "
            "case_event_id_id, is_void) VALUES (%s, %s, %s, %s, false)",
            encounters,
        )
        cur.executemany(
            "INSERT INTO ovc_case_event_closure (closure_id, case_outcome, date_of_case_closure, case_closure_notes, "
            "case_event_id_id, is_void, is_active) VALUES (%s, %s, %s, '', %s, false, true)",
            closures,
        )
        # The indexes the legacy Django models declare on their foreign keys.
        for table, column in (
            ("reg_persons_types", "person_id"),
            ("reg_persons_geo", "person_id"),
            ("reg_persons_org_units", "person_id"),
            ("reg_persons_guardians", "guardian_person_id"),
            ("reg_persons_guardians", "child_person_id"),
            ("ovc_case_record", "person_id"),
            ("ovc_case_events", "case_id_id"),
            ("ovc_case_geo", "case_id_id"),
            ("ovc_case_geo", "person_id"),
            ("ovc_case_category", "case_id_id"),
            ("ovc_case_sub_category", "case_category_id"),
            ("ovc_case_event_encounters", "case_event_id_id"),
            ("ovc_case_event_closure", "case_event_id_id"),
        ):
            cur.execute(f"CREATE INDEX ON {table} ({column})")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        # Statistics, as a restored dump has once analysed (the migration guide says to): without
        # them the planner reads each batch's categories by scanning the whole table.
        conn.execute("ANALYZE")


def planted_found(url: str, desk_sample: int = 100) -> dict[str, Any]:
    """Of the planted second registrations, how many the import linked to their first, by kind;
    and, on a sample, how many the registry's per-child check (at the desk) proposes."""
    import psycopg

    from cpims.legacy.actions import service_user
    from cpims.legacy.models import LegacyDuplicate, LegacyMap
    from cpims.registry.actions.inputs import PersonInput
    from cpims.registry.models import Person
    from cpims.registry.queries import duplicate_candidates

    with psycopg.connect(url) as conn:
        planted = conn.execute("SELECT twin_id, child_id, kind FROM bench_planted ORDER BY twin_id").fetchall()
    ids = {str(t) for t, _, _ in planted} | {str(c) for _, c, _ in planted}
    maps: dict[str, int] = {}
    chunk = sorted(ids)
    for start in range(0, len(chunk), 5000):
        maps.update(
            LegacyMap.objects.filter(legacy_table="reg_person", legacy_id__in=chunk[start : start + 5000]).values_list(
                "legacy_id", "object_pk"
            )
        )
    linked = set(LegacyDuplicate.objects.values_list("person_id", "candidate_id"))
    by_kind: dict[str, list[int]] = {}
    desk = [0, 0]
    user = service_user()
    for n, (twin, child, kind) in enumerate(planted):
        a, b = maps.get(str(twin)), maps.get(str(child))
        row = by_kind.setdefault(kind, [0, 0])
        row[1] += 1
        if a is None or b is None:
            continue
        row[0] += (min(a, b), max(a, b)) in linked
        if n < desk_sample:
            data = PersonInput.from_person(Person.objects.get(pk=a))
            found = duplicate_candidates(user, data, exclude=[a], limit=3, audit=False)
            desk[0] += any(c.person.pk == b for c in found)
            desk[1] += 1
    return {"by_kind": by_kind, "desk": desk}


def run_import(url: str, batch: int, duplicates: bool, workers: int = 1) -> dict[str, Any]:
    from cpims.legacy import actions

    options = actions.Options(url=url, batch_size=batch, check_duplicates=duplicates, workers=workers)
    started = time.monotonic()
    run = actions.import_run(actor=None, run=actions.import_start(actor=None, options=options), options=options)
    return {"seconds": time.monotonic() - started, "counts": run.counts}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True, help="postgres URL of the scratch legacy database to build")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--no-duplicate-check", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="import processes for the large tables")
    args = parser.parse_args(argv)
    django_setup()
    if not args.skip_build:
        t = time.monotonic()
        build(args.source, args.persons, args.cases)
        print(f"built the legacy database in {time.monotonic() - t:.1f} s")
    result = run_import(args.source, args.batch, not args.no_duplicate_check, args.workers)
    rows = sum(c["read"] for c in result["counts"].values())
    print(f"imported in {result['seconds']:.1f} s: {rows:,} legacy rows, {rows / result['seconds']:,.0f} rows/s")
    for table, c in sorted(result["counts"].items()):
        print(f"  {table}: {c}")
    if not args.no_duplicate_check:
        found = planted_found(args.source)
        total = [sum(v[i] for v in found["by_kind"].values()) for i in (0, 1)]
        print(f"planted second registrations linked by the import: {total[0]:,}/{total[1]:,}")
        for kind, (hit, n) in found["by_kind"].items():
            print(f"  {kind}: {hit}/{n}")
        print(f"the per-child check at the desk, on the first {found['desk'][1]}: {found['desk'][0]} proposed")


if __name__ == "__main__":
    main()
