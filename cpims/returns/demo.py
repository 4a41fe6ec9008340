"""Demo data of the returns app (CPIMS_DEMO only; idempotent).

A few past months of returns for the demo units, in several states, written through the actions
(so history and audit rows are real) with the time of each step set in the past:

* Westlands sub-county office (demo.officer): approved on time; returned with a comment, resubmitted
  and approved; submitted and awaiting the county. The last month is left for the officer to do.
* Tumaini demo NGO (demo.partner): approved; submitted late; a draft for last month.
* Turkana Central (demo.turkana.officer): approved; returned with a comment (awaiting resubmission).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cpims.accounts.models import User
from cpims.core.periods import Period
from cpims.geo.models import OrgUnit
from cpims.returns import actions, registry
from cpims.returns.models import MonthlyReturn
from cpims.returns.queries import last_months

NAIROBI = ZoneInfo(registry.NAIROBI)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NAIROBI)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _play(unit_code: str, officer: str, reviewer: str, period: Period, script: str) -> None:
    unit = OrgUnit.objects.filter(code=unit_code).first()
    who, boss = _user(officer), _user(reviewer)
    if unit is None or who is None or boss is None:
        return
    if MonthlyReturn.objects.filter(org_unit=unit, month=period.start).exists():
        return  # idempotent: never replay a month
    rk = registry.kind_for_org_unit_kind(unit.kind)
    if rk is None:
        return
    due = rk.due_date(period)
    start = _at(max(period.start, due - dt.timedelta(days=3)))
    ret = actions.return_open(actor=who, org_unit=unit, period=period, now=start)
    paper = {name: (i + 1) * 2 for i, name in enumerate(rk.field_names())}
    if script == "draft":
        actions.return_save(actor=who, ret=ret, paper=paper, expected_version=ret.version, now=start)
        return
    submit_at = _at(due, 9) if script != "late" else _at(due + dt.timedelta(days=4), 9)
    submit_at = max(submit_at, _at(period.end, 9))
    ret = actions.return_submit(actor=who, ret=ret, paper=paper, expected_version=ret.version, now=submit_at)
    step = submit_at
    if script in ("returned", "resubmitted"):
        step += dt.timedelta(days=1)
        ret = actions.return_send_back(
            actor=boss,
            ret=ret,
            comment="Please add the cases the chiefs reported at the baraza.",
            expected_version=ret.version,
            now=step,
        )
        if script == "returned":
            return
        step += dt.timedelta(days=1)
        paper[rk.field_names()[1]] += 3
        ret = actions.return_submit(actor=who, ret=ret, paper=paper, expected_version=ret.version, now=step)
    if script in ("approved", "resubmitted", "late_approved"):
        actions.return_approve(actor=boss, ret=ret, expected_version=ret.version, now=step + dt.timedelta(days=1))


def load_demo_returns() -> None:
    months = last_months(6)[1:]  # the five months before this one, newest first
    last, m2, m3, m4 = months[0], months[1], months[2], months[3]
    westlands = ("DCS-SC274", "demo.officer", "demo.coordinator")
    ngo = ("DEMO-NGO-WESTLANDS", "demo.partner", "demo.coordinator")
    turkana = ("DCS-SC125", "demo.turkana.officer", "demo.turkana.coordinator")
    plan = [
        (westlands, m4, "approved"),
        (westlands, m3, "resubmitted"),
        (westlands, m2, "submitted"),
        (ngo, m4, "approved"),
        (ngo, m3, "approved"),
        (ngo, m2, "late"),
        (ngo, last, "draft"),
        (turkana, m3, "approved"),
        (turkana, m2, "returned"),
    ]
    for (unit, officer, reviewer), period, script in plan:
        _play(unit, officer, reviewer, period, script)
