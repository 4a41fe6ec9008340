"""Recording what a national population register (IPRS) answered about a person's identifier.

The registry never talks to the register itself: an adapter (``cpims.integrations.iprs``) asks it
and hands the answer to ``identifier_verification_record``, which compares it with our record and
stores the result beside the identifier. Our record is never changed here: a mismatch of names or
date of birth is kept side by side for the officer, who may correct the record through the normal
audited edit (``person_update``).

Names match when the register and our record hold the same name words, in any order (first, middle
and last names are often recorded in a different order); the date of birth must be the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.registry import names
from cpims.registry.models import Identifier, IdentifierVerification, Person

NAME_FIELDS = ("first_name", "middle_name", "last_name")


@dataclass(frozen=True)
class RegisterAnswer:
    """A national register's answer about one identifier number."""

    found: bool
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    reference: str = ""


def verification_differences(person: Person, answer: RegisterAnswer) -> list[dict[str, str]]:
    """The fields where ``answer`` and ``person`` disagree: [{"field", "ours", "theirs"}]."""
    if not answer.found:
        return []
    out: list[dict[str, str]] = []
    ours_all = set(names.tokens(person.first_name, person.middle_name, person.last_name, person.other_names))
    theirs_all = set(names.tokens(answer.first_name, answer.middle_name, answer.last_name))
    if ours_all != theirs_all:
        for name in NAME_FIELDS:
            ours, theirs = getattr(person, name), getattr(answer, name)
            if names.tokens(ours) != names.tokens(theirs):
                out.append({"field": name, "ours": ours, "theirs": theirs})
        if not out:  # the same three fields, but our "other names" hold words the register lacks
            out.append({"field": "other_names", "ours": person.other_names, "theirs": ""})
    if person.date_of_birth != answer.date_of_birth:
        out.append(
            {
                "field": "date_of_birth",
                "ours": person.date_of_birth.isoformat() if person.date_of_birth else "",
                "theirs": answer.date_of_birth.isoformat() if answer.date_of_birth else "",
            }
        )
    return out


def identifier_verification_record(
    *,
    actor: User,
    identifier: Identifier,
    answer: RegisterAnswer,
    source: str = "iprs",
    request: HttpRequest | None = None,
    via: str = "web",
) -> IdentifierVerification:
    """Store ``answer`` for ``identifier`` (matched, mismatch or not found), audited. The person's
    record is not touched. Needs child.update over the person."""
    person = identifier.person
    if not scope.can(actor, P.CHILD_UPDATE, person):
        raise PermissionDenied
    if not person.is_active:
        raise ValidationError(_("This record was merged into another one and can no longer be changed."))
    differences = verification_differences(person, answer)
    if not answer.found:
        status = IdentifierVerification.Status.NOT_FOUND
    elif differences:
        status = IdentifierVerification.Status.MISMATCH
    else:
        status = IdentifierVerification.Status.MATCHED
    with transaction.atomic(durable=True):
        verification = IdentifierVerification.objects.create(
            identifier=identifier,
            status=status,
            source=source,
            first_name=answer.first_name[:100] if answer.found else "",
            middle_name=answer.middle_name[:100] if answer.found else "",
            last_name=answer.last_name[:100] if answer.found else "",
            date_of_birth=answer.date_of_birth if answer.found else None,
            differences=differences,
            reference=answer.reference[:100],
            verified_at=timezone.now(),
            verified_by=actor,
        )
        # No names or numbers in the audit row: the type, the result and which fields differ.
        audit_record(
            actor=actor,
            action="identifier.verify",
            obj=person,
            object_label=person.cpims_number,
            request=request,
            details={
                "type": identifier.id_type.code,
                "status": status,
                "source": source,
                "differs": [d["field"] for d in differences],
                "verification": str(verification.public_id),
                "via": via,
            },
        )
    return verification
