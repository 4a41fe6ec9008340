from __future__ import annotations

import datetime as dt
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
