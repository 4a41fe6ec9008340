"""Every write of the dhis2 app: pushes (queued, then run in the background) and mapping edits.

``push`` checks and records the request (a ``PushLog`` row and an audit event, one transaction)
and hands the work to the task queue; ``push_run`` does the work: builds the data value set as
the requesting user (scope re-checked in the task), POSTs it, and records DHIS2's answer with a
second audit event. A dry run builds the same set and checks it here (mapping complete, DHIS2
identifiers, value types) without contacting any server, so it works before a server is
configured or while it is down. The payload is never stored, only its SHA-256.

The mapping and server edits (national DHIS2 users only) share one pattern: check the input
before writing, lock the row, refuse a stale edit (the form's ``version`` is not the row's),
write, and record an audit event with the changed fields (old -> new) in the same transaction.
The server's secret is never an input: only the name of the environment variable that holds it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent
from cpims.core.periods import Period
from cpims.core.validation import clean_text, raise_errors
from cpims.geo.models import Area, OrgUnit
from cpims.integrations.dhis2 import client, datavalues, queries
from cpims.integrations.dhis2.models import (
    CategoryOptionComboMapping,
    DataElementMapping,
    Dhis2Server,
    OrgUnitMapping,
    PushLog,
    validate_env_name,
)
from cpims.integrations.dhis2.uids import is_uid

logger = logging.getLogger(__name__)


def push(
    *,
    actor: User,
    period: Period,
    org_units: Sequence[Area | OrgUnit] | None = None,
    dry_run: bool,
    request: HttpRequest | None = None,
    run: bool = False,
) -> PushLog:
    """Queue a push (or dry run) of ``period`` for ``org_units`` (None: every mapped unit).

    ``run=True`` runs it now in this process (the management command) instead of queueing.
    """
    queries.require_pusher(actor)
    if not isinstance(period, Period):
        raise ValidationError({"period": _("Choose a reporting period.")})
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("%(period)s has not started yet.") % {"period": period.label}})
    server = queries.active_server()
    if server is None and not dry_run:  # a dry run contacts no server, so needs none
        raise ValidationError({"server": _("No DHIS2 server is configured: ask the system administrator.")})
    targets = queries.targets_for(server or queries.unconfigured_server(), org_units)
    if not targets:
        raise ValidationError({"org_units": _("No DHIS2 org unit is mapped.")})
    with transaction.atomic(durable=True):
        log = PushLog.objects.create(
            server=server,
            actor=actor,
            actor_username=actor.get_username(),
            period=period.code,
            period_dhis2=period.dhis2,
            org_units=[dataclasses.asdict(t) for t in targets],
            dry_run=dry_run,
        )
        audit_record(
            actor=actor,
            action="dhis2.push_request",
            obj=log,
            object_label=f"{period.code} ({len(targets)})",
            request=request,
            details={
                "period": period.code,
                "org_units": len(targets),
                "dry_run": dry_run,
                "server": server.name if server else "",
            },
        )
    if run:
        return push_run(log=log)
    # After the commit, so a database-backed worker finds the row.
    _enqueue_push(log.pk)
    log.refresh_from_db()
    return log


def _enqueue_push(log_id: int, *, delay_seconds: float = 0) -> None:
    """Queue the push task, to run after ``delay_seconds`` where the backend can wait (the
    database backend: the row waits, no worker sleeps); the tests' immediate backend runs it now."""
    from cpims.integrations.dhis2.tasks import push_task

    if delay_seconds > 0 and push_task.get_backend().supports_defer:
        push_task.using(run_after=timezone.now() + dt.timedelta(seconds=delay_seconds)).enqueue(log_id)
    else:
        push_task.enqueue(log_id)


def _retry_later(log: PushLog, result: client.PushResult, server: Dhis2Server) -> PushLog:
    """DHIS2 was not reached (or busy): back to the queue for another attempt after the back-off
    (``retry_backoff_seconds`` x 1, 2, 4 …). The audit event is written once, with the outcome."""
    delay = server.retry_backoff_seconds * 2 ** (result.attempts - 1)
    with transaction.atomic():
        PushLog.objects.filter(pk=log.pk, status=PushLog.Status.RUNNING).update(
            status=PushLog.Status.QUEUED,
            attempts=result.attempts,
            http_status=result.http_status,
            message=_("Attempt %(n)d of %(max)d failed (%(problem)s); trying again in %(seconds)d s.")
            % {"n": result.attempts, "max": server.max_attempts, "problem": result.problem, "seconds": round(delay)},
        )
    _enqueue_push(log.pk, delay_seconds=delay)  # after the commit, so a worker finds the row queued
    log.refresh_from_db()
    return log


