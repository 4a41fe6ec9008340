"""The Kenya default mapping: valid deterministic placeholder UIDs, loaded once, never overwriting edits."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.integrations.dhis2 import defaults
from cpims.integrations.dhis2.uids import is_uid, placeholder_uid

pytestmark = pytest.mark.django_db


def test_placeholder_uids_are_valid_and_deterministic() -> None:
    assert placeholder_uid("de:cases") == placeholder_uid("de:cases") != placeholder_uid("de:category:CDIS")
    for seed in ("a", "b", "ou:KE_C047", "x" * 200):
        uid = placeholder_uid(seed)
        assert len(uid) == 11 and uid[0].isalpha() and uid.isalnum() and is_uid(uid)
    assert not is_uid("1abcdefghij") and not is_uid("abc") and not is_uid("abcdefghij-")


def test_shipped_file_is_what_the_generator_produces() -> None:
    doc = defaults.default_document()
    assert doc == defaults.build_default_document()
    uids = [doc["data_set"]["uid"]] + [r["uid"] for r in doc["data_elements"] + doc["category_option_combos"]]
    assert all(is_uid(u) for u in uids) and len(set(uids)) == len(uids)
    assert len(doc["data_elements"]) == 1 + 43 + 36
    assert len(doc["category_option_combos"]) == 4 * 6
    assert "PLACEHOLDER" in doc["note"]


def test_load_reference_loaded_the_default_and_reloading_keeps_edits(cast: Any) -> None:
    from cpims.geo.models import Area
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping, OrgUnitMapping

    assert DataElementMapping.objects.count() == 80
    assert CategoryOptionComboMapping.objects.count() == 24
    assert OrgUnitMapping.objects.count() == Area.objects.filter(level__in=["county", "sub_county"]).count()
    nairobi = OrgUnitMapping.objects.get(area__level="county", area__code="047")
    assert (nairobi.code, nairobi.uid, nairobi.is_placeholder) == ("KE_C047", placeholder_uid("ou:KE_C047"), True)
    assert OrgUnitMapping.objects.get(area__level="sub_county", area__code="274").code == "KE_SC274"

    edited = DataElementMapping.objects.get(indicator="cases")
    edited.uid, edited.is_placeholder = "Kx9CaseRep1", False
    edited.save()
    assert defaults.load_kenya_default() == {"data elements": 0, "category option combos": 0, "org units": 0}
    edited.refresh_from_db()
    assert edited.uid == "Kx9CaseRep1"
    DataElementMapping.objects.filter(indicator="intervention").delete()
    assert defaults.load_kenya_default()["data elements"] == 36


def test_demo_server_is_idempotent_and_holds_no_secret(cast: Any) -> None:
    from cpims.integrations.dhis2.demo import load_demo_dhis2
    from cpims.integrations.dhis2.models import Dhis2Server

    load_demo_dhis2()
    load_demo_dhis2()
    server = Dhis2Server.objects.get()
    assert server.base_url == "http://127.0.0.1:8080" and server.is_active
    assert server.password_env == "CPIMS_DHIS2_PASSWORD"
    field_names = {f.name for f in Dhis2Server._meta.get_fields()}
    assert not {"password", "token", "secret"} & field_names
