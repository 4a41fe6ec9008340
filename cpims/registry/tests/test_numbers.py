"""CPIMS numbers: check digit, normalising typed numbers, unique and never reused under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from cpims.registry.models import Counter, Person
from cpims.registry.numbers import format_number, looks_like_number, next_serial, normalise_number


def test_format_has_prefix_serial_and_check_digit() -> None:
    number = format_number(1234)
    assert number.startswith("CP0001234") and len(number) == 10
    assert normalise_number(number) == number


def test_typed_forms_are_accepted() -> None:
    number = format_number(42)
    spaced = f"cp {number[2:6]}-{number[6:9]} {number[9]}"
    assert normalise_number(spaced) == number
    assert normalise_number(number[2:]) == number  # digits only


@pytest.mark.parametrize("serial", [1, 77, 4_051_234, 12_345_678])
def test_a_single_wrong_digit_or_swap_is_caught(serial: int) -> None:
    number = format_number(serial)
    digits = number[2:]
    for i in range(len(digits)):
        wrong = digits[:i] + str((int(digits[i]) + 3) % 10) + digits[i + 1 :]
        assert normalise_number(wrong) is None
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert normalise_number(swapped) is None
    assert looks_like_number(digits[:-1] + "0") is True


def test_not_numbers() -> None:
    assert normalise_number("Wanjiku") is None
    assert normalise_number("CP12") is None
    assert looks_like_number("Kamau") is False


def test_serials_go_up_and_survive_a_rolled_back_transaction(db: Any) -> None:
    with transaction.atomic():
        first = next_serial("test")
    with pytest.raises(RuntimeError), transaction.atomic():
        next_serial("test")
        raise RuntimeError
    with transaction.atomic():
        assert next_serial("test") == first + 1
    assert Counter.objects.get(name="test").value == first + 1


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_officers_register_at_the_same_moment(cast: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrent transactions")
    from conftest import WESTLANDS
    from cpims.registry.actions import person_create
    from cpims.registry.tests.conftest import child_input, ward_in

    ward = ward_in(WESTLANDS)
    threads_n, per_thread = 8, 5
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []
    numbers: list[str] = []
    lock = threading.Lock()

    def register(index: int) -> None:
        try:
            barrier.wait()
            for j in range(per_thread):
                person = person_create(
                    actor=cast.nairobi_officer,
                    org_unit=cast.westlands_office,
                    data=child_input(f"Child{chr(65 + index)}", f"Family{chr(65 + j)}", ward=ward),
                )
                with lock:
                    numbers.append(person.cpims_number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == threads_n * per_thread
    assert len(set(numbers)) == len(numbers)
    assert Person.objects.count() == len(numbers)
    serials = sorted(int(n[2:-1]) for n in numbers)
    assert serials == list(range(serials[0], serials[0] + len(numbers)))  # no gap, no repeat
