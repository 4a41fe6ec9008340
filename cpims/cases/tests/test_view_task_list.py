from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions
from cpims.cases.tasks import _SOURCES, Task, register_task_source


def test_followups_mine_and_office(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    actions.followup_add(
        actor=cast.nairobi_officer,
        case=westlands_case,
        due_on=timezone.localdate() - dt.timedelta(days=2),
        purpose="Overdue home visit",
    )
    login(client, cast.nairobi_officer)
    body = client.get(reverse("cases:task_list")).content.decode()
    assert "Overdue home visit" in body and "Overdue" in body
    client.logout()
    login(client, cast.nairobi_coordinator)
    assert "Overdue home visit" not in client.get(reverse("cases:task_list")).content.decode()
    assert "Overdue home visit" in client.get(reverse("cases:task_list"), {"view": "office"}).content.decode()
    client.logout()
    login(client, cast.turkana_coordinator)
    assert "Overdue home visit" not in client.get(reverse("cases:task_list"), {"view": "office"}).content.decode()


def test_registered_source(client: Any, cast: Any, login: Any) -> None:
    def court_dates(user: Any) -> list[Task]:
        return [Task(kind="court", title="Court mention XYZ", url="/", due_on=timezone.localdate())]

    register_task_source(court_dates)
    try:
        login(client, cast.nairobi_officer)
        assert "Court mention XYZ" in client.get(reverse("cases:task_list")).content.decode()
    finally:
        _SOURCES.remove(court_dates)


def test_long_list_in_pages_most_urgent_first(client: Any, cast: Any, login: Any) -> None:
    # 120 tasks due one a day, long overdue (so before any other task of the cast): page 1 holds
    # the 50 most urgent, page 3 the last 20, and the pager's links keep the chosen view.
    start = timezone.localdate() - dt.timedelta(days=5000)

    def many(user: Any) -> list[Task]:
        return [
            Task(kind="court", title=f"Hearing number {n:03d}.", url="/", due_on=start + dt.timedelta(days=n))
            for n in reversed(range(120))
        ]

    register_task_source(many)
    try:
        login(client, cast.nairobi_officer)
        url = reverse("cases:task_list")

        def shown(**query: str) -> tuple[list[int], str]:
            body = client.get(url, query).content.decode()
            return [int(n) for n in re.findall(r"Hearing number (\d{3})\.", body)], body

        first, body = shown(view="office")
        assert first == list(range(50))
        assert "Page 1 of 3" in body and "?view=office&amp;page=2" in body
        assert shown(view="office", page="2")[0] == list(range(50, 100))
        last, body = shown(view="office", page="3")
        assert last == list(range(100, 120)) and "Page 3 of" in body
        # Out of range or not a number: a real page, never an error.
        assert shown(view="office", page="99")[0] == shown(view="office", page="999999")[0]
        assert shown(view="office", page="x")[0] == list(range(50))
    finally:
        _SOURCES.remove(many)
