"""Reading CSV/XLSX uploads row by row, within fixed limits, and writing Excel exports safely.

Every import in the platform reads through `read_table` (so every import accepts the same formats, refuses
the same hostile files and reports rows the same way) and every Excel export writes through `xlsx_response`
(so every cell that a spreadsheet would run as a formula is neutralised).

Limits (settings `IMPORT_*`, read by `ImportLimits.from_settings`) are checked before any parsing: an
.xlsx is a zip, so its central directory declares every part's size; a part that would unpack past the
caps, or compresses suspiciously well, refuses the file, and the shared strings and rows are counted on
the raw XML (cheap) before openpyxl is let near them. openpyxl's read-only mode streams the sheet but loads
every shared string at once, so the shared-strings count and size are the cap that keeps memory bounded.
CSV is decoded and counted in a first streaming pass, then read in a second one; neither holds the file.
Collected row errors stop at `max_errors`: the caller stops checking and says how many rows were left.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, NoReturn, Protocol

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from waibao.common.errors import DomainError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file: 1-based row number as the user sees it in a spreadsheet."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class TableImportError(DomainError):
    """A file refused whole; `errors` lists the problems found (at most `max_errors` of them).

    `unchecked_rows` counts the rows after the point where checking stopped because the list was full.
    """

    def __init__(self, errors: list[RowError], *, unchecked_rows: int = 0) -> None:
        message = _("The file has %(count)d error(s); nothing was imported.") % {"count": len(errors)}
        if unchecked_rows:
            message = _(
                "The file has at least %(count)d error(s); checking stopped there and %(rows)d more row(s) "
                "were not checked. Nothing was imported."
            ) % {"count": len(errors), "rows": unchecked_rows}
        super().__init__(message, code="bad_rows")
        self.errors = errors
        self.unchecked_rows = unchecked_rows


@dataclass(frozen=True)
class ImportLimits:
    """What one import may hold; every limit is checked before the part it guards is parsed."""

    max_rows: int  # data rows, empty ones included
    max_errors: int  # row errors listed before checking stops
    max_columns: int  # columns read per row; anything to the right is ignored
    xlsx_max_uncompressed: int  # bytes, the sum of every part's declared size
    xlsx_max_ratio: int  # declared size / compressed size, for parts above 1 MB
    xlsx_max_part: int  # bytes, any XML part other than the worksheets and the shared strings (styles: all loaded)
    xlsx_max_shared_strings: int  # entries in the shared-strings table (openpyxl loads them all)
    xlsx_max_shared_strings_bytes: int  # bytes of the shared-strings part

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_rows=settings.IMPORT_MAX_ROWS,
            max_errors=settings.IMPORT_MAX_ERRORS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            xlsx_max_uncompressed=settings.IMPORT_XLSX_MAX_UNCOMPRESSED,
            xlsx_max_ratio=settings.IMPORT_XLSX_MAX_RATIO,
            xlsx_max_part=settings.IMPORT_XLSX_MAX_PART,
            xlsx_max_shared_strings=settings.IMPORT_XLSX_MAX_SHARED_STRINGS,
            xlsx_max_shared_strings_bytes=settings.IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES,
        )


class RowErrors:
    """The row errors of one import, keeping the first `limit`; once `full`, the importer stops checking."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit if limit is not None else settings.IMPORT_MAX_ERRORS
        self.items: list[RowError] = []
        self._rows: set[int] = set()

    def append(self, error: RowError) -> None:
        if len(self.items) < self.limit:
            self.items.append(error)
            self._rows.add(error.row)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    @property
    def bad_rows(self) -> int:
        return len(self._rows)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def refuse(self, reader: TableReader | None = None) -> NoReturn:
        unchecked = reader.unchecked_rows() if reader is not None and self.full else 0
        raise TableImportError(sorted(self.items, key=lambda e: e.row), unchecked_rows=unchecked)


class ImportProgress(Protocol):
    """Told every `PROGRESS_EVERY` rows how far an import has got; may raise to stop it (a cancelled job)."""

    def __call__(self, *, rows_read: int, rows_valid: int, errors: int) -> None: ...


PROGRESS_EVERY = 1000


