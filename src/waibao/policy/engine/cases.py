"""Policy test cases: YAML files of facts in and expected entitlements out, run by `policy test`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from waibao.policy.engine.amend import AmendmentError, amendment
from waibao.policy.engine.errors import FactsError, PackageError
from waibao.policy.engine.evaluate import Entitlement, Result, evaluate, render_message
from waibao.policy.engine.facts import default_enterprise
from waibao.policy.engine.loader import load_yaml
from waibao.policy.engine.model import Package

CASE_KEYS = {"name", "description", "year", "as_of", "amend", "enterprise", "expect", "only", "not_applicable"}
EXPECT_KEYS = {"rule", "item", "kind", "basis", "amount_cny", "minimum_cny", "fund", "article"}
NOT_APPLICABLE_KEYS = {"rule", "item", "reason_code", "reason_contains"}


@dataclass
class CaseOutcome:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def case_files(package: Package) -> list[Path]:
    return sorted((package.path / "cases").glob("*.yaml"))


def _fail(file: Path, path: str, message: str) -> PackageError:
    return PackageError(message, file=file, path=path)


def _entitlement_fields(e: Entitlement) -> dict[str, Any]:
    return {
        "rule": e.rule,
        "item": e.item,
        "kind": e.kind,
        "basis": e.basis,
        "amount_cny": None if e.amount is None else str(e.amount),
        "minimum_cny": None if e.minimum is None else str(e.minimum),
        "fund": e.fund,
        "article": e.article,
    }


def _check(case: dict[str, Any], result: Result) -> list[str]:
    failures: list[str] = []
    actual = [_entitlement_fields(e) for e in result.entitlements]
    unmatched = list(range(len(actual)))
    for i, expected in enumerate(case.get("expect") or []):
        wanted = {k: (None if v is None else (v if isinstance(v, dict) else str(v))) for k, v in expected.items()}
        found = next(
            (j for j in unmatched if all(actual[j].get(k) == v for k, v in wanted.items())),
            None,
        )
        if found is None:
            same_rule = [actual[j] for j in unmatched if actual[j]["rule"] == expected["rule"]]
            got = (
                "; ".join(", ".join(f"{k}={a.get(k)}" for k in wanted if k != "rule") for a in same_rule)
                or "no such entitlement"
            )
            failures.append(f"expect[{i}] {expected['rule']}: expected {wanted}, got {got}")
        else:
            unmatched.remove(found)
    if case.get("only", True) and unmatched:
        extra = ", ".join(f"{actual[j]['rule']} {actual[j]['amount_cny']}" for j in unmatched)
        failures.append(f"unexpected entitlements: {extra}")
    for i, expected in enumerate(case.get("not_applicable") or []):
        candidates = [
            n
            for n in result.not_applicable
            if n.rule == expected["rule"] and ("item" not in expected or n.item == expected["item"])
        ]
        if not candidates:
            failures.append(f"not_applicable[{i}] {expected['rule']}: the rule applies (or was not assessed)")
            continue
        reason = candidates[0].to_dict()
        reason["reason"] = render_message(candidates[0].reason, translate=False)  # cases are written in English
        if "reason_code" in expected and reason["reason_code"] != expected["reason_code"]:
            failures.append(
                f"not_applicable[{i}] {expected['rule']}: reason {reason['reason_code']}, "
                f"expected {expected['reason_code']}"
            )
        if "reason_contains" in expected and str(expected["reason_contains"]) not in reason["reason"]:
            failures.append(f"not_applicable[{i}] {expected['rule']}: reason {reason['reason']!r}")
    return failures


def _validate_case(package: Package, file: Path, path: str, case: Any) -> dict[str, Any]:
    if not isinstance(case, dict):
        raise _fail(file, path, "a case must be a mapping")
    unknown = sorted(set(case) - CASE_KEYS)
    if unknown:
        raise _fail(file, path, f"unknown key(s) {', '.join(unknown)}")
    for key in ("name", "year", "enterprise"):
        if key not in case:
            raise _fail(file, f"{path}.{key}", "is required")
    for key, allowed in (("expect", EXPECT_KEYS), ("not_applicable", NOT_APPLICABLE_KEYS)):
        entries = case.get(key) or []
        if not isinstance(entries, list):
            raise _fail(file, f"{path}.{key}", "must be a list")
        for i, entry in enumerate(entries):
            epath = f"{path}.{key}[{i}]"
            if not isinstance(entry, dict) or "rule" not in entry:
                raise _fail(file, epath, "must be a mapping with a rule")
            bad = sorted(set(entry) - allowed)
            if bad:
                raise _fail(file, epath, f"unknown key(s) {', '.join(bad)}")
            if entry["rule"] not in package.rule_ids:
                raise _fail(file, f"{epath}.rule", f"unknown rule {entry['rule']}")
    return case


def run_case(package: Package, case: dict[str, Any], *, file: Path, path: str) -> CaseOutcome:
    outcome = CaseOutcome(file=file.name, name=str(case["name"]))
    target = package
    changes = []
    for i, change in enumerate(case.get("amend") or []):
        cpath = f"{path}.amend[{i}]"
        if not isinstance(change, dict) or set(change) - {"parameter", "value", "from"} or "from" not in change:
            raise _fail(file, cpath, "an amendment is {parameter, value, from}")
        try:
            start = date.fromisoformat(str(change["from"]))
        except ValueError:
            raise _fail(file, f"{cpath}.from", "must be a date (YYYY-MM-DD)") from None
        try:
            changes.append(
                amendment(
                    package, str(change.get("parameter")), change.get("value"), start, note=f"test case: {case['name']}"
                )
            )
        except AmendmentError as exc:
            raise _fail(file, cpath, str(exc)) from exc
    if changes:
        target = package.amended(changes)
    enterprise = {**default_enterprise(package), **case["enterprise"]}
    as_of = case.get("as_of")
    facts = {"year": case["year"], "enterprise": enterprise}
    if as_of is not None:
        facts["as_of"] = as_of
    try:
        result = evaluate(target, facts)
    except FactsError as exc:
        outcome.failures.append(f"facts refused: {exc}")
        return outcome
    outcome.failures = _check(case, result)
    return outcome


def run_cases(package: Package) -> list[CaseOutcome]:
    """Run every case file of the package; a malformed case file raises PackageError."""
    outcomes: list[CaseOutcome] = []
    for file in case_files(package):
        try:
            data = load_yaml(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise _fail(file, "", f"not valid YAML: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise _fail(file, "cases", "must be a list of cases")
        for i, raw in enumerate(data["cases"]):
            path = f"cases[{i}]"
            case = _validate_case(package, file, path, raw)
            outcomes.append(run_case(package, case, file=file, path=path))
    return outcomes
