"""Talking to DHIS2: POST a data value set to ``<base>/api/dataValueSets`` and read the import summary.

* ``importStrategy=CREATE_AND_UPDATE`` and ``dryRun=false`` always (our dry run checks the payload
  in CPIMS and contacts no server); ``orgUnitIdScheme=CODE`` when org units are sent by code.
* Timeouts from the server configuration. One call is one attempt: a connection error, a timeout or
  a 5xx answer comes back ``retryable``, and the push (``actions.push_run``) goes back to the task
  queue to try again after a back-off (``retry_backoff_seconds`` x 1, 2, 4 …) up to
  ``max_attempts`` — no worker sleeps waiting. A 4xx answer (bad credentials, 409 conflict) is
  final: sending the same payload again cannot help.
* The secret comes from the environment variable the configuration names (``NAME`` or
  ``NAME_FILE``), never from the database; it is never logged.

The import summary is read in both shapes DHIS2 uses: the bare ``ImportSummary`` (up to 2.37) and
the ``WebMessage`` wrapper with the summary under ``response`` (2.38 and later, where an ERROR
summary comes with HTTP 409).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cpims.core.env import env_secret

logger = logging.getLogger(__name__)
MAX_CONFLICTS_KEPT = 200


@dataclass
class PushResult:
    status: str  # PushLog.Status value: success | warning | error | failed
    http_status: int | None = None
    attempts: int = 0
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    retryable: bool = False  # DHIS2 not reached or busy (5xx): the same payload may go through later
    problem: str = ""  # what went wrong, for the log line and the message (no URL, no secret)


def _auth(server: Any) -> tuple[httpx.Auth | None, dict[str, str]]:
    secret = env_secret(server.password_env)
    if not secret:
        raise ImproperlyConfigured(server.password_env)
    if server.auth == "token":
        return None, {"Authorization": f"ApiToken {secret}"}
    return httpx.BasicAuth(server.username, secret), {}


def _summary(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    inner = body.get("response")
    if isinstance(inner, dict) and ("importCount" in inner or inner.get("responseType") == "ImportSummary"):
        return inner
    if "importCount" in body or body.get("responseType") == "ImportSummary":
        return body
    return None


def _conflicts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in summary.get("conflicts") or []:
        if not isinstance(item, dict):
            continue
        out.append(
            {
                "object": str(item.get("object", ""))[:200],
                "value": str(item.get("value", ""))[:500],
                **({"errorCode": str(item["errorCode"])[:20]} if item.get("errorCode") else {}),
            }
        )
    return out[:MAX_CONFLICTS_KEPT]


def read_response(response: httpx.Response, result: PushResult) -> PushResult:
    """Fill ``result`` from a (non-5xx) DHIS2 answer."""
    result.http_status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    summary = _summary(body)
    if summary is not None:
        counts = summary.get("importCount") or {}
        for name in ("imported", "updated", "ignored", "deleted"):
            try:
                setattr(result, name, max(0, int(counts.get(name, 0) or 0)))
            except (TypeError, ValueError):
                setattr(result, name, 0)
        result.conflicts = _conflicts(summary)
        dhis2_status = str(summary.get("status", "")).upper()
        description = str(summary.get("description") or "")[:500]
    else:
        dhis2_status, description = "", ""
    if response.status_code in (401, 403):
        result.status = "error"
        result.message = _("DHIS2 refused the credentials (HTTP %(code)s): check the username and the secret.") % {
            "code": response.status_code
        }
    elif response.is_success and dhis2_status in ("SUCCESS", "OK", ""):
        result.status = "warning" if result.conflicts else "success"
        result.message = description
    elif response.is_success and dhis2_status == "WARNING":
        result.status = "warning"
        result.message = description or _("DHIS2 imported the data with warnings.")
    else:
        result.status = "error"
        message = description or (str(body.get("message", ""))[:500] if isinstance(body, dict) else "")
        result.message = _("DHIS2 refused the data (HTTP %(code)s). %(message)s") % {
            "code": response.status_code,
            "message": message,
        }
    return result


def post_data_value_set(
    server: Any,
    payload: bytes,
    *,
    attempt: int = 1,
    transport: httpx.BaseTransport | None = None,
) -> PushResult:
    """Send ``payload`` (JSON dataValueSets) to ``server`` once (attempt number ``attempt``); never
    raises for network trouble."""
    result = PushResult(status="failed", attempts=attempt)
    try:
        auth, headers = _auth(server)
    except ImproperlyConfigured:
        result.message = _(
            "The DHIS2 secret is not set: set the environment variable %(name)s (or %(name)s_FILE) on the server."
        ) % {"name": server.password_env}
        return result
    params = {"importStrategy": "CREATE_AND_UPDATE", "dryRun": "false"}
    if server.org_unit_id_scheme == "code":
        params["orgUnitIdScheme"] = "CODE"
    headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
    with httpx.Client(
        auth=auth, timeout=httpx.Timeout(float(server.timeout_seconds)), transport=transport, follow_redirects=False
    ) as client:
        try:
            response = client.post(server.api_url, params=params, content=payload, headers=headers)
        except httpx.TransportError as exc:
            # No URL or secret in the log line: the class of error says enough.
            result.problem = type(exc).__name__
            logger.warning("DHIS2 push attempt %s failed: %s", attempt, result.problem)
        else:
            if response.status_code < 500:
                return read_response(response, result)
            result.http_status = response.status_code
            result.problem = f"HTTP {response.status_code}"
            logger.warning("DHIS2 push attempt %s answered %s", attempt, response.status_code)
    result.retryable = True
    result.message = _("DHIS2 at %(url)s could not be reached (%(problem)s) after %(n)d attempts.") % {
        "url": server.base_url,
        "problem": result.problem,
        "n": attempt,
    }
    return result
