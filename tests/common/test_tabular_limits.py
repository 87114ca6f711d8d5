"""Hostile uploads (issue 9 §1) are refused before parsing, in small versions with lowered limits.

Each reported file is reproduced in miniature: a shared-strings bomb, a sheet of empty rows, a CSV of bad
rows that used to list every error, and an xlsx that compresses far too well.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest

from tests.hostile_files import inline_cell, shared_strings, write_xlsx
from waibao.common.errors import DomainError
from waibao.common.tabular import ImportLimits, RowError, RowErrors, TableImportError, read_table

LIMITS = ImportLimits(
    max_rows=100,
    max_errors=10,
    max_columns=8,
    xlsx_max_uncompressed=4 * 1024 * 1024,
    xlsx_max_ratio=50,
    xlsx_max_part=2 * 1024 * 1024,
    xlsx_max_shared_strings=200,
    xlsx_max_shared_strings_bytes=1024 * 1024,
)


def workbook(rows_xml: str, strings: list[str]) -> io.BytesIO:
    """A minimal .xlsx, written by hand so that a test can make it as hostile as a real attack."""
    buffer = io.BytesIO()
    write_xlsx(buffer, sheet_rows=[rows_xml], shared=shared_strings(strings), shared_count=len(strings))
    buffer.seek(0)
    return buffer


HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def data_row(n: int, a: str = "x", b: str = "y") -> str:
    cells = "".join(inline_cell(v, f"{col}{n}") for col, v in (("A", a), ("B", b)))
    return f'<row r="{n}">{cells}</row>'


def read_all(stream: io.BytesIO, filename: str, limits: ImportLimits = LIMITS) -> list[tuple[int, dict[str, object]]]:
    return list(read_table(stream, filename=filename, required_columns=("name",), limits=limits))


def test_a_small_good_workbook_reads_row_by_row() -> None:
    rows = read_all(workbook(HEADER_ROW + data_row(2, "甲", "1") + data_row(4, "乙", "2"), ["name", "value"]), "f.xlsx")
    assert rows == [(2, {"name": "甲", "value": "1"}), (4, {"name": "乙", "value": "2"})]


def test_shared_strings_bomb_is_refused_before_openpyxl_loads_it() -> None:
    # The reported file: 2 million shared strings in 84 KB. Here: 201 strings against a limit of 200.
    bomb = workbook(HEADER_ROW + data_row(2), ["name", "value", *(str(i) for i in range(199))])
    with pytest.raises(DomainError) as info:
        read_all(bomb, "bomb.xlsx")
    assert info.value.code == "too_many_strings"


def test_sheet_of_empty_rows_is_refused_by_counting_rows_first() -> None:
    # The reported file: 2 million empty rows in 4.9 MB. Here: 150 empty rows against a limit of 100.
    empty = workbook(HEADER_ROW + "".join(f'<row r="{n}"/>' for n in range(2, 152)), ["name", "value"])
    with pytest.raises(DomainError) as info:
        read_all(empty, "empty.xlsx")
    assert info.value.code == "too_many_rows"


def test_rows_numbered_past_the_limit_are_refused_while_reading() -> None:
    # Two rows only, but the second claims to be row 5000: openpyxl would yield 4,998 empty rows before it.
    gap = workbook(HEADER_ROW + data_row(5000), ["name", "value"])
    with pytest.raises(DomainError) as info:
        read_all(gap, "gap.xlsx")
    assert info.value.code == "too_many_rows"


def test_highly_compressed_workbook_is_refused_from_the_zip_directory() -> None:
    # The reported file: 300 KB that made the import use 690 MB. Here: ~1.5 MB of repeated rows, ratio > 50.
    repeated = workbook(HEADER_ROW + data_row(2) * 12_000, ["name", "value"])
    with pytest.raises(DomainError) as info:
        read_all(repeated, "ratio.xlsx", replace(LIMITS, max_rows=100_000))
    assert info.value.code == "compression_ratio"


def test_declared_uncompressed_size_is_capped() -> None:
    big = workbook(HEADER_ROW + data_row(2, "x" * 1000) * 3, ["name", "value"])
    with pytest.raises(DomainError) as info:
        read_all(big, "big.xlsx", replace(LIMITS, xlsx_max_uncompressed=2000))
    assert info.value.code == "file_too_large"


def test_csv_with_too_many_rows_is_refused_in_the_counting_pass() -> None:
    text = "name,value\n" + ",\n" * 150  # empty rows count: they cost the server as much to read
    with pytest.raises(DomainError) as info:
        read_all(io.BytesIO(text.encode()), "rows.csv")
    assert info.value.code == "too_many_rows"


def test_not_a_workbook_and_not_text_are_refused() -> None:
    with pytest.raises(DomainError):
        read_all(io.BytesIO(b"PK\x03\x04 not a zip at all"), "broken.xlsx")
    with pytest.raises(DomainError):
        read_all(io.BytesIO(b"name\n\x00\x01"), "binary.csv")


def test_bad_rows_stop_at_the_error_limit_and_say_how_many_rows_were_left() -> None:
    # The reported file: 200k bad rows gave 600k errors. Here: 90 bad rows, errors capped at 10.
    text = "name,value\n" + "".join(f"row{n},bad\n" for n in range(90))
    errors = RowErrors(limit=LIMITS.max_errors)
    reader = read_table(
        io.BytesIO(text.encode()), filename="bad.csv", required_columns=("name",), errors=errors, limits=LIMITS
    )
    checked = 0
    for number, _values in reader:
        if errors.full:
            break
        checked += 1
        errors.append(RowError(number, "value", "not a number"))
    with pytest.raises(TableImportError) as info:
        errors.refuse(reader)
    assert checked == 10 and len(info.value.errors) == 10
    assert info.value.unchecked_rows == 80  # rows 12..91: the row that found the list full is not checked
    assert "80" in str(info.value.message)


def test_gb18030_csv_is_still_read() -> None:
    rows = read_all(io.BytesIO("name,value\n杭州,1\n".encode("gb18030")), "gbk.csv")
    assert rows == [(2, {"name": "杭州", "value": "1"})]


def test_a_shared_strings_part_past_its_size_limit_is_refused_by_name() -> None:
    strings = workbook(HEADER_ROW + data_row(2), ["name", "value", *(f"{i:07d}" for i in range(150))])
    with pytest.raises(DomainError) as info:
        read_all(strings, "parts.xlsx", replace(LIMITS, xlsx_max_shared_strings_bytes=2000))
    assert info.value.code == "file_too_large" and "sharedStrings.xml" in str(info.value.message)


def test_a_styles_part_past_its_size_limit_is_refused() -> None:
    # openpyxl builds every style of styles.xml as objects: a huge one is a memory bomb of its own.
    buffer = workbook(HEADER_ROW + data_row(2), ["name", "value"])
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/styles.xml", "<styleSheet>" + "<xf/>" * 1000 + "</styleSheet>")
    buffer.seek(0)
    with pytest.raises(DomainError) as info:
        read_all(buffer, "styles.xlsx", replace(LIMITS, xlsx_max_part=2000))
    assert info.value.code == "file_too_large" and "styles.xml" in str(info.value.message)
