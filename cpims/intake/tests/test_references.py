from __future__ import annotations

from typing import Any

from cpims.intake import actions, references
from cpims.intake.references import looks_like_reference, new_reference
from cpims.intake.tests.conftest import make_report


def test_format_is_random_looking() -> None:
    refs = {new_reference() for _ in range(200)}
    assert len(refs) == 200
    assert all(looks_like_reference(r) for r in refs)
    assert not any(c in "".join(refs).replace("CP-", "") for c in "ILOU")


def test_a_clash_is_retried(cast: Any, monkeypatch: Any) -> None:
    first = make_report()
    fresh = iter([first.reference, "CP-0000-0001"])
    monkeypatch.setattr(actions, "new_reference", lambda: next(fresh))
    second = make_report()
    assert second.reference == "CP-0000-0001"
    assert references.PREFIX == "CP"
