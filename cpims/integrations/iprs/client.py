"""Talking to IPRS (Kenya's Integrated Population Registration System), through the government's
JSON gateway: one POST per check, ``<CPIMS_IPRS_URL>/verify`` with

    {"document_type": "national_id" | "birth_certificate", "number": "12345678"}

and the answer

    200 {"found": true, "first_name": "...", "other_name": "...", "surname": "...",
         "date_of_birth": "YYYY-MM-DD", "reference": "..."}
    200 {"found": false}  or  404            the number is not in the register

Only the document type and number are sent: no name, date of birth or anything else about the
child (Data Protection Act 2019, data minimisation). Settings come from the environment
(``cpims/settings.py``: CPIMS_IPRS_URL, CPIMS_IPRS_USERNAME, CPIMS_IPRS_TIMEOUT_SECONDS); the secret
is read when it is used (CPIMS_IPRS_SECRET or CPIMS_IPRS_SECRET_FILE), never stored, never logged.

One attempt, with a timeout: an officer is waiting, and a check can be asked again. Every failure
(not configured, refused, timeout, unreachable, 5xx, an answer we cannot read) raises ``IprsError``
with a message for the officer and a short ``code``; nothing is recorded against the identifier.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cpims.core.env import env_secret
from cpims.registry.actions import RegisterAnswer

logger = logging.getLogger(__name__)

SECRET_ENV = "CPIMS_IPRS_SECRET"  # noqa: S105 - the name of the variable, not a secret
# Our identifier types (DCS list identifier_type_id) that IPRS holds, and how IPRS calls them.
DOCUMENT_TYPES = {"INTL": "national_id", "ISOV": "birth_certificate"}


class IprsError(Exception):
    """IPRS could not answer; ``message`` says why in words an officer can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_configured() -> bool:
    return bool(getattr(settings, "IPRS_URL", ""))


def _auth() -> tuple[httpx.Auth | None, dict[str, str]]:
    """Basic auth with CPIMS_IPRS_USERNAME and the secret, or the secret as a bearer token."""
    try:
        secret = env_secret(SECRET_ENV)
    except ImproperlyConfigured as exc:
        raise IprsError("not_configured", _("The IPRS secret cannot be read: ask the system administrator.")) from exc
    if not secret:
        raise IprsError(
            "not_configured",
            _("The IPRS secret is not set: set %(name)s (or %(name)s_FILE) on the server.") % {"name": SECRET_ENV},
        )
    if settings.IPRS_USERNAME:
        return httpx.BasicAuth(settings.IPRS_USERNAME, secret), {}
    return None, {"Authorization": f"Bearer {secret}"}


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return str(value).strip()[:100] if isinstance(value, str | int) else ""


def read_answer(response: httpx.Response) -> RegisterAnswer:
    """An IPRS answer (not 5xx) as a RegisterAnswer, or IprsError."""
    if response.status_code == 404:
        return RegisterAnswer(found=False)
    if response.status_code in (401, 403):
        raise IprsError(
            "refused",
            _("IPRS refused our credentials (HTTP %(code)s): ask the system administrator.")
            % {"code": response.status_code},
        )
    if not response.is_success:
        raise IprsError("refused", _("IPRS refused the request (HTTP %(code)s).") % {"code": response.status_code})
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("found"), bool):
        raise IprsError("bad_answer", _("IPRS gave an answer CPIMS cannot read. Try again later."))
    if not body["found"]:
        return RegisterAnswer(found=False, reference=_text(body, "reference"))
    raw_born = body.get("date_of_birth")
    try:
        born = dt.date.fromisoformat(raw_born) if raw_born else None
    except (TypeError, ValueError) as exc:
        raise IprsError("bad_answer", _("IPRS gave an answer CPIMS cannot read. Try again later.")) from exc
    return RegisterAnswer(
        found=True,
        first_name=_text(body, "first_name"),
        middle_name=_text(body, "other_name"),
        last_name=_text(body, "surname"),
        date_of_birth=born,
        reference=_text(body, "reference"),
    )


def lookup(type_code: str, number: str, *, transport: httpx.BaseTransport | None = None) -> RegisterAnswer:
    """Ask IPRS about one document number of our type ``type_code`` (INTL or ISOV)."""
    if not is_configured():
        raise IprsError(
            "not_configured", _("IPRS is not set up on this server: ask the system administrator (CPIMS_IPRS_URL).")
        )
    document_type = DOCUMENT_TYPES.get(type_code)
    if document_type is None:
        raise IprsError("not_supported", _("IPRS holds national ID and birth certificate numbers only."))
    auth, headers = _auth()
    timeout = float(settings.IPRS_TIMEOUT_SECONDS)
    url = settings.IPRS_URL.rstrip("/") + "/verify"
    try:
        with httpx.Client(
            auth=auth, timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False
        ) as client:
            response = client.post(
                url,
                json={"document_type": document_type, "number": number},
                headers={**headers, "Accept": "application/json"},
            )
    except httpx.TimeoutException as exc:
        # No number, URL or secret in the log line: the class of error says enough.
        logger.warning("IPRS check timed out: %s", type(exc).__name__)
        raise IprsError(
            "timeout", _("IPRS did not answer within %(n)d seconds. Try again later.") % {"n": round(timeout)}
        ) from exc
    except httpx.TransportError as exc:
        logger.warning("IPRS check failed: %s", type(exc).__name__)
        raise IprsError("unreachable", _("IPRS cannot be reached at the moment. Try again later.")) from exc
    if response.status_code >= 500:
        logger.warning("IPRS check answered HTTP %s", response.status_code)
        raise IprsError(
            "down",
            _("IPRS is not working at the moment (HTTP %(code)s). Try again later.") % {"code": response.status_code},
        )
    return read_answer(response)
