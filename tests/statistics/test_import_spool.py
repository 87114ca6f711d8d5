"""Checked import rows wait on disk (issue 9 §1: memory stays bounded whatever the file), and come back whole."""

from __future__ import annotations

import datetime
from decimal import Decimal

from waibao.statistics.bulk import Spool


def test_rows_come_back_in_order_across_batches_and_the_file_goes_with_the_spool() -> None:
    rows = [(n, f"HT-{n}", Decimal(f"{n}.25"), datetime.date(2007, 1 + n % 12, 1), None) for n in range(12_345)]
    with Spool(batch_size=1000) as spool:
        for row in rows:
            spool.append(row)
        assert len(spool) == len(rows)
        assert spool._batch and len(spool._batch) < 1000  # only the last, partial batch is in memory
        assert list(spool) == rows
        assert list(spool) == rows  # read again (the transaction may be retried)
        handle = spool._file
    assert handle.closed


def test_an_empty_spool_reads_nothing() -> None:
    with Spool() as spool:
        assert len(spool) == 0 and list(spool) == []
