"""Case-management timings: the case page, the case list with filters, the task list and
"record a service", as the Westlands sub-county officer, the Nairobi county coordinator and a
national M&E officer (see ``bench.run``)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from bench.run import NAIROBI, WESTLANDS, Timing, bench_user, client_for, timed


def run_cases(samples: int, services: int, seed: int = 11) -> list[Timing]:
    from django.urls import reverse

    from cpims.accounts import roles as R
    from cpims.cases.models import Case
    from cpims.core.models import Code
    from cpims.geo.models import OrgUnit

    rng = random.Random(seed)
    westlands = OrgUnit.objects.get(code=WESTLANDS)
    officer_user = bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS)
    officer = client_for(officer_user)
    county = client_for(bench_user("bench.county", R.COUNTY_COORDINATOR, NAIROBI))
    national = client_for(bench_user("bench.national", R.NATIONAL_ME, "DCS-HQ"))
    ids = list(Case.objects.filter(office=westlands).values_list("pk", flat=True))
    if not ids:
        raise SystemExit("No case at Westlands: generate cases first (--cases).")
    picked = rng.sample(ids, min(samples, len(ids)))
    local = list(Case.objects.filter(pk__in=picked).values_list("public_id", "status"))
    open_cases = [pid for pid, status in local if status != Case.Status.CLOSED]
    if not open_cases:
        open_cases = list(
            Case.objects.filter(office=westlands)
            .exclude(status=Case.Status.CLOSED)
            .values_list("public_id", flat=True)[:services]
        )
    last = Case.objects.order_by("-reported_on").values_list("reported_on", flat=True).first()
    # Filters people use: a status, a common and a rarer category, the last quarter or year.
    common = {"CSIC", "CCCP", "CCDF", "CDIS", "CSNG"}
    categories = list(
        Code.objects.filter(code_list__name="case_category_id", code__in=common | {"CCCM", "CTRF", "CSAB"}).values_list(
            "pk", flat=True
        )
    )
    statuses = ["", "", Case.Status.CLOSED, Case.Status.SERVICES, Case.Status.REPORTED, Case.Status.ASSESSMENT]

    def filters() -> dict[str, Any]:
        days = rng.choice([30, 90, 365])
        data = {
            "status": rng.choice(statuses),
            "category": rng.choice([*categories, ""]),
            "reported_from": (last - dt.timedelta(days=days)).isoformat(),
            "reported_to": last.isoformat(),
        }
        if rng.random() < 0.3:
            data["page"] = rng.randrange(2, 5)
        return data

    case_list = reverse("cases:case_list")
    tasks = reverse("cases:task_list")

    def get(client: Any, url: str, data: dict[str, Any] | None = None) -> Callable[[], Any]:
        return lambda: client.get(url, data or {})

    def detail(pid: Any) -> str:
        return reverse("cases:case_detail", kwargs={"public_id": pid})

    for pid, _ in local[:5]:  # warm up
        officer.get(detail(pid))
    officer.get(case_list, filters())

    timings = [
        timed("case page (sub-county officer)", [get(officer, detail(pid)) for pid, _ in local]),
        timed("case page (county coordinator)", [get(county, detail(pid)) for pid, _ in local]),
        timed("case list, no filter (sub-county officer)", [get(officer, case_list) for _ in range(samples // 4)]),
        timed("case list, filtered (sub-county officer)", [get(officer, case_list, filters()) for _ in range(samples)]),
        timed("case list, filtered (county coordinator)", [get(county, case_list, filters()) for _ in range(samples)]),
        timed("case list, filtered (national)", [get(national, case_list, filters()) for _ in range(samples)]),
        timed("task list, mine (sub-county officer)", [get(officer, tasks) for _ in range(samples // 2)]),
        timed(
            "task list, office (sub-county officer)",
            [get(officer, tasks, {"view": "office"}) for _ in range(samples // 2)],
        ),
        timed("task list, mine (county coordinator)", [get(county, tasks) for _ in range(samples // 4)]),
    ]
    timings.append(
        timed("record a service on a case (POST)", _services(officer, westlands, open_cases, rng, services), 302)
    )
    return timings


def _services(client: Any, unit: Any, cases: list[Any], rng: random.Random, count: int) -> list[Callable[[], Any]]:
    from django.urls import reverse
    from django.utils import timezone

    from cpims.core.models import Code

    services = list(Code.objects.filter(code_list__name="intervention_id", is_active=True).values_list("pk", flat=True))
    today = timezone.localdate()
    url = reverse("cases:service_create")
    calls = []
    for i in range(count):
        pid = cases[i % len(cases)]
        data = {
            "service": rng.choice(services),
            "given_on": (today - dt.timedelta(days=rng.randrange(5))).isoformat(),
            "provider": unit.pk,
            "notes": "Bench: counselling session.",
        }
        calls.append(lambda pid=pid, data=data: client.post(f"{url}?case={pid}", data))
    return calls
