"""The layering between the apps holds (contracts in pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {c["id"]: c for c in CONFIG["contracts"]}


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_contract_kept(contract_id: str) -> None:
    # Through the command line, the interface import-linter documents; no cache, so a stale graph
    # cannot hide a new import.
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own tool and arguments
        [str(lint_imports), "--no-cache", "--contract", contract_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"contract {CONTRACTS[contract_id]['name']!r} is broken:\n{result.stdout}"


def _layer_of() -> dict[str, int]:
    """App label -> index in the app-layers contract (0 = top)."""
    out: dict[str, int] = {}
    for index, layer in enumerate(CONTRACTS["app-layers"]["layers"]):
        for name in layer.replace("|", ":").split(":"):
            out[name.strip().strip("()")] = index
    return out


def _get_model_calls(path: Path) -> list[tuple[int, str]]:
    """(line, app label) of every ``apps.get_model("label", ...)`` with a literal label."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            calls.append((node.lineno, node.args[0].value.split(".")[0]))
    return calls


def test_no_model_looked_up_by_name_from_a_higher_layer() -> None:
    # import-linter sees imports only; `apps.get_model("cases", ...)` is a dependency all the same.
    # Migrations are exempt: they must name the models of the apps they depend on.
    layer_of = _layer_of()
    wrong = []
    for path in sorted((ROOT / "cpims").rglob("*.py")):
        parts = path.relative_to(ROOT / "cpims").parts
        if len(parts) < 2 or "migrations" in parts or "tests" in parts:
            continue
        app = parts[0]
        for line, label in _get_model_calls(path):
            if app in layer_of and label in layer_of and layer_of[label] < layer_of[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} looks up a model of {label}, a higher layer")
    assert not wrong, "\n".join(wrong)
