"""Every write of the dhis2 app: pushes (queued, then run in the background) and mapping edits.

``push`` checks and records the request (a ``PushLog`` row and an audit event, one transaction)
and hands the work to the task queue; ``push_run`` does the work: builds the data value set as
the requesting user (scope re-checked in the task), POSTs it, and records DHIS2's answer with a
second audit event. The payload is never stored, only its SHA-256.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent
from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit
from cpims.integrations.dhis2 import client, datavalues, queries
from cpims.integrations.dhis2.models import DataElementMapping, PushLog
from cpims.integrations.dhis2.uids import is_uid

logger = logging.getLogger(__name__)


def push(
    *,
    actor: Any,
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
    if server is None:
        raise ValidationError({"server": _("No DHIS2 server is configured: ask the system administrator.")})
    targets = queries.targets_for(server, org_units)
    if not targets:
        raise ValidationError({"org_units": _("No DHIS2 org unit is mapped.")})
    with transaction.atomic():
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
            details={"period": period.code, "org_units": len(targets), "dry_run": dry_run, "server": server.name},
        )
    if run:
        return push_run(log=log)
    # After the commit, so a database-backed worker finds the row.
    from cpims.integrations.dhis2.tasks import push_task

    push_task.enqueue(log.pk)
    log.refresh_from_db()
    return log


def _finish(log: PushLog, result: client.PushResult, *, values: int, sha: str) -> PushLog:
    with transaction.atomic():
        for name in ("status", "http_status", "attempts", "imported", "updated", "ignored", "deleted", "conflicts"):
            setattr(log, name, getattr(result, name))
        log.message = result.message
        log.values_sent = values
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
                "imported": result.imported,
                "updated": result.updated,
                "ignored": result.ignored,
                "deleted": result.deleted,
                "conflicts": len(result.conflicts),
                "payload_sha256": sha,
            },
        )
    return log


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
        dvs = datavalues.build(actor, period=period, targets=targets, server=log.server)
        payload = dvs.json_bytes()
        if not dvs.values:
            result = client.PushResult(
                status="success", message=_("Nothing to send: no cases in this period for these org units.")
            )
        else:
            result = client.post_data_value_set(log.server, payload, dry_run=log.dry_run)
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
    *, actor: Any, mapping: DataElementMapping, uid: str, dhis2_code: str, name: str, version: int
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
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
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
