"""The import from a legacy CPIMS database: counts, rejects, re-runs, crashes, scope."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.cases.models import Case, CaseCategory, CaseClosure, ServiceRecord
from cpims.legacy import actions
from cpims.legacy.models import ImportRun, LegacyDuplicate, LegacyMap, LegacyReject
from cpims.registry.models import Identifier, Person, Relationship

pytestmark = pytest.mark.django_db(transaction=True)


def _run(url: str, **kw: Any) -> ImportRun:
    options = actions.Options(url=url, batch_size=kw.pop("batch_size", 2), **kw)
    run = actions.import_start(actor=None, options=options)
    return actions.import_run(actor=None, run=run, options=options)


def _state() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "categories": CaseCategory.objects.count(),
        "services": ServiceRecord.objects.count(),
        "closures": CaseClosure.objects.count(),
        "identifiers": Identifier.objects.count(),
        "relationships": Relationship.objects.count(),
        "placements": __import__("cpims.care.models", fromlist=["Placement"]).Placement.objects.count(),
        "maps": LegacyMap.objects.count(),
        "duplicates": LegacyDuplicate.objects.count(),
    }


@pytest.fixture(params=[1, 2], ids=["one-process", "two-processes"])
def workers(request: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """One process, and (PostgreSQL) every table cut into two ranges run by two processes."""
    from django.db import connection

    if request.param > 1:
        if connection.vendor != "postgresql":
            pytest.skip("parts run in parallel processes on PostgreSQL only")
        monkeypatch.setattr(actions, "PARALLEL_MIN_ROWS", 0)
    return int(request.param)


def test_counts_in_equal_counts_out_plus_rejects(legacy_db: dict[str, Any], workers: int) -> None:
    run = _run(legacy_db["url"], workers=workers)
    if workers > 1:  # the tables really were cut, and every part finished
        assert run.progress["reg_person#parts"] and run.progress["reg_person#1"] == "done"
    assert run.status == ImportRun.Status.DONE
    for table, c in run.counts.items():
        out = c["imported"] + c["updated"] + c["unchanged"] + c["skipped"] + c["rejected"]
        assert c["read"] == out, table
        counted_rejects = run.rejects.filter(legacy_table=table).exclude(reason__endswith="(left blank)")
        if table != "reg_person":  # sub-row rejects (categories, encounters) are reported under their own table
            assert counted_rejects.count() >= c["rejected"], table
    persons = run.counts["reg_person"]
    assert persons["read"] == 7  # six children and caregivers and one member of staff
    assert persons["imported"] == 4 and persons["rejected"] == 2 and persons["skipped"] == 1
    assert run.counts["ovc_case_record"]["imported"] == 2
    four = Case.objects.get(pk=LegacyMap.objects.get(legacy_id=legacy_db["cases"]["four"]).object_pk)
    assert four.categories.count() == 4
    assert four.perpetrators.count() == 1 and four.risk_level_id is None  # unknown risk code left blank
    assert run.rejects.filter(legacy_table="ovc_case_record", reason__contains="risk level").exists()
    reasons = set(LegacyReject.objects.values_list("legacy_table", "reason"))
    assert ("reg_person", "unknown sex code SXXX") in reasons
    assert any(t == "ovc_case_events" and "orphaned" in r for t, r in reasons)
    assert ("ovc_placement", "its institution does not map to an institution here") in reasons
    assert run.counts["ovc_placement"]["imported"] == 1 and run.counts["ovc_placement_followup"]["imported"] == 1
    from cpims.care.models import Placement
    from cpims.referrals.models import Transfer

    assert Placement.objects.get().institution == legacy_db["cci"]
    transfer = Transfer.objects.get()  # the closure "transferred to" the county office
    assert transfer.status == "accepted" and transfer.to_office.code == "DCS-C047"
    assert any(t == "ovc_case_events" and "VISIT" in r for t, r in reasons)
    assert Person.objects.filter(date_of_birth__isnull=True).count() == 1
    assert LegacyDuplicate.objects.count() == 1  # the duplicated child, linked for review, not merged
    assert Person.objects.filter(is_active=True).count() == 4
    plain = Case.objects.get(pk=LegacyMap.objects.get(legacy_id=legacy_db["cases"]["plain"]).object_pk)
    assert plain.status == Case.Status.CLOSED and plain.closure_outcome_id is not None
    assert ServiceRecord.objects.filter(case=four).count() == 1
    assert Relationship.objects.count() == 1
    from cpims.accounts.models import User

    staff = User.objects.get(username="sofficer")
    assert not staff.is_active and not staff.has_usable_password()
    assert staff.assignments.get().org_unit == legacy_db["office"]


def test_rerun_changes_nothing(legacy_db: dict[str, Any]) -> None:
    _run(legacy_db["url"])
    before = _state()
    second = _run(legacy_db["url"])
    assert _state() == before
    for table, c in second.counts.items():
        assert c["imported"] == 0 and c["updated"] == 0, table


def test_crash_then_rerun_equals_one_clean_run(legacy_db: dict[str, Any], tmp_path: Any, workers: int) -> None:
    options = actions.Options(url=legacy_db["url"], batch_size=2, workers=workers)
    run = actions.import_start(actor=None, options=options)
    with pytest.raises(actions.Interrupted):
        actions.import_run(actor=None, run=run, options=options, fail_after_batches=5)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    resumed = _run(legacy_db["url"], workers=workers)
    assert resumed.pk == run.pk and resumed.status == ImportRun.Status.DONE
    crashed = (_state(), resumed.counts)
    # A clean run on an empty database gives the same records and counts.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    from cpims.legacy.tests.legacy_schema import build_small

    path = tmp_path / "again.sqlite3"
    build_small(path)
    clean = _run(f"sqlite:///{path}")
    assert (_state(), clean.counts) == crashed


@pytest.mark.parametrize(("first", "then"), [(2, 1), (1, 2)], ids=["parts-then-one", "one-then-parts"])
def test_a_run_resumed_with_other_workers_finishes_as_it_began(
    legacy_db: dict[str, Any], monkeypatch: pytest.MonkeyPatch, first: int, then: int
) -> None:
    """Crashed in the middle of the cases with one number of processes, continued with another:
    no row read twice, every row accounted for."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parts run in parallel processes on PostgreSQL only")
    monkeypatch.setattr(actions, "PARALLEL_MIN_ROWS", 0)
    real = actions._cases
    batches = {"n": 0}  # per process: a forked part counts its own

    def crashes_on_the_second_batch(ctx: Any, rows: Any) -> None:
        batches["n"] += 1
        if batches["n"] > 1:
            raise actions.Interrupted
        real(ctx, rows)

    monkeypatch.setattr(actions, "_cases", crashes_on_the_second_batch)
    options = actions.Options(url=legacy_db["url"], batch_size=1, workers=first)
    run = actions.import_start(actor=None, options=options)
    with pytest.raises(actions.Interrupted):
        actions.import_run(actor=None, run=run, options=options)
    run.refresh_from_db()
    began_in_parts = "ovc_case_record#parts" in run.progress
    assert began_in_parts == (first > 1) and run.progress.get("ovc_case_record") != "done"
    monkeypatch.setattr(actions, "_cases", real)
    resumed = _run(legacy_db["url"], workers=then, batch_size=1)
    assert resumed.pk == run.pk and resumed.status == ImportRun.Status.DONE
    from cpims.legacy.reader import LegacyReader

    source = LegacyReader(legacy_db["url"])
    try:
        for table, c in resumed.counts.items():
            out = c["imported"] + c["updated"] + c["unchanged"] + c["skipped"] + c["rejected"]
            assert c["read"] == out == source.count(table) and c["unchanged"] == 0, table
    finally:
        source.close()
    assert resumed.counts["ovc_case_record"]["imported"] == 2


def test_dry_run_writes_nothing_but_the_report(legacy_db: dict[str, Any]) -> None:
    run = _run(legacy_db["url"], dry_run=True)
    assert Person.objects.count() == 0 and LegacyMap.objects.count() == 0
    assert run.counts["reg_person"]["imported"] == 4
    assert run.rejects.filter(legacy_table="reg_person").count() == 2
