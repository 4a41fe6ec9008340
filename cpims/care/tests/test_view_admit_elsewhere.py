"""A Nairobi CCI admits a child registered in Turkana: found by CPIMS number and date of birth
together (nothing partial, the same answer for any miss), every lookup audited, too many misses
wait; the admission gives the institution the child's record while the child stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.care.models import Placement
from cpims.care.tests.conftest import make_child, manager_of
from cpims.care.tests.test_views_care import _admit_data

pytestmark = pytest.mark.django_db
LOOKUP = reverse("care:admit_lookup")


def turkana_child(cast: Any) -> Any:
    return make_child(cast.turkana_officer, cast.turkana_central_office, first="Ekai", last="Testchild")


def test_found_by_number_and_birth_date_and_admitted(cast: Any, client: Any, login: Any, cci: Any) -> None:
    child = turkana_child(cast)
    manager = manager_of(cci)
    login(client, manager)
    profile = reverse("registry:child_detail", kwargs={"public_id": child.public_id})
    assert client.get(profile).status_code == 404
    response = client.post(LOOKUP, {"number": child.cpims_number, "date_of_birth": child.date_of_birth.isoformat()})
    admit_url = reverse("care:placement_create", kwargs={"public_id": child.public_id})
    assert response.status_code == 302 and response["Location"] == admit_url
    lookup = AuditEvent.objects.get(action="placement.admit_lookup")
    assert lookup.outcome == "success" and lookup.object_id == str(child.public_id)
    assert lookup.details["outside_scope"] is True
    assert client.get(admit_url).status_code == 200
    response = client.post(admit_url, _admit_data(cci))
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get(child=child)
    assert placement.institution == cci
    admitted = AuditEvent.objects.get(action="placement.admit")
    assert admitted.details["found_by"] == "number_and_birth_date"
    # The placement gives the institution the child's record.
    assert client.get(profile).status_code == 200


def test_wrong_birth_date_and_unknown_number_answer_the_same(cast: Any, client: Any, login: Any, cci: Any) -> None:
    child = turkana_child(cast)
    login(client, manager_of(cci))
    wrong = client.post(
        LOOKUP,
        {"number": child.cpims_number, "date_of_birth": (child.date_of_birth - dt.timedelta(days=1)).isoformat()},
    )
    unknown = client.post(LOOKUP, {"number": "CP0000000", "date_of_birth": child.date_of_birth.isoformat()})
    no_date = client.post(LOOKUP, {"number": child.cpims_number})
    assert wrong.status_code == unknown.status_code == no_date.status_code == 404
    assert wrong.context["error"] == unknown.context["error"] == no_date.context["error"]
    assert child.last_name not in wrong.content.decode()
    failures = AuditEvent.objects.filter(action="placement.admit_lookup", outcome="failure")
    assert failures.count() == 3
    assert all(e.object_id == "" and e.object_label == "" for e in failures)
    # Without the lookup, the admission page still answers 404.
    admit_url = reverse("care:placement_create", kwargs={"public_id": child.public_id})
    assert client.get(admit_url).status_code == 404


def test_too_many_misses_wait(cast: Any, client: Any, login: Any, cci: Any) -> None:
    from cpims.care.queries import LOOKUP_ATTEMPTS

    child = turkana_child(cast)
    login(client, manager_of(cci))
    for _i in range(LOOKUP_ATTEMPTS):
        client.post(LOOKUP, {"number": child.cpims_number, "date_of_birth": "2001-01-01"})
    right = {"number": child.cpims_number, "date_of_birth": child.date_of_birth.isoformat()}
    assert client.post(LOOKUP, right).status_code == 429
    assert AuditEvent.objects.filter(action="placement.admit_lookup", outcome="denied").count() == 1


def test_the_action_checks_the_birth_date_again(cast: Any, cci: Any) -> None:
    from django.http import Http404

    from cpims.care.actions import placement_admit
    from cpims.care.tests.conftest import code, days

    child = turkana_child(cast)
    with pytest.raises(Http404):
        placement_admit(
            actor=manager_of(cci),
            child=child,
            care_type=code("alternative_family_care_type_id", "AFIC"),
            institution=cci,
            admitted_on=days(-2),
            admission_type=code("admission_type_id", "TANA"),
            admission_reason=code("admission_reason_id", "RACP"),
            found_with_birth_date=child.date_of_birth - dt.timedelta(days=3),
        )
    assert not Placement.objects.exists()
