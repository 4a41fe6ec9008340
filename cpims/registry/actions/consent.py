"""Consents a person (or their guardian) gives and withdraws: to registration, to sharing data
with a named organisation, to a photo."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.core.validation import Errors, add_error, raise_errors
from cpims.geo.models import OrgUnit
from cpims.registry.actions._shared import audit_consent, has_current_consent
from cpims.registry.models import CONSENT_WITHDRAWN_HANDLERS, Consent, Person


def consent_give(
    *,
    actor: User,
    person: Person,
    purpose: str,
    given_by: str,
    given_on: dt.date,
    shared_with: OrgUnit | None = None,
    given_by_person: Person | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    errors: Errors = {}
    if purpose not in Consent.Purpose.values:
        add_error(errors, "purpose", _("Choose what the consent is for."))
    if given_by not in Consent.GivenBy.values:
        add_error(errors, "given_by", _("Choose who gave consent."))
    elif given_by == Consent.GivenBy.CHILD_ASSENT and person.kind != Person.Kind.CHILD:
        add_error(errors, "given_by", _("Only a child gives assent; an adult consents for themselves."))
    elif given_by == Consent.GivenBy.SELF and person.is_minor:
        add_error(
            errors, "given_by", _("A child cannot consent alone: record the guardian's consent or the child's assent.")
        )
    if given_on > timezone.localdate():
        add_error(errors, "given_on", _("The consent date cannot be in the future."))
    if purpose == Consent.Purpose.DATA_SHARING and shared_with is None:
        add_error(errors, "shared_with", _("Name the organisation the data will be shared with."))
    if purpose != Consent.Purpose.DATA_SHARING:
        shared_with = None
    raise_errors(errors)
    with transaction.atomic(durable=True):
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            given_by=given_by,
            given_by_person=given_by_person,
            given_on=given_on,
            shared_with=shared_with,
            note=note.strip(),
            recorded_by=actor,
        )
        audit_consent(actor, "consent.give", consent, request)
    return consent


def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_on: dt.date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Withdraw a consent. Withdrawing photo consent removes the photo (the file is deleted once
    the transaction has committed). Access the apps gave on the strength of the consent ends at
    once, in the same transaction (``register_consent_withdrawn``); the names of the units that lost
    access are left on ``consent.ended_access`` so the officer can be told."""
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": [_("The date cannot be in the future.")]})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": [_("Consent cannot be withdrawn before it was given.")]})
    with transaction.atomic(durable=True):
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_by = actor
        consent.withdrawal_reason = reason.strip()
        consent.save()
        person = consent.person
        if (
            consent.purpose == Consent.Purpose.PHOTO
            and person.photo
            and not has_current_consent(person, Consent.Purpose.PHOTO)
        ):
            _remove_photo(person)
        audit_consent(actor, "consent.withdraw", consent, request)
        ended: list[str] = []
        for handler in CONSENT_WITHDRAWN_HANDLERS:
            ended += [name for name in handler(actor=actor, consent=consent, request=request) if name not in ended]
    consent.ended_access = ended
    return consent


def _remove_photo(person: Person) -> None:
    storage, name = person.photo.storage, person.photo.name
    person.photo = ""
    person.save(update_fields=["photo", "updated_at"])
    transaction.on_commit(lambda: storage.delete(name))