def _finish(log: PushLog, result: client.PushResult, *, values: int, sha: str) -> PushLog:
    """Record the outcome; ``values`` is the number built, counted as sent only if DHIS2 answered."""
    with transaction.atomic():
        for name in ("status", "http_status", "attempts", "imported", "updated", "ignored", "deleted", "conflicts"):
            setattr(log, name, getattr(result, name))
        log.message = result.message
        log.values_built = values
        log.values_sent = values if result.http_status is not None else 0
        log.payload_sha256 = sha
        log.finished_at = timezone.now()
        log.save()
        audit_record(
            actor=log.actor,
            actor_username=log.actor_username,
            action="dhis2.dry_run" if log.dry_run else "dhis2.push",
            obj=log,
            object_label=f"{log.period} ({len(log.org_units)})",
            outcome=AuditEvent.Outcome.SUCCESS
            if result.status in ("success", "warning")
            else AuditEvent.Outcome.FAILURE,
            details={
                "period": log.period,
                "org_units": len(log.org_units),
                "status": result.status,
                "http_status": result.http_status,
                "values": values,
                "values_sent": log.values_sent,
                "imported": result.imported,
                "updated": result.updated,
                "ignored": result.ignored,
                "deleted": result.deleted,
                "conflicts": len(result.conflicts),
                "payload_sha256": sha,
            },
        )
    return log


def _dry_run_result(dvs: datavalues.DataValueSet) -> client.PushResult:
    """A dry run checks the payload here and sends nothing: DHIS2 need not be configured or up."""
    problems = datavalues.check(dvs, placeholders=queries.placeholder_uids())
    message = ngettext(
        "Dry run: %(n)d value built, nothing sent.", "Dry run: %(n)d values built, nothing sent.", len(dvs.values)
    ) % {"n": len(dvs.values)}
    if problems:
        message += " " + ngettext(
            "%(n)d problem to fix before pushing.", "%(n)d problems to fix before pushing.", len(problems)
        ) % {"n": len(problems)}
    return client.PushResult(status="warning" if problems else "success", conflicts=problems, message=message)


def push_run(*, log: PushLog) -> PushLog:
    """Build and send the data value set of a queued push, and record DHIS2's answer."""
    claimed = PushLog.objects.filter(pk=log.pk, status=PushLog.Status.QUEUED).update(
        status=PushLog.Status.RUNNING, started_at=timezone.now()
    )
    log.refresh_from_db()
    if not claimed:
        return log  # already run (a task delivered twice)
    actor = log.actor
    if actor is None or not actor.is_active or not queries.can_push(actor):
        return _finish(
            log,
            client.PushResult(status="failed", message=_("The requester may no longer push to DHIS2.")),
            values=0,
            sha="",
        )
    try:
        period = Period.parse(log.period)
        targets = [datavalues.Target(**t) for t in log.org_units]
        server = log.server or queries.unconfigured_server()
        dvs = datavalues.build(actor, period=period, targets=targets, server=server)
        payload = dvs.json_bytes()
        if log.dry_run:
            result = _dry_run_result(dvs)
        elif not dvs.values:
            result = client.PushResult(
                status="success", message=_("Nothing to send: no cases in this period for these org units.")
            )
        else:
            result = client.post_data_value_set(server, payload, attempt=log.attempts + 1)
            if result.retryable and result.attempts < server.max_attempts:
                return _retry_later(log, result, server)
    except Exception:  # a failed background job must still close its log row
        logger.exception("DHIS2 push %s failed", log.pk)
        return _finish(
            log,
            client.PushResult(status="failed", message=_("The data value set could not be built; see the server log.")),
            values=0,
            sha="",
        )
    return _finish(log, result, values=len(dvs.values), sha=dvs.sha256())


