"""Entries for tests/test_url_scope.py for the iprs app's pages and API.

The Westlands child of the registry's scope test, with a birth registration number: the Nairobi
officer and coordinator may check it (IPRS is not set up in the scope test, so the check answers
with a message and a redirect, and nothing is sent), national M&E may only read the checks (403 on
a check), everyone else gets 404 (Turkana users, the partner NGO that did not register the child,
roles without child.view).
"""

from __future__ import annotations

from typing import Any


def _identifier(cast: Any) -> dict[str, Any]:
    from cpims.registry.tests.scope_routes import westlands_child

    child = westlands_child(cast)
    found = getattr(cast, "_iprs_identifier", None)
    if found is None:
        from cpims.core.models import Code
        from cpims.registry.actions import identifier_add

        found = identifier_add(
            actor=cast.nairobi_officer,
            person=child,
            id_type=Code.objects.get(code_list__name="identifier_type_id", code="ISOV"),
            value="SCOPE-BC-0001",
        )
        cast._iprs_identifier = found
    return {"public_id": child.public_id, "pk": found.pk}


def iprs_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    viewers = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
    editors = frozenset({"nairobi_coordinator", "nairobi_officer"})
    outsiders = everyone - viewers
    return {
        "iprs:identifier": Route(ok=viewers, hidden=outsiders, kwargs=_identifier),
        "iprs:verify": Route(
            ok=editors, hidden=outsiders, kwargs=_identifier, method="post", ok_status=frozenset({302})
        ),
        # child.view holders list the checks of the people they see; admin and stakeholder: 403.
        "api:iprsverification-list": Route(ok=everyone - {"admin", "stakeholder"}, api=True),
    }
