"""The one domain error type: raised by services, turned into a response in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused an action. `message` is for the user (already translated or lazy).

    `field` names the input at fault where there is one; `code` is a stable machine-readable id.
    """

    status_code = 400

    def __init__(self, message: Any, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class PermissionDeniedError(DomainError):
    status_code = 403

    def __init__(self, message: Any = None, *, code: str = "forbidden") -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(message or _("You do not have access to this."), code=code)


class NotFoundError(DomainError):
    status_code = 404

    def __init__(self, message: Any = None, *, code: str = "not_found") -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(message or _("Not found."), code=code)


class UnprocessableError(DomainError):
    """Input that was read but cannot be answered: an unknown parameter, an unknown code, a value out of range."""

    status_code = 422
