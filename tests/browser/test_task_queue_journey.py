"""A system administrator opens the background tasks page on a phone and on a laptop, sees a
failed task with its reason, and retries it; the page never scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import login_verified, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


def _assert_no_sideways_scroll(page: Any, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: page is {scroll}px wide in a {inner}px window"


def test_an_administrator_retries_a_failed_task(page: Any, live_server: Any, reference: None) -> None:
    from django_tasks_db.models import DBTaskResult

    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    admin = make_user("queue_admin", R.SYSTEM_ADMIN, OrgUnit.objects.get(code="DCS-HQ"))
    DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cpims.reporting.tasks.purge_old_downloads_with_a_long_dotted_name_that_must_wrap",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1", "w2"],
        exception_class_path="builtins.OSError",
        traceback="OSError: the storage volume is full and refused the write of the export file",
    )
    session = login_verified(Client(), admin).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/admin/tasks/")
        page.get_by_text("OSError: the storage volume is full").wait_for(state="visible")
        _assert_no_sideways_scroll(page, size)

    page.get_by_role("button", name="Retry").click()
    page.get_by_text("The task is back in the queue").wait_for(state="visible")
    page.get_by_text("No task failed in the last 7 days.").wait_for(state="visible")
    _assert_no_sideways_scroll(page, "after retry")