def data_element_mapping_update(
    *, actor: User, mapping: DataElementMapping, uid: str, dhis2_code: str, name: str, version: int
) -> DataElementMapping:
    """Align one data element with KHIS (national DHIS2 users only); refuses a stale edit."""
    queries.require_pusher(actor)
    uid, dhis2_code, name = (uid or "").strip(), (dhis2_code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not is_uid(uid):
        errors["uid"] = [_("A DHIS2 identifier is 11 letters and digits, starting with a letter.")]
    if not name:
        errors["name"] = [_("Enter the data element's name in DHIS2.")]
    if len(name) > 230:
        errors.setdefault("name", []).append(_("Use at most %(n)d characters.") % {"n": 230})
    if len(dhis2_code) > 50:
        errors["dhis2_code"] = [_("Use at most %(n)d characters.") % {"n": 50}]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current = DataElementMapping.objects.select_for_update().get(pk=mapping.pk)
        if current.version != version:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Someone changed this mapping while you were editing (it now says %(uid)s)."
                            " Check it and save again."
                        )
                        % {"uid": current.uid}
                    ]
                }
            )
        before = {"uid": current.uid, "dhis2_code": current.dhis2_code, "name": current.name}
        current.uid, current.dhis2_code, current.name = uid, dhis2_code, name
        current.is_placeholder = False
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="dhis2.mapping_update",
            object_type="dhis2.dataelementmapping",
            object_id=str(current.pk),
            object_label=current.name[:200],
            details={"before": before, "after": {"uid": uid, "dhis2_code": dhis2_code, "name": name}},
        )
    return current


# --- Mapping and server edits -----------------------------------------------------------------


def _uid_error() -> str:
    return _("A DHIS2 identifier is 11 letters and digits, starting with a letter.")


def _stale(message: str) -> ValidationError:
    return ValidationError({"__all__": [message]})


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The changed fields as {field: [old, new]} (for the audit event)."""
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


def coc_mapping_update(
    *, actor: User, mapping: CategoryOptionComboMapping, uid: str, name: str, version: int
) -> CategoryOptionComboMapping:
    """Align one sex x age band cell with its KHIS category option combo; refuses a stale edit."""
    queries.require_pusher(actor)
    errors: dict[str, list[str]] = {}
    uid = (uid or "").strip()
    if not is_uid(uid):
        errors["uid"] = [_uid_error()]
    name = clean_text(errors, "name", name, 230, required=_("Enter the category option combo's name in DHIS2."))
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current = CategoryOptionComboMapping.objects.select_for_update().get(pk=mapping.pk)
        if current.version != version:
            raise _stale(
                _("Someone else changed this category option combo while you were editing. Check it and save again.")
            )
        other = CategoryOptionComboMapping.objects.filter(uid=uid).exclude(pk=current.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "uid": [
                        _("%(sex)s, %(band)s already uses this UID: each cell needs its own combo.")
                        % {"sex": other.get_sex_display(), "band": other.get_band_display()}
                    ]
                }
            )
        before = {"uid": current.uid, "name": current.name}
        after = {"uid": uid, "name": name}
        current.uid, current.name = uid, name
        current.is_placeholder = False
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="dhis2.coc_mapping_update",
            object_type="dhis2.categoryoptioncombomapping",
            object_id=str(current.pk),
            object_label=f"{current.sex} {current.band}",
            details={"changes": _changes(before, after)},
        )
    return current


def org_unit_mapping_update(
    *, actor: User, mapping: OrgUnitMapping, uid: str, code: str, name: str, is_active: bool, version: int
) -> OrgUnitMapping:
    """Align one county, sub-county or office with its KHIS org unit; refuses a stale edit.

    An inactive mapping is left out of pushes. Two mappings may not share a UID or a code
    (DHIS2 would keep only the last value sent for the org unit).
    """
    queries.require_pusher(actor)
    errors: dict[str, list[str]] = {}
    uid = (uid or "").strip()
    if not is_uid(uid):
        errors["uid"] = [_uid_error()]
    code = clean_text(errors, "code", code, 50)
    name = clean_text(errors, "name", name, 230, required=_("Enter the org unit's name in DHIS2."))
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current = OrgUnitMapping.objects.select_for_update().get(pk=mapping.pk)
        if current.version != version:
            raise _stale(
                _("Someone else changed this org unit mapping while you were editing. Check it and save again.")
            )
        others = OrgUnitMapping.objects.exclude(pk=current.pk)
        taken = others.filter(uid=uid).first()
        if taken is not None:
            errors["uid"] = [_("%(name)s already uses this UID.") % {"name": taken.name}]
        taken = others.filter(code=code).first() if code else None
        if taken is not None:
            errors["code"] = [_("%(name)s already uses this code.") % {"name": taken.name}]
        raise_errors(errors)
        before = {"uid": current.uid, "code": current.code, "name": current.name, "is_active": current.is_active}
        after = {"uid": uid, "code": code, "name": name, "is_active": bool(is_active)}
        current.uid, current.code, current.name, current.is_active = uid, code, name, bool(is_active)
        current.is_placeholder = False
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action="dhis2.org_unit_mapping_update",
            object_type="dhis2.orgunitmapping",
            object_id=str(current.pk),
            object_label=(current.code or current.uid)[:200],
            details={"changes": _changes(before, after)},
        )
    return current


SERVER_FIELDS = (
    "name",
    "base_url",
    "username",
    "auth",
    "password_env",
    "data_set_uid",
    "attribute_option_combo_uid",
    "org_unit_level",
    "org_unit_id_scheme",
    "send_zeros",
    "timeout_seconds",
    "max_attempts",
    "retry_backoff_seconds",
    "run_as",
    "is_active",
)


def https_required() -> bool:
    """Production sends only over HTTPS; development and tests may use a local http:// DHIS2."""
    return bool(getattr(settings, "PRODUCTION", False)) and not settings.DEBUG


