"""The kinds of job: each area registers its imports and exports here (from its AppConfig.ready).

The jobs app is below every area that uses it, so it never imports them; an area hands it a `JobKind`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from waibao.common.errors import DomainError
from waibao.common.tabular import ImportProgress

if TYPE_CHECKING:
    from waibao.accounts.models import User
    from waibao.jobs.models import Job


@dataclass(frozen=True)
class JobOutcome:
    """What a finished job tells its owner; `output_name` is set when the job wrote a file to download."""

    message: str
    result: dict[str, Any] = field(default_factory=dict)
    output_name: str = ""


class JobContext:
    """What a running job may use: its upload, a progress callback that also stops it when cancelled, an output."""

    def __init__(self, job: Job, *, progress: ImportProgress, upload: Callable[[], IO[bytes]], output: IO[bytes]):
        self.job = job
        self.progress = progress
        self.open_upload = upload
        self.output = output


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # lazy text for the page title
    run: Callable[[Job, JobContext], JobOutcome]
    authorize: Callable[[User, dict[str, Any]], None]  # raises PermissionDeniedError
    done_url: Callable[[Job], str] | None = None  # where the owner goes next after success
    takes_upload: bool = True


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


def kind_for(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise DomainError(f"unknown job kind {name}") from None
