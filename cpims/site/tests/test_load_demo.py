"""manage.py load_demo: runs every app's demo loader in order, twice without change, and prints
the demo users."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cpims.accounts.demo import DEMO_USERS
from cpims.core import hooks

pytestmark = pytest.mark.django_db


def test_loaders_run_in_their_registered_order() -> None:
    names = [loader.load.__name__ for loader in hooks.demo_loaders()]
    assert names == [
        "load_demo_users",
        "load_demo_cases",
        "load_demo_intake",
        "load_demo_care",
        "load_demo_justice",
        "load_demo_ctip",
        "load_demo_country",
        "load_demo_reporting",
        "load_demo_country_returns",
        "load_demo_returns",
        "load_demo_dhis2",
        "load_demo_iprs",
        "load_demo_privacy",
    ]


def test_refused_outside_demo_mode(settings: Any) -> None:
    settings.CPIMS_DEMO = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_load_demo_twice_prints_the_demo_users(settings: Any, tmp_path: Any, reference: None, capsys: Any) -> None:
    from cpims.cases.models import Case

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path  # the demo credentials file goes here, not in the shared var/
    call_command("load_demo", size="none")
    first = capsys.readouterr().out
    cases = Case.objects.count()
    call_command("load_demo", size="none")
    assert capsys.readouterr().out == first
    assert Case.objects.count() == cases
    for spec in DEMO_USERS:
        assert spec.username in first


def test_size_option_loads_the_country(settings: Any, tmp_path: Any, reference: None, capsys: Any) -> None:
    from cpims.cases.models import Case
    from cpims.site.demo import SIZES

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path
    call_command("load_demo", size="none")
    apps_own = Case.objects.count()
    call_command("load_demo", size="small")
    assert Case.objects.count() == apps_own + SIZES["small"].cases
    assert "Demo data (small) loaded in" in capsys.readouterr().err
