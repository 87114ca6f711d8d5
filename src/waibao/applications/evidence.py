"""Evidence files: type and size checked from the content, stored outside the web root under random names."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError, NotFoundError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}
# Parts of an Office package that hold macros (VBA projects, old Excel 4 macro sheets are inside vbaProject too).
MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"})


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
        if "[Content_Types].xml" not in names or has_macros(names):
            return None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def has_macros(names: set[str]) -> bool:
    """An Office file that carries a VBA project (xlsm, docm, or an xlsx/docx renamed from one)."""
    return any(n.lower().rsplit("/", 1)[-1] in MACRO_PARTS for n in names)


def has_macros_declared(content: bytes) -> bool:
    """The package declares a macro-enabled main part (its content type says so, even without vbaProject.bin)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return False
    return b"macroEnabled" in types or b"vbaProject" in types


def download_name(original_name: str, content_type: str) -> str:
    """The name a download carries: the uploaded stem with the extension of the detected type.

    A PDF/HTML polyglot uploaded as `report.html` comes back as `report.pdf`, so no browser or desktop
    opens it as a page."""
    stem = Path(_clean_name(original_name)).stem or "file"
    return f"{stem}{EXTENSIONS.get(content_type, '.bin')}"


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
    if content_type in (XLSX, DOCX) and has_macros_declared(content):
        content_type = None
    if content_type is None:
        raise DomainError(
            _(
                "“%(name)s” is not a PDF, PNG, JPEG, Excel (.xlsx) or Word (.docx) file "
                "(files with macros are not accepted)."
            )
            % {"name": _clean_name(name)},
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
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = uuid.uuid4().hex
    # Readable by the platform's own user only (0600), whatever the process umask.
    descriptor = os.open(folder / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
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


def download_response(*, stored_name: str, original_name: str, content_type: str) -> HttpResponse:
    """A stored file as an attachment, the one way every checked upload is served (evidence, duty reports):
    named with the extension of its detected type, never sniffed, never run as a page, never cached.
    404 when the file is gone."""
    path = path_of(stored_name)
    if not path.exists():
        raise NotFoundError()
    # At most the upload limit (10 MB by default): read whole, so no file handle outlives the response.
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=download_name(original_name, content_type))
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
