"""Where one request's time goes: ``python -m bench.profile`` (after ``python -m bench`` made data).

    DATABASE_URL=postgres://... python -m bench.profile --requests 30

Signs in as the bench's Westlands sub-county officer (as ``python -m bench``), requests the child
profile, the case page, the case list, the task list and the referrals list ``--requests`` times
each under cProfile, and prints, per page, the share of the request spent in each part of the
request path: session, user, second factor, scope grants and checks, the view's queries, the audit
insert, template rendering. Parts overlap (rendering runs queries, for example); "SQL" is every
query's driver time wherever it ran. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from collections.abc import Callable
from typing import Any

from bench.setup import django_setup

# (label, file path fragment, function name): cumulative time of these functions, per request.
PARTS: list[tuple[str, str, str]] = [
    ("session load (django_session)", "sessions/backends/db.py", "load"),
    ("user (auth middleware)", "django/contrib/auth/__init__.py", "get_user"),
    ("OTP device (django-otp)", "django_otp/middleware.py", "_verify_user_sync"),
    ("2FA required check", "cpims/accounts/queries.py", "requires_2fa"),
    ("session limits", "cpims/accounts/middleware.py", "_check"),
    ("scope: grants (one query)", "cpims/accounts/scope.py", "grants_for"),
    ("scope: can() checks", "cpims/accounts/scope.py", "can"),
    ("scope: perms over a row (memo)", "cpims/accounts/scope.py", "perms_over"),
    ("menu (context processor)", "cpims/site/context_processors.py", "navigation"),
    ("audit insert", "cpims/audit/actions.py", "audit_record"),
    ("view function (queries, rendering)", "django/core/handlers/base.py", "_get_response"),
    ("template rendering", "django/template/backends/django.py", "render"),
    ("SQL (driver time, all queries)", "django/db/backends/utils.py", "_execute"),
    ("ORM: compiling SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: building model rows", "django/db/models/query.py", "__iter__"),
    ("session save", "sessions/backends/db.py", "save"),
]


def _cumulative(stats: pstats.Stats, path: str, func: str) -> float:
    total = 0.0
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if name == func and path in filename:
            total += row[3]
    return total


def profile(label: str, calls: list[Callable[[], Any]]) -> None:
    calls[0]()  # warm: URL patterns, templates
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for call in calls:
        response = call()
        if response.status_code != 200:
            raise SystemExit(f"{label}: unexpected HTTP {response.status_code}")
    profiler.disable()
    wall = (time.perf_counter() - start) * 1000 / len(calls)
    stats = pstats.Stats(profiler)
    print(f"\n{label}: {wall:.1f} ms per request under cProfile ({len(calls)} requests)")
    for name, path, func in PARTS:
        ms = _cumulative(stats, path, func) * 1000 / len(calls)
        if ms:
            print(f"  {name:<36} {ms:>8.1f} ms  {100 * ms / wall:>5.1f} %")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)
    django_setup()
    from django.urls import reverse

    from bench.run import WESTLANDS, bench_user, client_for
    from cpims.accounts import roles as R
    from cpims.cases.models import Case
    from cpims.geo.models import OrgUnit

    rng = random.Random(5)
    office = OrgUnit.objects.get(code=WESTLANDS)
    client = client_for(bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS))
    cases = list(Case.objects.filter(office=office).values_list("public_id", "child__public_id")[:500])
    if not cases:
        raise SystemExit("No case at Westlands: run python -m bench --cases N first.")
    picks = rng.sample(cases, min(args.requests, len(cases)))

    def get(url: str) -> Callable[[], Any]:
        return lambda: client.get(url)

    pages = {
        "child profile": [get(reverse("registry:child_detail", kwargs={"public_id": c})) for _, c in picks],
        "case page": [get(reverse("cases:case_detail", kwargs={"public_id": p})) for p, _ in picks],
        "case list": [get(reverse("cases:case_list")) for _ in picks],
        "task list (mine)": [get(reverse("cases:task_list")) for _ in picks],
        "referrals sent": [get(reverse("referrals:sent")) for _ in picks],
    }
    for label, calls in pages.items():
        profile(label, calls)


if __name__ == "__main__":
    main()
