"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the registry.

In tests/test_url_scope.py::

    from cpims.registry.tests.scope_routes import registry_routes
    ROUTES.update(registry_routes(Route, EVERYONE))

Every registry URL is requested with records of a child living in Westlands (Nairobi) and
registered by the Westlands office: the Nairobi officer and coordinator may change it, the
national M&E officer may only read it (403 on changes), everyone else gets 404 (Turkana users,
the partner NGO that did not register it, and roles without child.view).
"""

from __future__ import annotations

from typing import Any

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def westlands_child(cast: Any) -> Any:
    """A Westlands child with a mother, a consent and a photo (made once per cast)."""
    existing = getattr(cast, "_registry_child", None)
    if existing is not None:
        return existing
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from cpims.geo.models import Area
    from cpims.registry import actions
    from cpims.registry.models import Consent, Relationship

    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=cast.westlands_office.sub_county).order_by("code")[0]
    registration = actions.child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=actions.PersonInput(first_name="Scope", last_name="Testchild", sex="female", age_years=9, ward=ward),
        relatives=[
            actions.RelativeInput(
                kind="mother",
                person=actions.PersonInput(first_name="Scope", last_name="Testmother", sex="female", kind="caregiver"),
            )
        ],
    )
    child = registration.child
    actions.consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    actions.photo_set(actor=cast.nairobi_officer, person=child, photo=SimpleUploadedFile("p.png", PNG))
    child._relationship = Relationship.objects.get(child=child, kind="mother")
    child._consent = Consent.objects.get(person=child, purpose="photo")
    cast._registry_child = child
    return child


def _child(cast: Any) -> dict[str, Any]:
    return {"public_id": westlands_child(cast).public_id}


def _relationship(cast: Any) -> dict[str, Any]:
    child = westlands_child(cast)
    return {"public_id": child.public_id, "relationship_id": child._relationship.public_id}


def _consent(cast: Any) -> dict[str, Any]:
    child = westlands_child(cast)
    return {"public_id": child.public_id, "consent_id": child._consent.public_id}


def _number(cast: Any) -> dict[str, Any]:
    return {"number": westlands_child(cast).cpims_number}


def registry_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    viewers = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
    editors = frozenset({"nairobi_coordinator", "nairobi_officer"})
    outsiders = everyone - viewers
    child_view = everyone - {"admin", "stakeholder"}
    child_create = frozenset(
        {"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "partner"}
    )
    read = {"ok": viewers, "hidden": outsiders}
    write = {"ok": editors, "hidden": outsiders}  # national_me: 403
    return {
        "registry:search": Route(ok=child_view),
        "registry:person_pick": Route(ok=child_view),
        "registry:child_create": Route(ok=child_create),
        "registry:duplicate_check": Route(ok=child_create),
        "registry:by_number": Route(**read, kwargs=_number, ok_status=frozenset({302})),
        "registry:child_detail": Route(**read, kwargs=_child),
        "registry:photo": Route(**read, kwargs=_child),
        "registry:child_edit": Route(**write, kwargs=_child),
        "registry:caregiver_add": Route(**write, kwargs=_child),
        "registry:relationship_edit": Route(**write, kwargs=_relationship),
        "registry:identifier_add": Route(**write, kwargs=_child),
        "registry:consent_give": Route(**write, kwargs=_child),
        "registry:consent_withdraw": Route(**write, kwargs=_consent),
        "registry:photo_upload": Route(**write, kwargs=_child),
        "registry:merge": Route(**write, kwargs=_child),
        # child.access_log: the coordinator (area) and national M&E; the officer sees the child: 403.
        "registry:access_log": Route(
            ok=frozenset({"national_me", "nairobi_coordinator"}), hidden=outsiders, kwargs=_child
        ),
        "registry:access_log_export": Route(
            ok=frozenset({"national_me", "nairobi_coordinator"}), hidden=outsiders, kwargs=_child
        ),
    }
