"""Evidence files: type and size checked from the content, stored outside the web root under random names."""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, read into memory, not yet written anywhere."""

    original_name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def max_bytes() -> int:
    return int(getattr(settings, "WAIBAO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def sniff_type(content: bytes) -> str | None:
    """The file's type from its first bytes (and, for Office files, the parts inside the zip); None if not accepted."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def _clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    # Only for display and the download name: the file on disk never carries it.
    return "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*')[:200] or "file"


def check_upload(stream: IO[bytes], *, name: str, limit: int | None = None) -> CheckedFile:
    """Read and check one upload; DomainError (field "evidence") if it is too large, empty or of a refused type."""
    limit = max_bytes() if limit is None else limit
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise DomainError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": _clean_name(name), "mb": limit // (1024 * 1024) or 1},
            code="file_too_large",
            field="evidence",
        )
    if not content:
        raise DomainError(_("“%(name)s” is empty.") % {"name": _clean_name(name)}, code="empty_file", field="evidence")
    content_type = sniff_type(content)
    if content_type is None:
        raise DomainError(
            _("“%(name)s” is not a PDF, PNG, JPEG, Excel (.xlsx) or Word (.docx) file.") % {"name": _clean_name(name)},
            code="file_type",
            field="evidence",
        )
    return CheckedFile(
        original_name=_clean_name(name),
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def store(checked: CheckedFile) -> str:
    """Write the file under a new random name; returns that name (the only name used on disk)."""
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    path = folder / stored_name
    with open(path, "xb") as handle:
        handle.write(checked.content)
    return stored_name


def discard(stored_name: str) -> None:
    """Remove a stored file whose record was not written (the transaction rolled back)."""
    with contextlib.suppress(FileNotFoundError):
        (evidence_dir() / stored_name).unlink()


def path_of(stored_name: str) -> Path:
    if not stored_name or not all(c in "0123456789abcdef" for c in stored_name):
        raise DomainError(_("Not found."), code="not_found")
    return evidence_dir() / stored_name
