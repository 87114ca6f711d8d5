"""Migration step: turn decimal money columns (yuan with two places) into integer fen, on either database.

Run it in a migration of its own, before the one whose AlterField makes the columns bigint: the UPDATE
multiplies in place (the decimal column holds 100.00 * 100 exactly), and the AlterField that follows then
only changes the type of values that are already whole numbers. On SQLite, ROUND turns the doubles SQLite
kept back into exact integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import migrations

Hook = Callable[[Any], None]


def scale_money_columns(
    columns: Mapping[str, Sequence[str]], *, before: Hook | None = None, after: Hook | None = None
) -> migrations.RunPython:
    """A RunPython that multiplies (forwards) or divides (backwards) every named column by 100.

    `columns` maps a table name to its money columns. `before` and `after` receive the schema editor
    (e.g. to lift an append-only trigger for the UPDATE and put it back).
    """

    def run(schema_editor: Any, expression: str) -> None:
        quote = schema_editor.connection.ops.quote_name
        if before is not None:
            before(schema_editor)
        for table, names in columns.items():
            sets = ", ".join(f"{quote(c)} = {expression.format(quote(c))}" for c in names)
            schema_editor.execute(f"UPDATE {quote(table)} SET {sets}", params=None)  # noqa: S608 - names from code
        if after is not None:
            after(schema_editor)

    def forwards(apps: Any, schema_editor: Any) -> None:
        run(schema_editor, "ROUND({} * 100)")

    def backwards(apps: Any, schema_editor: Any) -> None:
        run(schema_editor, "{} / 100.0")

    return migrations.RunPython(forwards, backwards)