def neutralise(value: Any) -> Any:
    """Prefix text a spreadsheet would treat as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number without going through float text
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | date | bool):
        return value
    return neutralise(str(value))


def xlsx_write(target: IO[bytes], sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write an .xlsx with one sheet per (title, headers, rows) to `target`, streaming the rows (write-only)."""
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    workbook.save(target)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx file with one sheet per (title, headers, rows)."""
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    content = xlsx_bytes([(filename.rsplit(".", 1)[0], headers, rows)])
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- reading uploads ---------------------------------------------------------------------------------

SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = "[Content_Types].xml"
RATIO_FROM = 1024 * 1024  # small parts (styles, relationships) may compress well and cannot hurt
CHUNK = 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_SI_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s/>]")
_OVERRIDE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?Override\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([A-Za-z]+)\s*=\s*["']([^"']*)["']""")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _refuse(message: Any, code: str) -> NoReturn:
    raise DomainError(message, code=code)


def _too_many_rows(limits: ImportLimits) -> NoReturn:
    _refuse(
        _("The file has more than %(max)s rows; split it into files of at most %(max)s rows.")
        % {"max": f"{limits.max_rows:,}"},
        "too_many_rows",
    )


def _count_tags(archive: zipfile.ZipFile, name: str, pattern: re.Pattern[bytes], stop_above: int) -> int:
    """Count `pattern` in one part by streaming its raw XML; stop as soon as the count passes `stop_above`."""
    count = 0
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag split across chunks is counted with the next chunk
            head, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            count += sum(1 for _m in pattern.finditer(head))
            if count > stop_above:
                return count
    return count + sum(1 for _m in pattern.finditer(tail))


def _parts_by_type(archive: zipfile.ZipFile, limits: ImportLimits) -> dict[str, list[str]]:
    """Content type -> part names, from `[Content_Types].xml` (the manifest openpyxl itself follows)."""
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        _refuse(_("The Excel file cannot be read."), "bad_file")
    if info.file_size > limits.xlsx_max_part:
        _refuse(_("The Excel file cannot be read."), "bad_file")
    try:
        manifest = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
    names = {i.filename for i in archive.infolist()}
    found: dict[str, list[str]] = {}
    for match in _OVERRIDE_TAG.finditer(manifest):  # attributes read by pattern: no XML parser on untrusted input
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        name = attributes.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/")
        if name in names:
            found.setdefault(attributes.get(b"ContentType", b"").decode("ascii", "replace"), []).append(name)
    return found


def inspect_xlsx(stream: IO[bytes], limits: ImportLimits) -> int:
    """Refuse a workbook that would unpack too far, hold too many shared strings or rows; return its rows.

    Reads only the zip's central directory and the raw XML of the shared strings and worksheets (counting
    tags, never building them), so a hostile file costs milliseconds and a few megabytes.
    """
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
    too_big = _("The Excel file unpacks to more than %(max)s MB; split it into smaller files.") % {
        "max": _megabytes(limits.xlsx_max_uncompressed)
    }
    if len(infos) > 1000 or sum(i.file_size for i in infos) > limits.xlsx_max_uncompressed:
        _refuse(too_big, "file_too_large")
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > limits.xlsx_max_ratio * max(info.compress_size, 1):
            _refuse(
                _(
                    "The Excel file is compressed more than %(ratio)s times, as a file built to exhaust the server "
                    "would be; it was refused. Save it again from a spreadsheet program or as CSV."
                )
                % {"ratio": limits.xlsx_max_ratio},
                "compression_ratio",
            )
    parts = _parts_by_type(archive, limits)
    sheets = set(parts.get(WORKSHEET_TYPE, []))
    strings = set(parts.get(SHARED_STRINGS_TYPE, []))
    if not sheets:
        _refuse(_("The Excel file has no worksheet."), "bad_file")
    for info in infos:
        is_xml = info.filename.endswith((".xml", ".rels"))
        limit = limits.xlsx_max_shared_strings_bytes if info.filename in strings else limits.xlsx_max_part
        if is_xml and info.filename not in sheets and info.file_size > limit:
            _refuse(
                _("A part of the Excel file (%(part)s) unpacks to more than %(max)s MB; split it into smaller files.")
                % {"part": info.filename[:80], "max": _megabytes(limit)},
                "file_too_large",
            )
    try:
        for name in parts.get(SHARED_STRINGS_TYPE, []):
            if _count_tags(archive, name, _SI_TAG, limits.xlsx_max_shared_strings) > limits.xlsx_max_shared_strings:
                _refuse(
                    _("The Excel file has more than %(max)s different texts; split it into smaller files.")
                    % {"max": f"{limits.xlsx_max_shared_strings:,}"},
                    "too_many_strings",
                )
        rows = 0
        # openpyxl finds sheets through the workbook's relationships, not the manifest: count every XML part.
        for name in (i.filename for i in infos if i.filename.endswith(".xml") and i.filename not in strings):
            count = _count_tags(archive, name, _ROW_TAG, limits.max_rows + 1)
            if count > limits.max_rows + 1:
                _too_many_rows(limits)
            rows = max(rows, count)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
    return rows


