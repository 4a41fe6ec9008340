"""Throughput: a concurrent mixed workload over real HTTP against gunicorn (``make bench``).

    python -m bench --throughput                       # 20, 50 and 200 users, 60 s each
    python -m bench --throughput --users 20 --seconds 30 --gunicorn 2x4,4x2

Starts gunicorn as ``make serve`` does (``cpims.wsgi:application``, gthread, demo settings so bench
users sign in without a second factor) on a free loopback port, signs bench users in through the
login form (accounts with a random password, made only in the bench database), then runs virtual
users, each in a thread with its own HTTP session, through the main roles' journeys until the time
is up: name search, child profile, case page, record a service (the form, then its POST with the
CSRF token), task list, dashboard and caseload table. Prints requests/s, p50/p95 per page and the
errors, with the scale, the gunicorn configuration and the load average beside every figure.
Loopback only; timings are printed, never asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Sessions signed in per role: virtual users of a role share them (each has its own connection),
# so 200 users do not cost 200 password hashes before the clock starts.
SESSIONS_PER_ROLE = 4
Sessions = dict[str, list[dict[str, str]]]  # account -> the cookies of its signed-in sessions


@dataclass
class Step:
    """One request of a journey: the page it counts for, then method, path and form data."""

    page: str
    method: str
    path: str
    data: dict[str, Any] | None = None
    expect: tuple[int, ...] = (200,)
    form: str = ""  # a path to GET first for the CSRF token (the page the user submits)


@dataclass
class Role:
    """A kind of user: the account that signs in and the journeys it repeats (weight, steps)."""

    name: str
    username: str
    weight: int
    journeys: list[Callable[[random.Random], list[Step]]]


@dataclass
class Result:
    users: int
    seconds: float
    millis: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.millis.values()) + sum(self.errors.values())

    def total_errors(self) -> int:
        return sum(self.errors.values())


class Recorder:
    def __init__(self, users: int) -> None:
        self.result = Result(users, 0.0)
        self.lock = threading.Lock()

    def ok(self, page: str, millis: float) -> None:
        with self.lock:
            self.result.millis.setdefault(page, []).append(millis)

    def error(self, page: str, what: str) -> None:
        with self.lock:
            self.result.errors[page] = self.result.errors.get(page, 0) + 1
            if len(self.result.error_samples) < 5:
                self.result.error_samples.append(f"{page}: {what}")


# --- the bench database side: accounts and the pages to visit --------------------------------------


def prepare() -> tuple[list[Role], dict[str, str]]:
    """Bench accounts with a fresh random password (set here, in the bench database only) and the
    roles' journeys over the synthetic records. Needs Django set up (``bench.setup``)."""
    from django.urls import reverse
    from django.utils import timezone

    from bench.run import NAIROBI, WESTLANDS, bench_user
    from cpims.accounts import roles as R
    from cpims.cases.models import Case
    from cpims.core.models import Code
    from cpims.geo.models import OrgUnit
    from cpims.registry.models import Person

    westlands = OrgUnit.objects.get(code=WESTLANDS)
    accounts = {
        "officer": bench_user("bench.officer", R.SUBCOUNTY_OFFICER, WESTLANDS),
        "county": bench_user("bench.county", R.COUNTY_COORDINATOR, NAIROBI),
        "national": bench_user("bench.national", R.NATIONAL_ME, "DCS-HQ"),
    }
    passwords = {}
    for user in accounts.values():
        password = secrets.token_urlsafe(18)
        user.set_password(password)
        user.save(update_fields=["password"])
        passwords[user.username] = password
    children = list(
        Person.objects.filter(sub_county_id=westlands.sub_county_id, kind="child", is_active=True)
        .order_by("?")
        .values("public_id", "first_name", "last_name")[:300]
    )
    cases = list(Case.objects.filter(office=westlands).order_by("?").values_list("public_id", "status")[:300])
    open_cases = [pid for pid, status in cases if status != Case.Status.CLOSED]
    if not children or not open_cases:
        raise SystemExit("No child or open case at Westlands: generate some first (--children, --cases).")
    nairobi_cases = list(
        Case.objects.filter(office__county_id=westlands.county_id)
        .order_by("?")
        .values_list("public_id", flat=True)[:300]
    ) or [pid for pid, _ in cases]
    services = list(Code.objects.filter(code_list__name="intervention_id", is_active=True).values_list("pk", flat=True))
    search = reverse("registry:search")
    service = reverse("cases:service_create")
    tasks = reverse("cases:task_list")
    dashboard = reverse("dashboards:home")
    caseload = reverse("reporting:caseload")
    today = timezone.localdate()

    def name_search(r: random.Random) -> list[Step]:
        c = r.choice(children)
        return [Step("name search (POST)", "POST", search, {"q": f"{c['first_name']} {c['last_name']}"})]

    def profile(r: random.Random) -> list[Step]:
        c = r.choice(children)
        return [Step("child profile", "GET", reverse("registry:child_detail", kwargs={"public_id": c["public_id"]}))]

    def case_page(pool: list[Any]) -> Callable[[random.Random], list[Step]]:
        def steps(r: random.Random) -> list[Step]:
            return [Step("case page", "GET", reverse("cases:case_detail", kwargs={"public_id": r.choice(pool)}))]

        return steps

    def record_service(r: random.Random) -> list[Step]:
        url = f"{service}?case={r.choice(open_cases)}"
        data = {
            "service": r.choice(services),
            "given_on": (today - dt.timedelta(days=r.randrange(5))).isoformat(),
            "provider": westlands.pk,
            "notes": "Bench: counselling session.",
        }
        return [Step("record a service (form + POST)", "POST", url, data, (302,), form=url)]

    def page(name: str, path: str) -> Callable[[random.Random], list[Step]]:
        return lambda r: [Step(name, "GET", path)]

    tasks_page = page("task list", tasks)
    roles = [
        Role(
            "sub-county officer",
            "bench.officer",
            6,
            [name_search, name_search, profile, case_page([pid for pid, _ in cases]), record_service, tasks_page],
        ),
        Role(
            "county coordinator",
            "bench.county",
            3,
            [page("dashboard", dashboard), page("caseload table", caseload), case_page(nairobi_cases), tasks_page],
        ),
        Role("national M&E officer", "bench.national", 1, [page("dashboard", dashboard), name_search]),
    ]
    return roles, passwords


