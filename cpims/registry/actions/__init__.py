"""Every write to the registry. Keyword-only, typed, one transaction each, validated before anything
is written, audited in the same transaction.

Validation problems raise ``django.core.exceptions.ValidationError`` with translatable messages,
keyed by field where a field is at fault, and nothing is written. Callers (views, API) fetch the
objects they pass in through the scope rules (``cpims.registry.queries``) with the right write
permission; the actions check the permission again where a mistake would be costly.

By subject: ``inputs`` (what forms give, and its checks), ``people`` (registration, details,
identifiers), ``relationships`` (caregivers, siblings and their households), ``consent``,
``photos``, ``merge``, ``verification`` (answers of a national register). Other apps import from
this package, not from the modules.
"""

from cpims.registry.actions.consent import consent_give, consent_withdraw
from cpims.registry.actions.inputs import (
    PersonInput,
    RelativeInput,
    normalise_identifier,
    validate_person,
    validate_relative,
)
from cpims.registry.actions.merge import person_merge
from cpims.registry.actions.people import (
    LikelyDuplicates,
    Registration,
    child_register,
    identifier_add,
    person_create,
    person_update,
)
from cpims.registry.actions.photos import photo_set
from cpims.registry.actions.relationships import relationship_update, relative_add
from cpims.registry.actions.verification import (
    RegisterAnswer,
    identifier_verification_record,
    verification_differences,
)

__all__ = [
    "LikelyDuplicates",
    "PersonInput",
    "RegisterAnswer",
    "Registration",
    "RelativeInput",
    "child_register",
    "consent_give",
    "consent_withdraw",
    "identifier_add",
    "identifier_verification_record",
    "normalise_identifier",
    "person_create",
    "person_merge",
    "person_update",
    "photo_set",
    "relationship_update",
    "relative_add",
    "validate_person",
    "validate_relative",
    "verification_differences",
]
