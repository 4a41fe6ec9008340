"""geo:orgunit_detail — one organisation unit, through the scope rules."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _url(unit: Any) -> str:
    return reverse("geo:orgunit_detail", args=[unit.public_id])


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Any) -> None:
    response = client.get(_url(cast.westlands_office))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_coordinator_sees_a_unit_in_their_county_with_an_edit_link(client: Client, cast: Any, login: Any) -> None:
    cast.westlands_office.phone = "+254 20 000 0000"
    cast.westlands_office.save()
    login(client, cast.nairobi_coordinator)
    response = client.get(_url(cast.westlands_office))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Westlands Sub-County Children Office" in content
    assert 'href="tel:+254 20 000 0000"' in content
    assert reverse("geo:orgunit_edit", args=[cast.westlands_office.public_id]) in content


def test_officer_in_scope_sees_it_without_an_edit_link(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(_url(cast.westlands_office))
    assert response.status_code == 200
    assert reverse("geo:orgunit_edit", args=[cast.westlands_office.public_id]) not in response.content.decode()


def test_out_of_scope_is_not_found(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.westlands_office)) == 404
    assert status_as(cast.partner, _url(cast.westlands_office)) == 404
    assert client.get(_url(cast.nairobi_ngo)).status_code == 200


def test_unknown_unit_is_not_found(cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, reverse("geo:orgunit_detail", args=[uuid.uuid4()])) == 404


def test_children_are_listed(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    content = client.get(_url(cast.nairobi_office)).content.decode()
    assert "Westlands Sub-County Children Office" in content


def test_a_parent_outside_scope_is_named_without_a_link(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    content = client.get(_url(cast.nairobi_office)).content.decode()
    assert cast.hq.name in content
    assert _url(cast.hq) not in content
    content = client.get(_url(cast.westlands_office)).content.decode()
    assert _url(cast.nairobi_office) in content
