"""scripts/pip_audit.py says which of three things happened, and never reports an unreachable database as a pass."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pip_audit.py"


def load() -> Any:
    spec = importlib.util.spec_from_file_location("pip_audit_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dep(name: str, *, vulns: list[dict[str, Any]] | None = None, skip: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "version": "1.0"}
    if skip:
        row["skip_reason"] = skip
    else:
        row["vulns"] = vulns or []
    return row


@pytest.mark.parametrize(
    "reports,code,expected",
    [
        ([({"dependencies": [dep("django"), dep("pyyaml")]}, "")], 0, "checked 2 of 2"),
        (
            [({"dependencies": [dep("django", vulns=[{"id": "PYSEC-1", "fix_versions": ["9.9"]}])]}, "")],
            1,
            "VULNERABLE django==1.0: PYSEC-1",
        ),
        (
            [({"dependencies": [dep("django", skip="not found")]}, ""), (None, "Name or service not known")],
            0,
            "NOT CHECKED",
        ),
        ([(None, "Max retries exceeded"), (None, "Max retries exceeded")], 0, "NOT CHECKED"),
        ([({"dependencies": [dep("django"), dep("rich", skip="not found")]}, "")], 0, "NOT CHECKED (the database"),
    ],
)
def test_outcomes(monkeypatch: pytest.MonkeyPatch, capsys: Any, reports: list[Any], code: int, expected: str) -> None:
    module = load()
    answers = iter(reports)
    monkeypatch.setattr(module, "audit", lambda service: next(answers))
    assert module.main() == code
    out = capsys.readouterr().out
    assert expected in out
    if "NOT CHECKED" in expected and "checked 1" not in out:
        assert "No known" not in out and "0 with known" not in out
