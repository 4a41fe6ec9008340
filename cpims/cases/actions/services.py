"""Services given to a child by any actor, with or without a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.messages import code_param
from cpims.cases.models import Case, ServiceRecord
from cpims.core.models import Code
from cpims.core.validation import Errors, in_list, raise_errors
from cpims.geo.models import OrgUnit

SERVICE_LIST = "intervention_id"


def service_units(actor: User) -> list[int]:
    """The org units on whose behalf ``actor`` may record services."""
    return sorted({g.org_unit_id for g in scope.grants_for(actor).with_perm(P.SERVICE_RECORD)})


def service_record(
    *,
    actor: User,
    child: Any,
    service: Code,
    given_on: dt.date,
    provider: OrgUnit,
    case: Case | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
    via: str = "web",
) -> ServiceRecord:
    """Record a service given to ``child`` by ``provider`` (one of the actor's units), with or
    without a case. The actor must see the child (or the case, e.g. through a referral)."""
    today = timezone.localdate()
    scope.require_perm(actor, P.SERVICE_RECORD)
    if case is not None:
        if case.child_id != child.pk:
            raise ValidationError({"case": [_("This case is about another child.")]})
        _require(actor, P.SERVICE_RECORD, case)
    elif not scope.can(actor, P.CHILD_VIEW, child):
        raise PermissionDenied
    errors: Errors = {}
    if not in_list(service, SERVICE_LIST):
        errors["service"] = [_("Choose the service from the DCS list.")]
    if given_on is None:
        errors["given_on"] = [_("Enter the date the service was given.")]
    elif given_on > today:
        errors["given_on"] = [_("The date cannot be in the future.")]
    if provider is None or provider.pk not in service_units(actor):
        errors["provider"] = [_("Choose a unit you work for.")]
    raise_errors(errors)
    with transaction.atomic():
        if case is not None:
            case = _lock(case, None)
        record = ServiceRecord.objects.create(
            child=child,
            case=case,
            service=service,
            given_on=given_on,
            provider=provider,
            notes=(notes or "").strip(),
            recorded_by=actor,
            county_id=getattr(child, "county_id", None) or provider.county_id,
            sub_county_id=getattr(child, "sub_county_id", None) or provider.sub_county_id,
        )
        details = {"service": service.code, "provider": str(provider.public_id), "via": via}
        if case is not None:
            _record(
                case=case,
                actor=actor,
                kind="service",
                message="service.recorded",
                params={"service": code_param(service), "unit": provider.name},
                details={**details, "service_record": str(record.public_id)},
                request=request,
                bump=False,
            )
        else:
            audit_record(
                actor=actor,
                action="service.record",
                obj=record,
                request=request,
                details={**details, "child": str(child.public_id)},
            )
    return record
