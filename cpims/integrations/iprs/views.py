"""IPRS pages: an identifier's checks (the latest side by side with our record, and the history),
and the "Verify with IPRS" button's POST. Thin: the scope rules through the registry's queries, the
check through ``actions.identifier_verify``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.integrations.iprs import actions, client
from cpims.registry import queries
from cpims.registry.models import Identifier, IdentifierVerification, Person

HISTORY_SHOWN = 20


def identifier_buttons(user: Any, person: Person, identifiers: list[Identifier]) -> dict[int, list[Any]]:
    """The "Verify with IPRS" button beside each national ID and birth certificate number (the
    person's page shows it to editors only). No queries."""
    label = _("Verify with IPRS")
    return {
        i.pk: [
            queries.IdentifierAction(reverse("iprs:verify", kwargs={"public_id": person.public_id, "pk": i.pk}), label)
        ]
        for i in identifiers
        if actions.can_verify(i)
    }


@login_required
@require_GET
def identifier(request: AuthenticatedRequest, public_id: Any, pk: int) -> HttpResponse:
    found = queries.identifier_for(request.user, public_id, pk)
    person = found.person
    checks = list(queries.verifications_visible_to(request.user, person).filter(identifier=found)[:HISTORY_SHOWN])
    queries.audit_view(request.user, person, request=request, via="iprs")
    return render(
        request,
        "iprs/identifier.html",
        {
            "person": person,
            "identifier": found,
            "latest": checks[0] if checks else None,
            "checks": checks,
            "can_verify": actions.can_verify(found) and scope.can(request.user, P.CHILD_UPDATE, person),
            "configured": client.is_configured(),
        },
    )


@login_required
@require_POST
def verify(request: AuthenticatedRequest, public_id: Any, pk: int) -> HttpResponse:
    found = queries.identifier_for(request.user, public_id, pk, write=P.CHILD_UPDATE)
    try:
        result = actions.identifier_verify(actor=request.user, identifier=found, request=request)
    except client.IprsError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if result.status == IdentifierVerification.Status.MATCHED:
            messages.success(request, _("IPRS confirms this number, the names and the date of birth."))
        elif result.status == IdentifierVerification.Status.MISMATCH:
            messages.warning(
                request,
                _("IPRS holds this number with different details. Compare them below; our record was not changed."),
            )
        else:
            messages.warning(request, _("IPRS does not know this number. Check the document with the family."))
    return redirect("iprs:identifier", public_id=found.person.public_id, pk=found.pk)
