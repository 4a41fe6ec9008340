"""Children-in-care timings: institution pages (population figures), placement lists and pages,
alerts, and a child's profile with the care timeline (see ``bench.run``). Pages not yet in the
tree are skipped with a note."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse

from bench.run import NAIROBI, WESTLANDS, Timing, bench_user, client_for, timed


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def run_care(samples: int, seed: int = 13) -> list[Timing]:
    from cpims.accounts import roles as R
    from cpims.care.models import Placement
    from cpims.geo.models import OrgUnit

    rng = random.Random(seed)
    if _url("care:institution_list") is None:
        print("care: skipped (no care pages in the tree yet)")
        return []
    units = list(
        OrgUnit.objects.filter(code__startswith="BENCH-INST-", kind="cci")
        .order_by("code")
        .values_list("code", "public_id")
    )
    if not units:
        print("care: skipped (no bench institutions; run with --institutions/--placements)")
        return []
    managers = []
    for code, public_id in rng.sample(units, min(20, len(units))):
        user = bench_user(f"bench.manager.{code.lower()}", R.INSTITUTION_MANAGER, code)
        managers.append((client_for(user), public_id, code))
    county = client_for(bench_user("bench.county", R.COUNTY_COORDINATOR, NAIROBI))
    national = client_for(bench_user("bench.national", R.NATIONAL_ME, "DCS-HQ"))
    officer = client_for(bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS))
    nairobi_units = list(
        OrgUnit.objects.filter(code__startswith="BENCH-INST-", county__code="047").values_list("public_id", flat=True)
    )
    per = max(samples // len(managers), 1)

    def get(client: Any, url: str, data: dict[str, Any] | None = None) -> Callable[[], Any]:
        return lambda: client.get(url, data or {})

    detail = "care:institution_detail"
    timings = []
    calls = [get(c, _url(detail, public_id=pid)) for c, pid, _ in managers for _ in range(per)]
    managers[0][0].get(_url(detail, public_id=managers[0][1]))  # warm up
    timings.append(timed("institution page, population (manager)", calls))
    if nairobi_units:
        timings.append(
            timed(
                "institution page (county coordinator)",
                [get(county, _url(detail, public_id=rng.choice(nairobi_units))) for _ in range(samples // 2)],
            )
        )
    placements = list(
        Placement.objects.filter(ended_on__isnull=True, institution__code__in=[c for _, _, c in managers])
        .values_list("public_id", "institution__code")
        .order_by("pk")[: samples * 3]
    )
    by_code = {code: client for client, _, code in managers}
    if placements and _url("care:placement_detail", public_id=placements[0][0]):
        picks = rng.sample(placements, min(samples, len(placements)))
        timings.append(
            timed(
                "placement page (manager)",
                [get(by_code[code], _url("care:placement_detail", public_id=pid)) for pid, code in picks],
            )
        )
    plist = _url("care:placement_list")
    timings += [
        timed(
            "placement list, active (manager)", [get(c, plist) for c, _, _ in managers for _ in range(per // 2 or 1)]
        ),
        timed("placement list, active (county coordinator)", [get(county, plist) for _ in range(samples // 4)]),
        timed(
            "institution list (national)", [get(national, _url("care:institution_list")) for _ in range(samples // 4)]
        ),
    ]
    alerts = _url("care:alerts")
    if alerts:
        timings += [
            timed("care alerts (county coordinator)", [get(county, alerts) for _ in range(samples // 4)]),
            timed("care alerts (national)", [get(national, alerts) for _ in range(samples // 4)]),
        ]
    westlands = OrgUnit.objects.get(code=WESTLANDS)
    in_care = list(
        Placement.objects.filter(child__sub_county_id=westlands.sub_county_id)
        .values_list("child__public_id", flat=True)
        .distinct()[:samples]
    )
    if in_care:
        timings.append(
            timed(
                "child profile with care history (sub-county officer)",
                [get(officer, _url("registry:child_detail", public_id=pid)) for pid in in_care],
            )
        )
    return timings
