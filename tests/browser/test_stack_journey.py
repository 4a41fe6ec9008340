"""Against `make stack` (two web hosts, two workers, S3 file store): a file asked for on one web
host, made by a worker into the shared bucket, is downloaded through the other web host.

Runs in the PostgreSQL browser pass. When CPIMS_STACK_URLS names a stack that is already up
(e.g. `make stack` in another terminal, default ports 8001 and 8002, CPIMS_STACK_DIR its folder
with the demo credentials), the journey runs against it; otherwise it starts its own with
scripts/stack.sh on free ports and a database of its own, and stops it afterwards."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

GIVEN_URLS = os.environ.get("CPIMS_STACK_URLS", "").split()
GIVEN_DIR = Path(os.environ.get("CPIMS_STACK_DIR", str(Path(settings.BASE_DIR) / "var" / "stack")))
START_LIMIT_S = 15 * 60  # migrate + reference + small demo on a loaded 2-core machine takes 3-5 min


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/livez", timeout=2) as response:  # noqa: S310 - our own stack
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


STACK_DATABASE = "cpims_stack_journey"


def _server_url(name: str) -> str:
    database = settings.DATABASES["default"]
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{database.get('USER') or 'postgres'}@{host}:{port}/{name}"


def _drop_stack_database() -> None:
    """The stack's users and their passwords live in its database, the passwords' copy in the
    fresh folder: a database left by an earlier run would hold users the folder knows nothing of."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_server_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(STACK_DATABASE)))


def _start_stack(folder: Path) -> tuple[subprocess.Popen[bytes], list[str]]:
    """scripts/stack.sh on free ports, a fresh database and folder of its own; returns once both
    web hosts answer (the script prints that line only then), or fails with the end of its log."""
    _drop_stack_database()
    web = [_free_port(), _free_port()]
    env = {
        **os.environ,
        "STACK_PG_URL": _server_url(STACK_DATABASE),
        "STACK_WEB_PORTS": " ".join(map(str, web)),
        "STACK_S3_PORT": str(_free_port()),
        "CPIMS_STACK_DIR": str(folder),
        "VENV_BIN": str(Path(settings.BASE_DIR) / ".venv" / "bin"),
    }
    log = folder / "stack.out"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own script
            ["/bin/bash", str(Path(settings.BASE_DIR) / "scripts" / "stack.sh")],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_LIMIT_S
    while b"CPIMS stack is up" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"scripts/stack.sh did not come up:\n{tail}")
        time.sleep(0.5)  # polling the script's output, not waiting for an outcome
    return process, [f"http://127.0.0.1:{p}" for p in web]


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)  # the script and every process it started
        process.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[str], Path]]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the stack journey runs in the PostgreSQL pass only")
    if len(GIVEN_URLS) >= 2 and all(_up(url) for url in GIVEN_URLS):
        yield GIVEN_URLS, GIVEN_DIR
        return
    folder = tmp_path_factory.mktemp("stack")
    process, urls = _start_stack(folder)
    try:
        yield urls, folder
    finally:
        _stop(process)
        _drop_stack_database()


def _password(folder: Path, username: str) -> str:
    for line in (folder / "demo-credentials.txt").read_text().splitlines():
        name, _, password = line.partition("\t")
        if name == username:
            return password
    pytest.fail(f"{username} is not among the stack's demo users")


def test_file_made_on_one_host_downloads_from_the_other(
    browser: Any, stack: tuple[list[str], Path], tmp_path: Path
) -> None:
    (first, second), folder = stack[0][:2], stack[1]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{first}/accounts/login/")
        page.fill("#id_username", "demo.coordinator")
        page.fill("#id_password", _password(folder, "demo.coordinator"))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name=re.compile("Welcome")).wait_for()
        page.goto(f"{first}/reports/")
        page.get_by_role("button", name="Prepare Excel in the background").click()
        page.wait_for_url(re.compile(r"/downloads/[0-9a-f-]+/$"))
        path = re.sub(r"^https?://[^/]+", "", page.url)
        # The same person (the session lives in the shared database) on the other web host.
        page.goto(f"{second}{path}")
        page.get_by_text("Your file is ready.").wait_for(timeout=120_000)  # a stack worker makes it
        assert page.url.startswith(second)
        with page.expect_download() as info:
            page.locator("#download-status a[download]").click()
        assert info.value.url.startswith(second)
        saved = tmp_path / "caseload.xlsx"
        info.value.save_as(saved)
        with zipfile.ZipFile(saved) as book:
            assert "xl/workbook.xml" in book.namelist()
    finally:
        context.close()
