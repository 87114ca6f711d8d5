"""The policy engine's public API: load a package, check facts, evaluate, batch, simulate.

Pure Python: nothing here needs Django models. Settings are read only to find packages.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from waibao.policy.engine.errors import FactsError, PackageError
from waibao.policy.engine.evaluate import Entitlement, NotApplicable, Result, evaluate
from waibao.policy.engine.facts import Facts, default_enterprise, parse_facts
from waibao.policy.engine.loader import PACKAGE_FILES, load_package_folder, resolve_package_path
from waibao.policy.engine.model import Package, Rule

__all__ = [
    "BUILTIN_PACKAGES",
    "DEFAULT_PACKAGE",
    "Entitlement",
    "Facts",
    "FactsError",
    "NotApplicable",
    "Package",
    "PackageError",
    "Result",
    "Rule",
    "RuleInfo",
    "default_enterprise",
    "default_package",
    "evaluate",
    "load_package",
    "package_search_path",
    "parse_facts",
    "rule_info",
]

BUILTIN_PACKAGES = Path(__file__).resolve().parent.parent / "packages"
DEFAULT_PACKAGE = "hangzhou-2007"


def package_search_path() -> list[Path]:
    """Folders searched for a package by name: settings.WAIBAO_POLICY_PACKAGE_DIRS, then the built-ins."""
    folders: list[Path] = []
    from django.conf import settings

    if settings.configured:
        folders += [Path(p) for p in getattr(settings, "WAIBAO_POLICY_PACKAGE_DIRS", [])]
    folders.append(BUILTIN_PACKAGES)
    return folders


def load_package(name_or_path: str | Path) -> Package:
    """Load and validate a package, given as a folder path or a package name; raises PackageError."""
    search = package_search_path()
    key = (str(name_or_path), os.getcwd(), tuple(search))
    folder = _RESOLVED.get(key)
    stamps = _mtime(folder) if folder is not None else None
    if folder is None or stamps is None or stamps[0] < 0:  # not looked up yet, or its package.yaml is gone
        folder = _RESOLVED[key] = resolve_package_path(name_or_path, search=search)
        stamps = _mtime(folder)
    return _load_cached(folder, stamps)


# Where each name or path was found: looking it up again costs more than checking its files' times.
_RESOLVED: dict[tuple[str, str, tuple[Path, ...]], Path] = {}


def _mtime(folder: Path) -> tuple[int, ...]:
    """When each file the loader reads last changed (-1: missing): any change loads the package again. Asked on
    every `default_package()`, i.e. per row on some pages, so a few `stat` calls and no walk of the folder
    (its `cases/` are examples for the tests, not part of the package)."""
    stamps = []
    for name in PACKAGE_FILES:
        try:
            stamps.append(os.stat(os.path.join(folder, name)).st_mtime_ns)
        except FileNotFoundError:
            stamps.append(-1)
    return tuple(stamps)


@lru_cache(maxsize=16)
def _load_cached(folder: Path, mtime: tuple[int, ...]) -> Package:
    return load_package_folder(folder)


def default_package() -> Package:
    """The package named by settings.WAIBAO_POLICY_PACKAGE (a name or a path), else Hangzhou 2007."""
    from django.conf import settings

    name = getattr(settings, "WAIBAO_POLICY_PACKAGE", DEFAULT_PACKAGE) if settings.configured else DEFAULT_PACKAGE
    return load_package(name)


class RuleInfo:
    """What the rest of the platform needs to know about a rule without evaluating it."""

    __slots__ = ("article", "basis", "facts", "fund", "id", "kind", "lists", "title_en", "title_zh")

    def __init__(self, rule: Rule) -> None:
        self.id = rule.id
        self.article = rule.article
        self.kind = rule.kind
        self.basis = rule.basis
        self.fund = rule.fund
        self.facts = rule.facts
        self.lists = (rule.for_each,) if rule.for_each else ()
        self.title_zh = rule.title.zh
        self.title_en = rule.title.en

    def __repr__(self) -> str:
        return f"RuleInfo({self.id!r}, fund={self.fund!r}, basis={self.basis!r}, facts={self.facts!r})"


def rule_info(package: Package) -> dict[str, RuleInfo]:
    """Per rule id: its fund, basis, kind and the facts it needs (`list.field` for item fields)."""
    return {rule.id: RuleInfo(rule) for rule in package.rules}
