"""Workflows as data: each transition names its sources, target, who may take it, and whether it needs a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from waibao.common.errors import DomainError


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Any  # lazy translated text shown on the button
    needs_reason: bool = False
    applicant_sees: Any = ""  # what the applicant is told


class Workflow:
    def __init__(self, transitions: Iterable[Transition]) -> None:
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise DomainError(f"unknown action: {name}", code="unknown_transition") from None

    def available(self, *, state: str, role: str | None) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources and role in t.roles]

    def check(self, *, name: str, state: str, role: str | None, reason: str) -> Transition:
        from django.utils.translation import gettext as _

        transition = self.get(name)
        if role not in transition.roles:
            raise DomainError(_("Your role may not take this action."), code="forbidden_transition")
        if state not in transition.sources:
            raise DomainError(_("This action is not possible in the current state."), code="invalid_transition")
        if transition.needs_reason and not reason.strip():
            raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
        return transition
