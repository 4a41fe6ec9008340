"""Checking a person's identifier with IPRS.

``identifier_verify`` checks the permission first (nothing is sent to IPRS for a person the officer
may not edit), asks IPRS outside any database transaction (a slow register must not hold locks),
then hands the answer to the registry, which stores and audits it
(``cpims.registry.actions.identifier_verification_record``). A failure is audited here
(``iprs.verify_failed``, with the reason's code only) and raised again as ``IprsError``.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.integrations.iprs import client
from cpims.registry import actions as registry_actions
from cpims.registry.models import Identifier, IdentifierVerification


def can_verify(identifier: Identifier) -> bool:
    """IPRS holds this kind of number (national ID, birth certificate)."""
    return identifier.id_type.code in client.DOCUMENT_TYPES


def identifier_verify(
    *,
    actor: User,
    identifier: Identifier,
    request: HttpRequest | None = None,
    via: str = "web",
    transport: httpx.BaseTransport | None = None,
) -> IdentifierVerification:
    """Ask IPRS about ``identifier`` and record the answer. Needs child.update over the person."""
    person = identifier.person
    if not scope.can(actor, P.CHILD_UPDATE, person):
        raise PermissionDenied
    if not person.is_active:
        raise ValidationError(_("This record was merged into another one and can no longer be changed."))
    if not can_verify(identifier):
        raise ValidationError(_("IPRS holds national ID and birth certificate numbers only."))
    try:
        answer = client.lookup(identifier.id_type.code, identifier.value_normalised, transport=transport)
    except client.IprsError as exc:
        _audit_failure(actor, identifier, exc.code, request, via)
        raise
    return registry_actions.identifier_verification_record(
        actor=actor, identifier=identifier, answer=answer, source="iprs", request=request, via=via
    )


def _audit_failure(actor: User, identifier: Identifier, code: str, request: Any, via: str) -> None:
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action="iprs.verify_failed",
            obj=identifier.person,
            object_label=identifier.person.cpims_number,
            request=request,
            details={"type": identifier.id_type.code, "problem": code, "via": via},
        )