# --- the HTTP side: gunicorn, sign-in, virtual users ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 60.0) -> None:
    """Poll the login page until it answers (no fixed sleep: short back-off between polls)."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
    raise SystemExit(f"the server at {base} did not answer within {timeout:.0f} s")


@contextmanager
def gunicorn(workers: int, threads: int) -> Iterator[str]:
    """gunicorn as ``make serve`` starts it (demo settings: no second factor; the bench's
    DATABASE_URL), on a free loopback port; stopped on exit."""
    port = free_port()
    prometheus = ROOT / "var" / f"prometheus-bench-{port}"
    prometheus.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CPIMS_DEMO": "true",
        "CPIMS_REQUIRE_2FA": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(prometheus),
    }
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn_bin), "cpims.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(workers), "--threads", str(threads), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 - a fixed argv, no shell
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for f in prometheus.glob("*"):
            f.unlink()
        prometheus.rmdir()


def sign_in(base: str, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form (CSRF token from the page) and return the session's cookies."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/accounts/login/")
        token = CSRF.search(page.text)
        if not token:
            raise SystemExit("the login page has no CSRF token")
        response = client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        )
        if response.status_code != 302:
            raise SystemExit(f"sign-in of {username} failed: HTTP {response.status_code}")
        # The login response's cookies last: the CSRF token rotated at sign-in wins over the old one.
        return {**dict(client.cookies.items()), **dict(response.cookies.items())}


def sign_in_all(base: str, roles: list[Role], passwords: dict[str, str]) -> Sessions:
    """``SESSIONS_PER_ROLE`` signed-in sessions per role (they stay valid across gunicorn restarts)."""
    return {
        role.username: [sign_in(base, role.username, passwords[role.username]) for _ in range(SESSIONS_PER_ROLE)]
        for role in roles
    }


def run_load(base: str, roles: list[Role], sessions: Sessions, users: int, seconds: float) -> Result:
    """``users`` virtual users, each a thread with its own connection, repeat their role's journeys
    for ``seconds``; every request is timed and its status checked."""
    weighted = [role for role in roles for _ in range(role.weight)]
    recorder = Recorder(users)
    start_gate = threading.Barrier(users + 1)
    deadline = [0.0]

    def user(i: int) -> None:
        role = weighted[i % len(weighted)]
        cookies = sessions[role.username][i % SESSIONS_PER_ROLE]
        token = cookies.get("csrftoken") or cookies.get("__Host-csrftoken") or ""
        rng = random.Random(i)
        with httpx.Client(base_url=base, cookies=cookies, timeout=60, follow_redirects=False) as client:
            start_gate.wait()
            while time.monotonic() < deadline[0]:
                for step in rng.choice(role.journeys)(rng):
                    if time.monotonic() >= deadline[0]:
                        return
                    _request(client, step, token, recorder)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + seconds
    began = time.monotonic()
    start_gate.wait()
    for t in threads:
        t.join(seconds + 120)
    recorder.result.seconds = time.monotonic() - began
    return recorder.result


def _request(client: httpx.Client, step: Step, token: str, recorder: Recorder) -> None:
    start = time.perf_counter()
    try:
        data = dict(step.data or {})
        if step.form:
            form = client.get(step.form)
            found = CSRF.search(form.text)
            if form.status_code != 200 or not found:
                recorder.error(step.page, f"form HTTP {form.status_code}")
                return
            data["csrfmiddlewaretoken"] = found.group(1)
        headers = None
        if step.method == "POST" and not step.form:  # as htmx posts: the token from the cookie in a header
            headers = {"X-CSRFToken": token}
        response = client.request(step.method, step.path, data=data or None, headers=headers)
    except Exception as exc:  # a failed request is counted, never ends the user
        recorder.error(step.page, type(exc).__name__)
        return
    millis = (time.perf_counter() - start) * 1000
    if response.status_code not in step.expect:
        recorder.error(step.page, f"HTTP {response.status_code}")
    else:
        recorder.ok(step.page, millis)


# --- the report -------------------------------------------------------------------------------------


def _p(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[q - 1]


def load() -> str:
    return ", ".join(f"{a:.1f}" for a in os.getloadavg())


def report(result: Result, config: str, load_before: str) -> list[str]:
    rps = result.requests / result.seconds if result.seconds else 0.0
    lines = [
        f"gunicorn {config}; {result.users} users for {result.seconds:.0f} s: {result.requests:,} requests, "
        f"{rps:.1f} requests/s, {result.total_errors()} errors; load average (1/5/15 min) before: {load_before}; "
        f"after: {load()}",
        f"  {'page (ms, over HTTP)':<34} {'n':>6} {'p50':>8} {'p95':>8} {'errors':>7}",
    ]
    for page in sorted(set(result.millis) | set(result.errors)):
        ms = result.millis.get(page, [])
        lines.append(f"  {page:<34} {len(ms):>6} {_p(ms, 50):>8.0f} {_p(ms, 95):>8.0f} {result.errors.get(page, 0):>7}")
    lines += [f"  error: {sample}" for sample in result.error_samples]
    return lines


def parse_configs(text: str) -> list[tuple[int, int]]:
    """``"2x4,4x2"`` -> [(2, 4), (4, 2)] (workers × threads)."""
    configs = []
    for part in text.split(","):
        workers, _, threads = part.strip().partition("x")
        configs.append((int(workers), int(threads or 1)))
    return configs


def main(users: list[int], seconds: float, configs: list[tuple[int, int]], scale_line: str) -> None:
    roles, passwords = prepare()
    print(scale_line)
    print(f"machine: {os.cpu_count()} cores; load average now: {load()}", flush=True)
    sessions: Sessions = {}
    for workers, threads in configs:
        config = f"--workers {workers} --threads {threads} (gthread)"
        with gunicorn(workers, threads) as base:
            sessions = sessions or sign_in_all(base, roles, passwords)
            run_load(base, roles, sessions, 2, min(seconds, 5))  # warm-up: imports, connections, caches
            for n in users:
                before = load()
                result = run_load(base, roles, sessions, n, seconds)
                print("\n".join(report(result, config, before)), flush=True)