def _csv_encoding(stream: IO[bytes], limits: ImportLimits) -> tuple[str, int]:
    """The first pass over a CSV: which encoding reads it, and how many rows it has (refusing past the cap)."""
    for encoding in ("utf-8-sig", "gb18030"):
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        rows = 0
        try:
            for row in csv.reader(text):
                rows += 1
                if rows > limits.max_rows + 1:
                    _too_many_rows(limits)
                if any("\x00" in cell for cell in row):
                    _refuse(_("The file is not a CSV or Excel file."), "bad_file")
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise DomainError(
                _("The CSV file cannot be read: %(problem)s") % {"problem": exc}, code="bad_file"
            ) from exc
        finally:
            text.detach()
        stream.seek(0)
        return encoding, rows
    _refuse(_("The file is neither UTF-8 nor GB18030 text."), "bad_encoding")


def _csv_rows(stream: IO[bytes], encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DomainError(_("The file cannot be read."), code="bad_file") from exc
    finally:
        with contextlib.suppress(ValueError):  # the stream was closed first
            text.detach()


def _xlsx_rows(stream: IO[bytes], limits: ImportLimits) -> Iterator[Sequence[Any]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
            yield row
    finally:
        workbook.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    return value


class TableReader:
    """The data rows of one CSV or XLSX upload, as (row number, {column: value}), read once, streaming.

    Everything that can refuse the file before its rows are checked happens on construction: the type,
    the limits, the header and its required columns.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        filename: str,
        required_columns: Sequence[str],
        errors: RowErrors | None = None,
        progress: ImportProgress | None = None,
        limits: ImportLimits | None = None,
    ) -> None:
        self.limits = limits or ImportLimits.from_settings()
        self.errors = errors
        self.progress = progress
        self.rows_read = 0
        self.last_row = 1
        self.finished = False
        head = stream.read(4)
        stream.seek(0)
        is_xlsx = head == XLSX_MAGIC
        if filename.lower().endswith((".xlsx", ".xlsm")) and not is_xlsx:
            _refuse(_("The file is named .xlsx but is not an Excel workbook."), "bad_file")
        self._rows: Iterator[Sequence[Any]]
        if is_xlsx:
            self.total_rows = inspect_xlsx(stream, self.limits)
            stream.seek(0)
            self._rows = _xlsx_rows(stream, self.limits)
        else:
            encoding, self.total_rows = _csv_encoding(stream, self.limits)
            self._rows = _csv_rows(stream, encoding)
        try:
            header = next(self._rows)
        except StopIteration:
            raise DomainError(_("The file is empty."), code="empty_file") from None
        self.columns = [str(c).strip().lower() if c is not None else "" for c in header[: self.limits.max_columns]]
        missing = [c for c in required_columns if c not in self.columns]
        if missing:
            raise TableImportError(
                [RowError(1, c, _("Required column “%(column)s” is missing.") % {"column": c}) for c in missing]
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        columns = self.columns
        width = len(columns)
        for number, row in enumerate(self._rows, start=2):
            if number > self.limits.max_rows + 1:
                _too_many_rows(self.limits)
            self.last_row = number
            values = {columns[i]: _clean(v) for i, v in enumerate(row[:width]) if columns[i]}
            if all(v is None for v in values.values()):
                continue
            self.rows_read += 1
            yield number, values
            if self.rows_read % PROGRESS_EVERY == 0:
                self.report()
        self.finished = True
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            errors = self.errors
            self.progress(
                rows_read=self.rows_read,
                rows_valid=self.rows_read - (errors.bad_rows if errors is not None else 0),
                errors=len(errors) if errors is not None else 0,
            )

    def unchecked_rows(self) -> int:
        """Rows (empty ones included) the importer did not check: from the one it stopped at to the end.

        Importers stop at the top of their loop, so the last row read is itself unchecked.
        """
        if self.finished:
            return 0
        return max(1, self.total_rows - self.last_row + 1)


def read_table(
    stream: IO[bytes],
    *,
    filename: str,
    required_columns: Sequence[str],
    errors: RowErrors | None = None,
    progress: ImportProgress | None = None,
    limits: ImportLimits | None = None,
) -> TableReader:
    """The rows of a CSV or XLSX file as (row number, {column: value}), skipping empty rows.

    The header row is row 1; column names are matched case-insensitively after trimming. A file past the
    limits, or missing a required column, is refused here, before any data row is read.
    """
    return TableReader(
        stream, filename=filename, required_columns=required_columns, errors=errors, progress=progress, limits=limits
    )
