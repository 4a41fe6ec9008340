"""coc_mapping_update, org_unit_mapping_update and server_update: national DHIS2 users only,
checked before writing, stale edits refused, one audit event with the changes (never a secret)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from cpims.audit.models import AuditEvent
from cpims.integrations.dhis2 import actions
from cpims.integrations.dhis2.forms import ServerForm
from cpims.integrations.dhis2.models import CategoryOptionComboMapping, Dhis2Server, OrgUnitMapping

from .conftest import SECRET, SECRET_ENV

pytestmark = pytest.mark.django_db


@pytest.fixture
def combo(cast: Any) -> CategoryOptionComboMapping:
    return CategoryOptionComboMapping.objects.get(sex="female", band="6-10")


@pytest.fixture
def westlands(cast: Any) -> OrgUnitMapping:
    return OrgUnitMapping.objects.get(area=cast.westlands_office.sub_county)


@pytest.fixture
def khis(cast: Any) -> Dhis2Server:
    return Dhis2Server.objects.create(name="KHIS test", base_url="https://khis.example.org", username="cpims-push")


def _server_input(server: Dhis2Server, **changes: Any) -> dict[str, Any]:
    return {**ServerForm.initial_for(server), **changes}


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- Category option combos ---------------------------------------------------------------------


def test_coc_update_saves_clears_the_placeholder_and_audits(cast: Any, combo: Any) -> None:
    assert combo.is_placeholder
    old_uid = combo.uid
    saved = actions.coc_mapping_update(
        actor=cast.national_me, mapping=combo, uid=" Kf6to10Aaa1 ", name="Female, 6-10", version=combo.version
    )
    combo.refresh_from_db()
    assert (combo.uid, combo.name, combo.is_placeholder, combo.version) == ("Kf6to10Aaa1", "Female, 6-10", False, 2)
    assert saved.version == 2
    [event] = _events("dhis2.coc_mapping_update")
    assert event.actor == cast.national_me and event.object_id == str(combo.pk)
    assert event.details["changes"]["uid"] == [old_uid, "Kf6to10Aaa1"]


def test_coc_stale_edit_is_refused_and_changes_nothing(cast: Any, combo: Any) -> None:
    actions.coc_mapping_update(actor=cast.national_me, mapping=combo, uid="Kf6to10Aaa1", name="A", version=1)
    with pytest.raises(ValidationError) as exc:
        actions.coc_mapping_update(actor=cast.national_me, mapping=combo, uid="Kf6to10Bbb2", name="B", version=1)
    assert "Someone else changed this category option combo" in str(exc.value)
    combo.refresh_from_db()
    assert (combo.uid, combo.name, combo.version) == ("Kf6to10Aaa1", "A", 2)
    assert len(_events("dhis2.coc_mapping_update")) == 1


@pytest.mark.parametrize("uid", ["1abcdefghij", "short", "Abcdefghij-", ""])
def test_coc_invalid_uid_is_refused_and_changes_nothing(cast: Any, combo: Any, uid: str) -> None:
    before = (combo.uid, combo.name, combo.version, combo.is_placeholder)
    with pytest.raises(ValidationError) as exc:
        actions.coc_mapping_update(actor=cast.national_me, mapping=combo, uid=uid, name="X", version=combo.version)
    assert "starting with a letter" in str(exc.value.message_dict["uid"])
    combo.refresh_from_db()
    assert (combo.uid, combo.name, combo.version, combo.is_placeholder) == before
    assert not _events("dhis2.coc_mapping_update")


def test_coc_uid_of_another_cell_is_refused(cast: Any, combo: Any) -> None:
    other = CategoryOptionComboMapping.objects.get(sex="male", band="6-10")
    with pytest.raises(ValidationError) as exc:
        actions.coc_mapping_update(actor=cast.national_me, mapping=combo, uid=other.uid, name="X", version=1)
    assert "already uses this UID" in str(exc.value)
    combo.refresh_from_db()
    assert combo.version == 1


@pytest.mark.parametrize("who", ["nairobi_coordinator", "admin", "stakeholder"])
def test_coc_update_needs_a_national_dhis2_user(cast: Any, combo: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.coc_mapping_update(actor=cast.users()[who], mapping=combo, uid="Kf6to10Aaa1", name="X", version=1)
    combo.refresh_from_db()
    assert combo.version == 1 and not _events("dhis2.coc_mapping_update")


# --- Org units ----------------------------------------------------------------------------------


def test_org_unit_update_saves_clears_the_placeholder_and_audits(cast: Any, westlands: Any) -> None:
    old = (westlands.uid, westlands.code)
    actions.org_unit_mapping_update(
        actor=cast.national_me,
        mapping=westlands,
        uid="KhisWestl01",
        code="KHIS_WESTLANDS",
        name="Westlands Sub County",
        is_active=False,
        version=1,
    )
    westlands.refresh_from_db()
    assert (westlands.uid, westlands.code, westlands.is_active, westlands.is_placeholder, westlands.version) == (
        "KhisWestl01",
        "KHIS_WESTLANDS",
        False,
        False,
        2,
    )
    [event] = _events("dhis2.org_unit_mapping_update")
    assert event.details["changes"]["uid"] == [old[0], "KhisWestl01"]
    assert event.details["changes"]["code"] == [old[1], "KHIS_WESTLANDS"]
    assert event.details["changes"]["is_active"] == [True, False]


def test_org_unit_stale_edit_is_refused_and_changes_nothing(cast: Any, westlands: Any) -> None:
    kwargs = {"actor": cast.national_me, "mapping": westlands, "code": "", "name": "W", "is_active": True}
    actions.org_unit_mapping_update(uid="KhisWestl01", version=1, **kwargs)
    with pytest.raises(ValidationError) as exc:
        actions.org_unit_mapping_update(uid="KhisWestl02", version=1, **kwargs)
    assert "Someone else changed this org unit mapping" in str(exc.value)
    westlands.refresh_from_db()
    assert (westlands.uid, westlands.version) == ("KhisWestl01", 2)
    assert len(_events("dhis2.org_unit_mapping_update")) == 1


def test_org_unit_invalid_uid_or_taken_code_is_refused(cast: Any, westlands: Any) -> None:
    before = (westlands.uid, westlands.code, westlands.version, westlands.is_placeholder)
    kwargs = {"actor": cast.national_me, "mapping": westlands, "name": "W", "is_active": True, "version": 1}
    with pytest.raises(ValidationError) as exc:
        actions.org_unit_mapping_update(uid="Westlands", code="", **kwargs)
    assert "starting with a letter" in str(exc.value.message_dict["uid"])
    with pytest.raises(ValidationError) as exc:
        actions.org_unit_mapping_update(uid="KhisWestl01", code="KE_C047", **kwargs)
    assert "already uses this code" in str(exc.value.message_dict["code"])
    westlands.refresh_from_db()
    assert (westlands.uid, westlands.code, westlands.version, westlands.is_placeholder) == before
    assert not _events("dhis2.org_unit_mapping_update")


def test_org_unit_update_needs_a_national_dhis2_user(cast: Any, westlands: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.org_unit_mapping_update(
            actor=cast.nairobi_coordinator,
            mapping=westlands,
            uid="KhisWestl01",
            code="",
            name="W",
            is_active=True,
            version=1,
        )


# --- The server ---------------------------------------------------------------------------------


def test_server_update_saves_every_field_and_audits_the_changes(cast: Any, khis: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    actions.server_update(
        actor=cast.national_me,
        server=khis,
        **_server_input(
            khis,
            name="KHIS production",
            base_url="https://hiskenya.org/",
            auth="token",
            username="",
            password_env=SECRET_ENV,
            data_set_uid="KhisDataSt1",
            attribute_option_combo_uid="",
            org_unit_level="sub_county",
            org_unit_id_scheme="code",
            send_zeros=True,
            timeout_seconds=30,
            max_attempts=2,
            retry_backoff_seconds=1.5,
            run_as="national_me",
        ),
    )
    khis.refresh_from_db()
    assert khis.base_url == "https://hiskenya.org"  # the trailing slash dropped
    assert (khis.name, khis.auth, khis.password_env, khis.data_set_uid, khis.attribute_option_combo_uid) == (
        "KHIS production",
        "token",
        SECRET_ENV,
        "KhisDataSt1",
        "",
    )
    assert (khis.org_unit_level, khis.org_unit_id_scheme, khis.send_zeros) == ("sub_county", "code", True)
    assert (khis.timeout_seconds, khis.max_attempts, khis.retry_backoff_seconds) == (30, 2, 1.5)
    assert khis.run_as == cast.national_me and khis.version == 2
    [event] = _events("dhis2.server_update")
    changes = event.details["changes"]
    assert changes["password_env"] == ["CPIMS_DHIS2_PASSWORD", SECRET_ENV]
    assert changes["run_as"] == ["", "national_me"] and changes["auth"] == ["basic", "token"]
    assert "version" not in changes
    assert SECRET not in json.dumps(event.details)


def test_server_stale_edit_is_refused_and_changes_nothing(cast: Any, khis: Any) -> None:
    stale = _server_input(khis, name="First")
    actions.server_update(actor=cast.national_me, server=khis, **stale)
    with pytest.raises(ValidationError) as exc:
        actions.server_update(actor=cast.national_me, server=khis, **{**stale, "name": "Second"})
    assert "Someone else changed the server settings" in str(exc.value)
    khis.refresh_from_db()
    assert (khis.name, khis.version) == ("First", 2)
    assert len(_events("dhis2.server_update")) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("data_set_uid", "9atasetUid1", "starting with a letter"),
        ("attribute_option_combo_uid", "HllvX50cXC", "starting with a letter"),
        ("base_url", "ftp://khis.example.org", "starting with https://"),
        ("base_url", "https://user:pw@khis.example.org", "Leave the username and password out"),
        ("base_url", "https://khis.example.org/api", "without /api"),
        ("password_env", "my secret", "name of an environment variable"),
        ("run_as", "nairobi_coordinator", "national DHIS2 user"),
        ("run_as", "nobody_here", "national DHIS2 user"),
        ("username", "", "Enter the DHIS2 username"),
        ("timeout_seconds", 0, "from 1 to 600"),
    ],
)
def test_server_bad_input_is_refused_and_changes_nothing(
    cast: Any, khis: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.server_update(actor=cast.national_me, server=khis, **_server_input(khis, **{field: value}))
    assert message in " ".join(exc.value.message_dict[field])
    khis.refresh_from_db()
    assert khis.version == 1 and khis.base_url == "https://khis.example.org"
    assert not _events("dhis2.server_update")


def test_server_http_only_outside_production(cast: Any, khis: Any) -> None:
    with override_settings(PRODUCTION=True, DEBUG=False), pytest.raises(ValidationError) as exc:
        actions.server_update(
            actor=cast.national_me, server=khis, **_server_input(khis, base_url="http://khis.example.org")
        )
    assert "Use https://" in str(exc.value.message_dict["base_url"])
    khis.refresh_from_db()
    assert khis.base_url == "https://khis.example.org"
    actions.server_update(actor=cast.national_me, server=khis, **_server_input(khis, base_url="http://127.0.0.1:8080"))
    khis.refresh_from_db()
    assert khis.base_url == "http://127.0.0.1:8080"


def test_activating_a_server_deactivates_the_active_one(cast: Any, khis: Any) -> None:
    spare = Dhis2Server.objects.create(name="KHIS spare", base_url="https://spare.example.org", is_active=False)
    actions.server_update(actor=cast.national_me, server=spare, **_server_input(spare, username="u", is_active=True))
    spare.refresh_from_db()
    khis.refresh_from_db()
    assert spare.is_active and not khis.is_active and khis.version == 2
    [event] = _events("dhis2.server_update")
    assert event.details["deactivated"] == ["KHIS test"]


def test_server_update_needs_a_national_dhis2_user(cast: Any, khis: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.server_update(actor=cast.nairobi_coordinator, server=khis, **_server_input(khis, name="X"))
    khis.refresh_from_db()
    assert khis.name == "KHIS test"
