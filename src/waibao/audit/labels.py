"""Readable names for audit actions: the "action" namespace of the one label lookup (`common.labels`).
Each app registers its own in its AppConfig.ready()."""

from __future__ import annotations

from typing import Any

from waibao.common.labels import label, register

NAMESPACE = "action"


def register_action_labels(labels: dict[str, Any]) -> None:
    register(NAMESPACE, labels)


def action_label(action: str) -> str:
    return label(NAMESPACE, action)
