"""Logging filters named in settings.LOGGING.

``ForbiddenOneLine`` (on the ``django.request`` logger): Django logs a raised PermissionDenied as
"Forbidden (Permission denied)" with the whole traceback. A 403 is an expected answer of the
scope rules, not an error, and a traceback per refusal floods the log, so every 403 record is
rewritten to one line: method, path and the user's database id, never a name, a query string or a
traceback.
"""

from __future__ import annotations

import logging


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
