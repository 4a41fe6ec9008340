"""IPRS settings are read strictly from the environment: a malformed URL or timeout stops the process."""

from __future__ import annotations

import pytest

from tests.test_settings_env import _manage


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CPIMS_IPRS_URL", "iprs.example.go.ke"),
        ("CPIMS_IPRS_TIMEOUT_SECONDS", "0"),
        ("CPIMS_IPRS_TIMEOUT_SECONDS", "ten"),
    ],
)
def test_a_bad_iprs_setting_stops_the_process(name: str, value: str) -> None:
    result = _manage("check", **{name: value})
    assert result.returncode != 0 and name in result.stderr


def test_good_iprs_settings_start() -> None:
    result = _manage("check", CPIMS_IPRS_URL="https://iprs.example.go.ke/api", CPIMS_IPRS_TIMEOUT_SECONDS="15")
    assert result.returncode == 0, result.stderr
