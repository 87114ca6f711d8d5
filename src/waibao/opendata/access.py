"""Who may do what with open data: everyone reads; the programme office publishes releases."""

from __future__ import annotations

from typing import Any

from waibao.accounts.access import OFFICE, has_role, require_role
from waibao.accounts.models import User
from waibao.common.errors import NotFoundError
from waibao.opendata.models import Release


def can_publish(user: Any) -> bool:
    return has_role(user, OFFICE)


def require_publisher(user: Any) -> User:
    return require_role(user, OFFICE)


def access_release(user: Any, dataset: str, version: int) -> Release:
    """A published release (public to all); a dataset or version that does not exist is a 404."""
    release = Release.objects.defer("rows", "document").filter(dataset=dataset, version=version).first()
    if release is None:
        raise NotFoundError()
    return release
