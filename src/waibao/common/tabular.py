"""Reading CSV/XLSX uploads row by row and writing Excel exports safely.

Every import in the platform reads through `read_table` (so every import accepts the same formats and
reports rows the same way) and every Excel export writes through `xlsx_response` (so every cell that a
spreadsheet would run as a formula is neutralised).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from waibao.common.errors import DomainError
from waibao.common.labels import codes_by_label, label

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
    """A file refused whole; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_("The file has %(count)d error(s); nothing was imported.") % {"count": len(errors)})
        self.errors = errors


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


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx file with one sheet per (title, headers, rows)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        from openpyxl.cell import WriteOnlyCell

        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    content = xlsx_bytes([(filename.rsplit(".", 1)[0], headers, rows)])
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The file is neither UTF-8 nor GB18030 text."), code="bad_encoding")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    return value


def read_table(
    stream: IO[bytes], *, filename: str, required_columns: Sequence[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, {column: value}) for each non-empty data row of a CSV or XLSX file.

    The header row is row 1; column names are matched case-insensitively after trimming. A missing
    required column refuses the file before any row is read.
    """
    head = stream.read(4)
    stream.seek(0)
    is_xlsx = head == XLSX_MAGIC
    if filename.lower().endswith((".xlsx", ".xlsm")) and not is_xlsx:
        raise DomainError(_("The file is named .xlsx but is not an Excel workbook."), code="bad_file")
    rows: Iterator[Sequence[Any]]
    if is_xlsx:
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise DomainError(_("The Excel file cannot be read."), code="bad_file") from exc
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
    else:
        text = _decode(stream.read())
        if "\x00" in text:
            raise DomainError(_("The file is not a CSV or Excel file."), code="bad_file")
        rows = iter(csv.reader(io.StringIO(text)))
    try:
        header = next(rows)
    except StopIteration:
        raise DomainError(_("The file is empty."), code="empty_file") from None
    by_label = codes_by_label("column")
    columns = [str(c).strip().lower() if c is not None else "" for c in header]
    columns = [by_label.get(c, c) for c in columns]
    missing = [c for c in required_columns if c not in columns]
    if missing:
        raise TableImportError(
            [
                RowError(1, c, _("Required column “%(column)s” is missing.") % {"column": label("column", c)})
                for c in missing
            ]
        )
    for number, row in enumerate(rows, start=2):
        values = {columns[i]: _clean(v) for i, v in enumerate(row) if i < len(columns) and columns[i]}
        if all(v is None for v in values.values()):
            continue
        yield number, values
