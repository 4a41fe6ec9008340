"""geo:orgunit_edit — editing through the page, with the stale-save check."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.geo.actions import orgunit_update
from cpims.geo.models import OrgUnit

pytestmark = pytest.mark.django_db


def _url(unit: OrgUnit) -> str:
    return reverse("geo:orgunit_edit", args=[unit.public_id])


def _form_data(client: Client, unit: OrgUnit, **changes: Any) -> dict[str, Any]:
    """The form as the page renders it (including the hidden version), with ``changes`` made."""
    form = client.get(_url(unit)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    if not data["is_active"]:
        data.pop("is_active")
    data.update(changes)
    return data


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Any) -> None:
    response = client.get(_url(cast.westlands_office))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_coordinator_edits_a_westlands_unit(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    page = client.get(_url(cast.westlands_office))
    assert page.status_code == 200
    assert 'name="updated_at"' in page.content.decode()
    data = _form_data(client, cast.westlands_office, phone="+254 20 222 2222", email="westlands@example.org")
    response = client.post(_url(cast.westlands_office), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:orgunit_detail", args=[cast.westlands_office.public_id])
    cast.westlands_office.refresh_from_db()
    assert cast.westlands_office.phone == "+254 20 222 2222"
    assert cast.westlands_office.email == "westlands@example.org"
    event = AuditEvent.objects.get(action="orgunit.update", object_id=str(cast.westlands_office.public_id))
    assert event.details["changed"] == ["phone", "email"]


def test_the_form_shows_the_stored_area(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    form = client.get(_url(cast.westlands_office)).context["form"]
    assert form["county"].value() == cast.westlands_office.county_id
    assert form["sub_county"].value() == cast.westlands_office.sub_county_id
    assert form["ward"].value() is None
    assert form.fields["ward"].queryset.count() == 5


def test_turkana_coordinator_gets_not_found(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.westlands_office)) == 404
    assert client.post(_url(cast.westlands_office), {"name": "X"}).status_code == 404


def test_officer_in_scope_but_read_only_gets_forbidden(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, _url(cast.westlands_office)) == 403
    assert client.post(_url(cast.westlands_office), {"name": "X"}).status_code == 403


def test_stakeholder_gets_forbidden(cast: Any, status_as: Any) -> None:
    assert status_as(cast.stakeholder, _url(cast.westlands_office)) == 403


def test_unknown_unit_is_not_found(cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, reverse("geo:orgunit_edit", args=[uuid.uuid4()])) == 404


def test_a_stale_save_is_refused_with_a_clear_message(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    data = _form_data(client, cast.westlands_office, phone="+254 20 333 3333")
    # Meanwhile someone else saves the unit.
    unit = OrgUnit.objects.get(pk=cast.westlands_office.pk)
    orgunit_update(actor=cast.admin, org_unit=unit, expected_updated_at=unit.updated_at, phone="+254 20 444 4444")

    response = client.post(_url(cast.westlands_office), data)
    assert response.status_code == 200
    assert "Someone else changed this unit after you opened it." in response.content.decode()
    unit.refresh_from_db()
    assert unit.phone == "+254 20 444 4444"
    assert AuditEvent.objects.filter(action="orgunit.update").count() == 1


def test_a_tampered_version_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    data = _form_data(client, cast.westlands_office, updated_at="yesterday", phone="1")
    response = client.post(_url(cast.westlands_office), data)
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    cast.westlands_office.refresh_from_db()
    assert cast.westlands_office.phone == ""


def test_deactivating_a_unit(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    data = _form_data(client, cast.nairobi_ngo)
    data.pop("is_active")
    assert client.post(_url(cast.nairobi_ngo), data).status_code == 302
    cast.nairobi_ngo.refresh_from_db()
    assert cast.nairobi_ngo.is_active is False


def test_a_parent_outside_the_editors_scope_is_kept(client: Client, cast: Any, login: Any) -> None:
    # Headquarters, above the Nairobi county office, lies outside the Nairobi coordinator's scope.
    login(client, cast.nairobi_coordinator)
    form = client.get(_url(cast.nairobi_office)).context["form"]
    assert form["parent"].value() == cast.hq.pk
    assert cast.hq in form.fields["parent"].queryset
    assert "DCS-C023" not in set(form.fields["parent"].queryset.values_list("code", flat=True))
    data = _form_data(client, cast.nairobi_office, phone="+254 20 666 6666")
    assert client.post(_url(cast.nairobi_office), data).status_code == 302
    cast.nairobi_office.refresh_from_db()
    assert cast.nairobi_office.parent_id == cast.hq.pk and cast.nairobi_office.phone == "+254 20 666 6666"
