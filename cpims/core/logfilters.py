"""Logging filters named in settings.LOGGING.

``RequestAndTaskIds`` (on the console handler): adds the request id and the task id of the work
being done (cpims.core.context) to every record, so one request's or task's lines can be found.

``ForbiddenOneLine`` (on the ``django.request`` logger): Django logs a raised PermissionDenied as
"Forbidden (Permission denied)" with the whole traceback. A 403 is an expected answer of the
scope rules, not an error, and a traceback per refusal floods the log, so every 403 record is
rewritten to one line: method, path and the user's database id, never a name, a query string or a
traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from cpims.core import context


def _escaped(text: str) -> str:
    # As django.utils.log.log_response does: a crafted path must not forge log lines.
    return text.encode("unicode_escape").decode("ascii")


class ForbiddenOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        record.msg = "Forbidden (403): %s %s user=%s"
        record.args = (getattr(request, "method", "-"), _escaped(getattr(request, "path", "-")), user_id)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class RequestAndTaskIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id() or "-"
        record.task_id = context.task_id() or "-"
        return True


class JsonLines(JsonFormatter):
    """One JSON object per record with these keys only. Django attaches the request to its log
    records, and its text holds the query string (a searched name); extra attributes are therefore
    dropped, not serialised."""

    KEEP = frozenset({"time", "level", "logger", "message", "request_id", "task_id", "exc_info"})

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in log_data.items() if key in self.KEEP}
