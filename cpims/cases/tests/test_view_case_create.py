from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases.models import Case
from cpims.cases.tests.conftest import code, make_child, open_case


def _post(child: Any, cast: Any, **over: Any) -> dict[str, Any]:
    data = {
        "office": cast.westlands_office.pk,
        "reported_on": timezone.localdate().isoformat(),
        "reporter_type": code("case_reporter_id", "CRMO").pk,
        "reporter_name": "Reporter Testname",
        "cat-TOTAL_FORMS": "1",
        "cat-INITIAL_FORMS": "0",
        "cat-MIN_NUM_FORMS": "1",
        "cat-MAX_NUM_FORMS": "10",
        "cat-0-category": code("case_category_id", "CSIC").pk,
        "perp-TOTAL_FORMS": "1",
        "perp-INITIAL_FORMS": "0",
        "perp-MIN_NUM_FORMS": "1",
        "perp-MAX_NUM_FORMS": "10",
        "perp-0-name": "",
        "hiv_status": "unknown",
    }
    data.update(over)
    return data


def test_open_from_registry_child(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_create") + f"?child={child.public_id}"
    assert client.get(url).status_code == 200
    response = client.post(url, _post(child, cast))
    case = Case.objects.get(child=child)
    assert response.status_code == 302 and str(case.public_id) in response["Location"]
    # The second time warns about the open case.
    assert case.case_number in client.get(url).content.decode()


def test_pick_by_number(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    response = client.get(reverse("cases:case_create"), {"number": child.cpims_number})
    assert response.status_code == 200 and child.cpims_number in response.content.decode()
    other = make_child(cast.turkana_officer, cast.turkana_central_office)
    assert client.get(reverse("cases:case_create"), {"number": other.cpims_number}).status_code == 404
    assert client.get(reverse("cases:case_create"), {"child": other.public_id}).status_code == 404


def test_bad_input_clear_message_nothing_written(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_create") + f"?child={child.public_id}"
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = client.post(url, _post(child, cast, reported_on=tomorrow))
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Case.objects.exists()


def test_office_outside_grants_is_not_offered(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_create") + f"?child={child.public_id}"
    response = client.post(url, _post(child, cast, office=cast.turkana_central_office.pk))
    assert response.status_code == 200 and not Case.objects.exists()
    open_case(cast.nairobi_officer, cast.westlands_office, child=child)
