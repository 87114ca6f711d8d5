"""Hand-made spreadsheets, as hostile as the caller makes them (issue 9 §1): shared by the import-limit tests
(`tests/common/test_tabular_limits.py`, in miniature) and the import benchmark (`benchmarks/import_hostile.py`,
at the reported sizes). Parts are streamed into the zip, so a file of millions of rows never sits in memory."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def workbook_xml(sheet_name: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def inline_cell(value: str, ref: str = "") -> str:
    """A cell holding its text inline (no shared string); `ref` such as "A2" when the caller numbers cells."""
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{value}</t></is></c>'


def shared_strings(strings: Iterable[str]) -> Iterator[str]:
    """`<si>` items of the shared-strings part, one a string."""
    return (f"<si><t>{s}</t></si>" for s in strings)


def batched(item: str, count: int, batch: int = 10_000) -> Iterator[str]:
    """`item` repeated `count` times, in chunks of `batch` (for millions of identical rows or strings)."""
    for start in range(0, count, batch):
        yield item * min(batch, count - start)


def write_xlsx(
    target: str | Path | IO[bytes],
    *,
    sheet_rows: Iterable[str],
    shared: Iterable[str] = (),
    shared_count: int | None = None,
    sheet_name: str = "s",
    compresslevel: int | None = None,
) -> None:
    """One sheet: `sheet_rows` (`<row>` XML chunks) and the shared-strings part made of the `shared` chunks
    (declaring `shared_count` as its count when given). Nothing checks that the result is sane: that is the
    point."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        counts = f' count="{shared_count}" uniqueCount="{shared_count}"' if shared_count is not None else ""
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN_NS}"{counts}>'.encode())
            for chunk in shared:
                part.write(chunk.encode())
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            for chunk in sheet_rows:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
