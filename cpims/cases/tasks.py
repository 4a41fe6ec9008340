"""The task list: things an officer (or office) must do, from due dates and pending approvals.

Other apps add their own tasks (referrals awaiting an answer, next court dates) with
``register_task_source(fn)``, where ``fn(user) -> list[Task]`` returns only tasks on records the
user may see (through ``cpims.accounts.scope``). Register it in the app's ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

TaskSource = Callable[..., list["Task"]]

_SOURCES: list[TaskSource] = []
# A source's cheaper form for the "my tasks" view: only the user's own tasks, read from the user's
# own rows (assigned to / created by them, through an index), not every task in their area.
_MINE: dict[TaskSource, TaskSource] = {}


@dataclass(frozen=True)
class Task:
    """One line of the task list. ``title`` and ``case_number`` are shown; ``url`` opens the record.

    ``kind``: a short machine name ("followup", "plan_approval", "closure_approval", "referral",
    "court", …). ``mine``: True when the task is the user's own (assigned to or created by them);
    the "my tasks" view shows only those, the "office" view shows all."""

    kind: str
    title: str
    url: str
    due_on: dt.date | None = None
    case_number: str = ""
    mine: bool = True
    source: str = field(default="", compare=False)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def register_task_source(fn: TaskSource, *, mine: TaskSource | None = None) -> TaskSource:
    """Add a source of tasks (usable as a decorator). Registering the same function twice is a no-op.

    ``mine(user)``, when given, returns the same tasks as ``fn(user)`` would with ``mine=True``,
    read from the user's own rows: the "my tasks" view calls it instead of ``fn``."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    if mine is not None:
        _MINE[fn] = mine
    return fn


def task_sources() -> list[TaskSource]:
    return list(_SOURCES)


def tasks_for(user: object, *, mine_only: bool = False) -> list[Task]:
    """Every task for ``user`` from every source, overdue first, then by due date."""
    out: list[Task] = []
    for source in _SOURCES:
        out.extend(_MINE.get(source, source)(user) if mine_only else source(user))
    if mine_only:
        out = [t for t in out if t.mine]
    far = dt.date.max
    return sorted(out, key=lambda t: (t.due_on or far, t.kind, t.case_number))
