"""Registry test helpers: synthetic people (invented names, no real person) in the cast's areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from conftest import NAIROBI_COUNTY, TURKANA_CENTRAL, TURKANA_COUNTY, WESTLANDS


def ward_in(sub_county_code: str) -> Any:
    from cpims.geo.models import Area

    return (
        Area.objects.filter(level=Area.Level.WARD, sub_county__code=sub_county_code, sub_county__level="sub_county")
        .order_by("code")
        .first()
    )


def id_type(code: str = "ISOV") -> Any:
    from cpims.core.models import Code

    return Code.objects.get(code_list__name="identifier_type_id", code=code)


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def child_input(first: str = "Wanjiku", last: str = "Kamau", *, ward: Any = None, **extra: Any) -> Any:
    from cpims.registry.actions import PersonInput

    data: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "sex": "female",
        "date_of_birth": years_ago(8, 40),
        "ward": ward,
    }
    data.update(extra)
    return PersonInput(**data)


class People:
    """Makes registered people for a test, as the cast's officers would."""

    def __init__(self, cast: Any) -> None:
        self.cast = cast
        self.westlands_ward = ward_in(WESTLANDS)
        self.turkana_ward = ward_in(TURKANA_CENTRAL)

    def nairobi_child(self, first: str = "Wanjiku", last: str = "Kamau", **extra: Any) -> Any:
        from cpims.registry.actions import person_create

        return person_create(
            actor=self.cast.nairobi_officer,
            org_unit=self.cast.westlands_office,
            data=child_input(first, last, ward=self.westlands_ward, **extra),
        )

    def turkana_child(self, first: str = "Akai", last: str = "Ekiru", **extra: Any) -> Any:
        from cpims.registry.actions import person_create

        extra.setdefault("sex", "male")
        return person_create(
            actor=self.cast.turkana_officer,
            org_unit=self.cast.turkana_central_office,
            data=child_input(first, last, ward=self.turkana_ward, **extra),
        )


@pytest.fixture(autouse=True)
def english() -> Any:
    """Each test starts in English and leaves no language behind (a request in Kiswahili
    activates it for the thread, which would otherwise leak into the next test)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def people(cast: Any) -> People:
    return People(cast)


@pytest.fixture
def phone(live_server: Any, cast: Any, login: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A phone-sized browser page signed in as the Westlands officer (browser tests only)."""
    from django.test import Client

    from cpims.core.tests.browser import phone_page

    with phone_page(live_server, login(Client(), cast.nairobi_officer), monkeypatch) as page:
        yield page


@pytest.fixture
def api(cast: Any, login: Any) -> Any:
    """An API client signed in as the given user: ``api(cast.nairobi_officer)``."""
    from rest_framework.test import APIClient

    def as_user(user: Any) -> Any:
        return login(APIClient(), user)

    return as_user


__all__ = ["NAIROBI_COUNTY", "TURKANA_COUNTY", "People", "child_input", "id_type", "ward_in", "years_ago"]
