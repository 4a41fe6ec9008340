"""The referral and transfer forms pick a unit by county, then type and name, and never offer (nor
accept) the user's own office."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cpims.referrals import actions
from cpims.referrals.models import Transfer

pytestmark = pytest.mark.django_db


def _option(unit: Any) -> str:
    return f'<option value="{unit.pk}"'


def test_referral_form_has_county_type_unit_and_no_own_office(
    client: Any, cast: Any, login: Any, westlands_case: Any
) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("referrals:create", kwargs={"case_id": westlands_case.public_id})
    page = client.get(url).content.decode()
    assert page.index('name="county"') < page.index('name="kind"') < page.index('name="to_unit"')
    assert reverse("geo:orgunit_options") in page
    assert _option(cast.nairobi_ngo) in page
    assert _option(cast.westlands_office) not in page
    page = client.get(url, {"county": cast.turkana_office.county_id, "kind": "sub_county_office"}).content.decode()
    assert _option(cast.turkana_central_office) in page and _option(cast.nairobi_ngo) not in page


def test_transfer_form_offers_offices_only_never_own(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_coordinator)
    url = reverse("referrals:transfer_create", kwargs={"case_id": westlands_case.public_id})
    page = client.get(url).content.decode()
    assert _option(cast.nairobi_office) not in page  # the coordinator's own office
    assert _option(cast.westlands_office) not in page  # the case's office
    assert _option(cast.nairobi_ngo) not in page  # not an office
    response = client.post(url, {"to_office": cast.nairobi_office.pk, "reason": "Moved"})
    assert response.status_code == 200
    assert not Transfer.objects.exists()


def test_transfer_to_own_office_is_refused_with_a_clear_message(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.transfer_request(
            actor=cast.nairobi_coordinator, case=westlands_case, to_office=cast.nairobi_office, reason="Moved"
        )
    assert "your own office" in " ".join(exc.value.message_dict["to_office"])


def test_referral_to_own_office_is_refused(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(
            actor=cast.nairobi_officer,
            case=westlands_case,
            to_unit=cast.westlands_office,
            reason="Needs counselling",
            urgency="routine",
        )
    assert "to_unit" in exc.value.message_dict
