"""A person's photo, kept only with a current photo consent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.registry.actions._shared import has_current_consent
from cpims.registry.models import Consent, Person

PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def photo_set(*, actor: User, person: Person, photo: UploadedFile, request: HttpRequest | None = None) -> Person:
    """Store a photo (JPEG or PNG, at most 2 MB). Needs a current photo consent."""
    if not has_current_consent(person, Consent.Purpose.PHOTO):
        raise ValidationError({"photo": [_("Record the consent for a photo first.")]})
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": [_("The photo is too large: at most 2 MB.")]})
    head = photo.read(8)
    photo.seek(0)
    suffix = next((s for magic, s in PHOTO_TYPES.items() if head.startswith(magic)), None)
    if suffix is None:
        raise ValidationError({"photo": [_("Upload a JPEG or PNG photo.")]})
    with transaction.atomic(durable=True):
        old_storage, old_name = (person.photo.storage, person.photo.name) if person.photo else (None, "")
        person.photo.save(f"photo{suffix}", photo, save=False)
        person.save(update_fields=["photo", "updated_at"])
        if old_storage is not None and old_name:
            transaction.on_commit(lambda: old_storage.delete(old_name))
        audit_record(
            actor=actor, action="person.photo_set", obj=person, object_label=person.cpims_number, request=request
        )
    return person
