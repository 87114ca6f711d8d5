"""The engine's two refusals: a policy package that does not validate, and facts that do not."""

from __future__ import annotations

from pathlib import Path

from waibao.common.errors import DomainError


class PackageError(DomainError):
    """A policy package failed to load: names the file, the path inside it and what is wrong."""

    def __init__(self, message: str, *, file: Path | str, path: str = "") -> None:
        self.file = str(file)
        self.path = path
        where = f"{self.file}: {path}" if path else self.file
        super().__init__(f"{where}: {message}", code="invalid_package", field=path or None)
        self.detail = message


class FactsError(DomainError):
    """Facts were missing, malformed or unknown: `field` names the fact (e.g. `enterprise.year`)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}", code="invalid_facts", field=field)
        self.detail = message