def _check_base_url(errors: dict[str, list[str]], value: str) -> str:
    value = (value or "").strip().rstrip("/")
    problem = ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        problem = _("Enter the address of the DHIS2 server, starting with https://.")
    if not problem:
        parts = urlsplit(value)
        if parts.username or parts.password:
            problem = _("Leave the username and password out of the address (the secret is never stored).")
        elif parts.query or parts.fragment:
            problem = _("Enter the address without ? or # parts.")
        elif parts.path.rstrip("/").endswith("/api") or "/api/" in parts.path:
            problem = _("Enter the address without /api (CPIMS adds it).")
        elif parts.scheme != "https" and https_required():
            problem = _("Use https:// — the server is reached over an encrypted connection only.")
    if len(value) > 200:
        problem = _("Use at most %(n)d characters.") % {"n": 200}
    if problem:
        errors["base_url"] = [problem]
    return value


def _number(errors: dict[str, list[str]], field: str, value: Any, low: float, high: float, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        errors[field] = [_("Enter a number.")]
        return value
    if not low <= number <= high:
        errors[field] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
    return number


def _check_sign_in(errors: dict[str, list[str]], *, auth: str, username: str, password_env: str) -> str:
    """How CPIMS signs in to DHIS2; the name of the variable holding the secret, stripped."""
    if auth not in Dhis2Server.Auth.values:
        errors["auth"] = [_("Choose how CPIMS signs in to DHIS2.")]
    if auth == Dhis2Server.Auth.BASIC and not username:
        errors.setdefault("username", []).append(_("Enter the DHIS2 username (needed for a password)."))
    password_env = (password_env or "").strip()
    try:
        validate_env_name(password_env)
    except ValidationError as exc:
        errors["password_env"] = list(exc.messages)
    return password_env


def _check_optional_uid(errors: dict[str, list[str]], field: str, value: str) -> str:
    value = (value or "").strip()
    if value and not is_uid(value):
        errors[field] = [_uid_error()]
    return value


def _run_as_user(errors: dict[str, list[str]], run_as: str) -> Any:
    """The national DHIS2 user the command acts as (None for none)."""
    if not run_as:
        return None
    user = queries.national_pusher_by_username(run_as)
    if user is None:
        errors["run_as"] = [_("Enter the username of an active national DHIS2 user.")]
    return user


def _deactivate_others(current: Dhis2Server) -> list[str]:
    """One server is active at a time: the names of those switched off for ``current``."""
    deactivated = []
    for other in Dhis2Server.objects.select_for_update().filter(is_active=True).exclude(pk=current.pk):
        other.is_active = False
        other.version += 1
        other.save(update_fields=["is_active", "version", "updated_at"])
        deactivated.append(other.name)
    return deactivated


def _check_delivery(
    errors: dict[str, list[str]],
    *,
    org_unit_level: str,
    org_unit_id_scheme: str,
    timeout_seconds: int,
    max_attempts: int,
    retry_backoff_seconds: float,
) -> tuple[int, int, float]:
    """How values are addressed and sent: org unit level and scheme, timeout and retries."""
    if org_unit_level not in Dhis2Server.Level.values:
        errors["org_unit_level"] = [_("Choose the org unit level.")]
    if org_unit_id_scheme not in Dhis2Server.IdScheme.values:
        errors["org_unit_id_scheme"] = [_("Choose how org units are identified.")]
    return (
        _number(errors, "timeout_seconds", timeout_seconds, 1, 600, int),
        _number(errors, "max_attempts", max_attempts, 1, 10, int),
        _number(errors, "retry_backoff_seconds", retry_backoff_seconds, 0, 300, float),
    )


def _lock_server(server: Dhis2Server, version: int) -> Dhis2Server:
    """The server row, locked; refused when it changed since the form was read (``version``)."""
    current = Dhis2Server.objects.select_for_update(of=("self",)).select_related("run_as").get(pk=server.pk)
    if current.version != version:
        raise _stale(_("Someone else changed the server settings while you were editing. Check them and save again."))
    return current


def _apply_settings(
    current: Dhis2Server, after: dict[str, Any], *, run_as: str, run_as_user: Any
) -> dict[str, list[Any]]:
    """Set ``after`` and the run-as account on ``current``; returns the changes for the audit row."""
    before = {key: getattr(current, key) for key in after}
    before["run_as"] = current.run_as.get_username() if current.run_as else ""
    for key, value in after.items():
        setattr(current, key, value)
    current.run_as = run_as_user
    return _changes(before, {**after, "run_as": run_as})


def server_update(
    *,
    actor: User,
    server: Dhis2Server,
    version: int,
    name: str,
    base_url: str,
    username: str,
    auth: str,
    password_env: str,
    data_set_uid: str,
    attribute_option_combo_uid: str,
    org_unit_level: str,
    org_unit_id_scheme: str,
    send_zeros: bool,
    timeout_seconds: int,
    max_attempts: int,
    retry_backoff_seconds: float,
    run_as: str,
    is_active: bool,
) -> Dhis2Server:
    """Change the DHIS2 server's settings (national DHIS2 users only); refuses a stale edit.

    ``run_as`` is the username of the national account the command acts as ("" for none).
    Activating this server deactivates the one active before (one server is active at a time).
    The secret itself is never an input: ``password_env`` names the variable that holds it.
    """
    queries.require_pusher(actor)
    errors: dict[str, list[str]] = {}
    name = clean_text(errors, "name", name, 120, required=_("Give the server a name."))
    base_url = _check_base_url(errors, base_url)
    username = clean_text(errors, "username", username, 120)
    password_env = _check_sign_in(errors, auth=auth, username=username, password_env=password_env)
    data_set_uid = _check_optional_uid(errors, "data_set_uid", data_set_uid)
    attribute_option_combo_uid = _check_optional_uid(errors, "attribute_option_combo_uid", attribute_option_combo_uid)
    timeout_seconds, max_attempts, retry_backoff_seconds = _check_delivery(
        errors,
        org_unit_level=org_unit_level,
        org_unit_id_scheme=org_unit_id_scheme,
        timeout_seconds=timeout_seconds,
        max_attempts=max_attempts,
        retry_backoff_seconds=retry_backoff_seconds,
    )
    run_as = (run_as or "").strip()
    run_as_user = _run_as_user(errors, run_as)
    raise_errors(errors)
    after = {
        "name": name,
        "base_url": base_url,
        "username": username,
        "auth": auth,
        "password_env": password_env,
        "data_set_uid": data_set_uid,
        "attribute_option_combo_uid": attribute_option_combo_uid,
        "org_unit_level": org_unit_level,
        "org_unit_id_scheme": org_unit_id_scheme,
        "send_zeros": bool(send_zeros),
        "timeout_seconds": timeout_seconds,
        "max_attempts": max_attempts,
        "retry_backoff_seconds": retry_backoff_seconds,
        "is_active": bool(is_active),
    }
    with transaction.atomic(durable=True):
        current = _lock_server(server, version)
        changes = _apply_settings(current, after, run_as=run_as, run_as_user=run_as_user)
        deactivated = _deactivate_others(current) if current.is_active else []
        current.version += 1
        current.save()
        details: dict[str, Any] = {"changes": changes}
        if deactivated:
            details["deactivated"] = deactivated
        audit_record(
            actor=actor, action="dhis2.server_update", obj=current, object_label=current.name[:200], details=details
        )
    return current
