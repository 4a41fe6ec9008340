"""Every audit action the code base writes has a label (the audit log and "who saw this child"
show it in the reader's language, not the raw code)."""

from __future__ import annotations

import re
from pathlib import Path

from cpims.audit.labels import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]  # the cpims package

# Codes written on purpose without a label, with the reason. None today.
UNLABELLED: dict[str, str] = {}

_DOTTED = re.compile(r'"([a-z0-9_]+\.[a-z0-9_.]+)"')
# action="x.y" and action="x.y" if ... else "x.z" (up to the end of the argument).
_ACTION_KW = re.compile(r"\baction=([^,)\n]+)")
# An audit helper taking the action second: _audit(actor, "x.y", ...), audit_consent(...), ...
_AUDIT_HELPER = re.compile(r"\b\w*audit\w*\(\s*[\w.]+,\s*([^,)]+)")
# action=CONSTANT, resolved in the same module.
_ACTION_CONST = re.compile(r"\baction=([A-Z][A-Z0-9_]*)\b")
# The cases timeline helpers audit "case.<kind>" (cases/actions/_helpers.py builds it with an f-string).
_CASE_KIND = re.compile(r"\b(?:_record|case_event_add)\((?:[^()]|\([^()]*\))*?\bkind=\"(\w+)\"")


def _sources() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and not p.name.startswith("test_")
    ]


def written_codes() -> dict[str, str]:
    """``code -> file`` for every action code the non-test source writes."""
    found: dict[str, str] = {}
    for path in _sources():
        text = path.read_text()
        where = str(path.relative_to(ROOT.parent))
        for rx in (_ACTION_KW, _AUDIT_HELPER):
            for m in rx.finditer(text):
                for code in _DOTTED.findall(m.group(1)):
                    found.setdefault(code, where)
        for name in _ACTION_CONST.findall(text):
            const = re.search(rf'^{name} = "([a-z0-9_]+\.[a-z0-9_.]+)"', text, re.M)
            if const:
                found.setdefault(const.group(1), where)
        for kind in _CASE_KIND.findall(text):
            found.setdefault(kind if kind.startswith("case.") else f"case.{kind}", where)
    return found


def test_the_collector_finds_the_actions_of_every_kind_of_call() -> None:
    codes = written_codes()
    # keyword, conditional, helper with the action second, constant, cases timeline kind
    for code in ("auth.login", "dhis2.push", "return.resubmit", "placement.admit", "orgunit.create", "case.open"):
        assert code in codes, code
    assert len(codes) > 80


def test_every_written_action_has_a_label() -> None:
    missing = {
        code: where for code, where in written_codes().items() if code not in ACTION_LABELS and code not in UNLABELLED
    }
    assert not missing, f"audit actions without a label (add them to the app's ACTION_LABELS): {missing}"


def test_deliberately_unlabelled_codes_are_still_written() -> None:
    assert not set(UNLABELLED) - set(written_codes())
