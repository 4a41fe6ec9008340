"""The id of the request (or background task) being served, for log lines and audit events.

A request takes the id the reverse proxy sent (``X-Request-ID``, when it looks like one) or a new
one, and answers with it; a task enqueued while serving a request carries it, and a task being run
adds its own id. Ids only: never a user, a name or a path.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("cpims_request_id", default="")
_task_id: ContextVar[str] = ContextVar("cpims_task_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(offered: str | None = None) -> str:
    """The proxy's id when it is a plain token of 8-64 characters (it cannot forge a log line),
    else a fresh one."""
    return offered if offered and _VALID.match(offered) else uuid.uuid4().hex


def request_id() -> str:
    return _request_id.get()


def task_id() -> str:
    return _task_id.get()


def bind(*, request: str | None = None, task: str | None = None) -> None:
    if request is not None:
        _request_id.set(request)
    if task is not None:
        _task_id.set(task)
