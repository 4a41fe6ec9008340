"""What the import did not bring in before (issue 14): referrals, court sessions, summonses, households."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.court.models import CourtSession, Summons
from cpims.legacy import actions
from cpims.legacy.models import ImportRun, LegacyMap, LegacyReject
from cpims.referrals.models import Referral
from cpims.registry.models import Household, HouseholdMember

pytestmark = pytest.mark.django_db(transaction=True)


def _run(url: str, **kw: Any) -> ImportRun:
    options = actions.Options(url=url, batch_size=kw.pop("batch_size", 2), **kw)
    run = actions.import_start(actor=None, options=options)
    return actions.import_run(actor=None, run=run, options=options)


def _referral(legacy_id: str) -> Referral:
    return Referral.objects.get(pk=LegacyMap.objects.get(legacy_table="ovc_referrals", legacy_id=legacy_id).object_pk)


def test_referrals_come_in_as_history_with_counts_and_rejects(legacy_db: dict[str, Any]) -> None:
    run = _run(legacy_db["url"])
    ids = legacy_db["referrals"]
    c = run.counts["ovc_referrals"]
    assert c["read"] == 4 and c["imported"] == 2 and c["rejected"] == 2
    done, still_open = _referral(ids["done"]), _referral(ids["open"])
    assert done.status == Referral.Status.COMPLETED and done.completed_at is not None
    assert str(done.sent_on) == "2023-04-01" and done.completed_at.date().isoformat() == "2023-05-01"
    assert done.destination_class is not None and done.destination_class.code == "RDPL"
    assert done.destination_type is not None and done.destination_type.code == "RDSA"
    assert done.to_unit_id == done.case.office_id == done.from_office_id
    assert still_open.status == Referral.Status.WITHDRAWN and still_open.withdraw_reason
    reasons = dict(
        LegacyReject.objects.filter(run=run, legacy_table="ovc_referrals").values_list("legacy_id", "reason")
    )
    assert reasons[ids["void"]] == "void in the legacy system"
    assert "orphaned" in reasons[ids["orphan"]]
    assert not any("not imported by this version" in r for r in reasons.values())


def test_a_rerun_leaves_imported_referrals_alone(legacy_db: dict[str, Any]) -> None:
    _run(legacy_db["url"])
    before = Referral.objects.count()
    again = _run(legacy_db["url"])
    assert Referral.objects.count() == before == 2
    assert again.counts["ovc_referrals"]["unchanged"] == 2 and again.counts["ovc_referrals"]["imported"] == 0


def _mapped(model: Any, legacy_id: str) -> Any:
    return model.objects.get(pk=LegacyMap.objects.get(legacy_table="ovc_case_events", legacy_id=legacy_id).object_pk)


def test_court_events_become_court_sessions_and_summonses(legacy_db: dict[str, Any]) -> None:
    run = _run(legacy_db["url"])
    hearing = _mapped(CourtSession, legacy_db["court"]["hearing"])
    assert hearing.session_type.code == "STHR" and hearing.plea is not None and hearing.plea.code == "PLNG"
    assert hearing.outcome is not None and hearing.outcome.code == "CADJ"
    assert str(hearing.held_on) == "2023-03-01" and str(hearing.next_date) == "2023-04-15"
    mention = _mapped(CourtSession, legacy_db["court"]["mention"])
    assert mention.session_type.code == "STMN" and mention.next_date is None and mention.outcome is None
    assert run.rejects.filter(legacy_id=legacy_db["court"]["mention"], reason__contains="left blank").exists()
    summons = _mapped(Summons, legacy_db["summons"])
    assert summons.status == Summons.Status.HONOURED and str(summons.honoured_on) == "2023-03-10"
    assert str(summons.issued_on) == "2023-03-01" and str(summons.due_on) == "2023-03-08"
    again = _run(legacy_db["url"])
    assert CourtSession.objects.count() == 2 and Summons.objects.count() == 1
    assert again.counts["ovc_case_events"]["imported"] == 0


def test_households_come_in_with_their_members(legacy_db: dict[str, Any]) -> None:
    run = _run(legacy_db["url"])
    maps = dict(LegacyMap.objects.filter(legacy_table="ovc_household").values_list("legacy_id", "object_pk"))
    household = Household.objects.get(pk=maps[legacy_db["households"]["halima"]])
    assert household.head is not None and household.registered_by_unit_id == household.head.registered_by_unit_id
    assert run.counts["ovc_household"] == {**run.counts["ovc_household"], "read": 2, "imported": 1, "rejected": 1}
    members = HouseholdMember.objects.filter(household=household)
    assert (
        members.filter(is_active=True).count() == 2
        and members.filter(is_active=False, left_on__isnull=False).count() == 1
    )
    c = run.counts["ovc_household_members"]
    assert c["read"] == 5 and c["imported"] == 3 and c["rejected"] == 2
    reasons = set(run.rejects.filter(legacy_table__startswith="ovc_household").values_list("legacy_id", "reason"))
    twice = {m for m, r in reasons if r == "already an active member of this household"}
    assert len(twice) == 1 and twice <= {legacy_db["members"]["again"], legacy_db["members"]["child"]}
    assert (legacy_db["households"]["chema"], "its head was not imported") in reasons
    again = _run(legacy_db["url"])
    assert HouseholdMember.objects.count() == 3 and Household.objects.count() == 1
    assert again.counts["ovc_household_members"]["unchanged"] == 3


def test_county_filter_skips_the_events_and_placements_of_the_cases_it_leaves_out(legacy_db: dict[str, Any]) -> None:
    from cpims.geo.models import Area

    other = Area.objects.filter(level="county").exclude(code="047").order_by("code").first()
    assert other is not None
    run = _run(legacy_db["url"], county_code=other.code)
    assert run.counts["ovc_case_record"]["imported"] == 0 and run.counts["ovc_case_record"]["skipped"] >= 2
    events = run.counts["ovc_case_events"]
    assert events["skipped"] >= 6 and events["rejected"] == 1  # only the event whose case never existed
    reasons = list(run.rejects.filter(legacy_table="ovc_case_events").values_list("reason", flat=True))
    assert reasons == ["orphaned: its case is missing or was not imported"]
    assert run.counts["ovc_placement"]["skipped"] == 2 and run.counts["ovc_placement"]["rejected"] == 0
    assert run.counts["ovc_referrals"]["skipped"] == 2 and run.counts["ovc_referrals"]["rejected"] == 2  # void, orphan
    assert not run.rejects.filter(legacy_table="ovc_placement").exists()
