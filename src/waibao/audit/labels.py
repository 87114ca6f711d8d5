"""Readable names for audit actions. Each app registers its own in its AppConfig.ready()."""

from __future__ import annotations

from typing import Any

_LABELS: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    _LABELS.update(labels)


def action_label(action: str) -> str:
    label = _LABELS.get(action)
    return str(label) if label is not None else action
