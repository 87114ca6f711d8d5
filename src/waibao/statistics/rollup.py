"""Keeping the indicator rollup equal to the sums of approved records, delta by delta.

Every approval adds a record's amounts under its key; every correction of an approved record subtracts
them; all of it inside the transaction of the change. `recompute` derives the same table straight from
the raw approved records (used by tests, `waibao stats check-rollups` and `rebuild`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from waibao.common import public_cache
from waibao.common.models import money_value
from waibao.common.money import to_fen
from waibao.statistics.bulk import insert_rows
from waibao.statistics.models import (
    Contract,
    Execution,
    IndicatorRollup,
    OwnershipRollup,
    RecordStatus,
    SummaryRollup,
)

KEY_FIELDS = ("year", "month", "enterprise_id", "zone", "top_level", "category", "country", "ownership", "offshore")
SUMMARY_KEY_FIELDS = ("year", "month", "zone", "top_level", "country", "offshore")
OWNERSHIP_KEY_FIELDS = ("year", "month", "ownership", "offshore")
TABLES: tuple[tuple[type[IndicatorRollup] | type[SummaryRollup] | type[OwnershipRollup], tuple[str, ...]], ...] = (
    (IndicatorRollup, KEY_FIELDS),
    (SummaryRollup, SUMMARY_KEY_FIELDS),
    (OwnershipRollup, OWNERSHIP_KEY_FIELDS),
)
SUM_FIELDS = (
    "contract_count",
    "contract_amount_cny",
    "contract_amount_usd",
    "execution_count",
    "executed_amount_cny",
    "executed_amount_usd",
)

RollupKey = tuple[int, int, int, str, str, str, str, str, bool]
Sums = list[Decimal]  # in SUM_FIELDS order (counts held as Decimal too, converted on write)


@dataclass
class Deltas:
    """Pending changes to the rollup, accumulated then written in one pass per key."""

    by_key: dict[RollupKey, Sums]

    def __init__(self) -> None:
        self.by_key = defaultdict(lambda: [Decimal(0)] * len(SUM_FIELDS))

    def add(self, key: RollupKey, values: Iterable[Decimal | int]) -> None:
        row = self.by_key[key]
        for i, value in enumerate(values):
            row[i] += value


def contract_key(contract: Contract) -> RollupKey:
    return (
        contract.signed_date.year,
        contract.signed_date.month,
        contract.enterprise_id,
        contract.k_zone,
        contract.k_top_level,
        contract.k_category,
        contract.k_country,
        contract.k_ownership,
        contract.k_offshore,
    )


def execution_key(execution: Execution, contract: Contract) -> RollupKey:
    return (
        execution.date.year,
        execution.date.month,
        contract.enterprise_id,
        contract.k_zone,
        contract.k_top_level,
        contract.k_category,
        contract.k_country,
        contract.k_ownership,
        contract.k_offshore,
    )


def add_contract(deltas: Deltas, contract: Contract, sign: int) -> None:
    assert contract.amount_cny is not None and contract.amount_usd is not None
    deltas.add(contract_key(contract), (sign, sign * contract.amount_cny, sign * contract.amount_usd, 0, 0, 0))


def add_execution(deltas: Deltas, execution: Execution, contract: Contract, sign: int) -> None:
    assert execution.amount_cny is not None and execution.amount_usd is not None
    deltas.add(
        execution_key(execution, contract), (0, 0, 0, sign, sign * execution.amount_cny, sign * execution.amount_usd)
    )


def _key_filter(key: RollupKey) -> dict[str, object]:
    return dict(zip(KEY_FIELDS, key, strict=True))


def summary_key(key: RollupKey) -> tuple[int, int, str, str, str, bool]:
    """The detailed key projected onto the summary rollup's key."""
    return (key[0], key[1], key[3], key[4], key[6], key[8])


def ownership_key(key: RollupKey) -> tuple[int, int, str, bool]:
    """The detailed key projected onto the ownership rollup's key."""
    return (key[0], key[1], key[7], key[8])


PROJECTIONS: dict[Any, Callable[[RollupKey], tuple[Any, ...]]] = {
    SummaryRollup: summary_key,
    OwnershipRollup: ownership_key,
}


def _project(
    items: list[tuple[RollupKey, Sums]], project: Callable[[RollupKey], tuple[Any, ...]]
) -> list[tuple[tuple[Any, ...], Sums]]:
    merged: dict[tuple[Any, ...], Sums] = defaultdict(lambda: [Decimal(0)] * len(SUM_FIELDS))
    for key, values in items:
        row = merged[project(key)]
        for i, value in enumerate(values):
            row[i] += value
    return [(k, v) for k, v in merged.items() if any(v)]


BULK_THRESHOLD = 16


def apply(deltas: Deltas) -> None:
    """Write pending deltas to both rollups: increment rows, create missing ones, drop rows that became empty."""
    assert transaction.get_connection().in_atomic_block, "rollup changes belong to the record's transaction"
    items: list[tuple[tuple[Any, ...], Sums]] = [(k, v) for k, v in deltas.by_key.items() if any(v)]
    if items:
        public_cache.changed(public_cache.STATISTICS)  # every change of approved figures passes here
    for model, fields in TABLES:
        batch = items if model is IndicatorRollup else _project(items, PROJECTIONS[model])
        if len(batch) > BULK_THRESHOLD:
            _apply_bulk(model, fields, batch)
        else:
            _apply_each(model, fields, batch)


def _apply_each(model: Any, fields: tuple[str, ...], items: list[tuple[tuple[Any, ...], Sums]]) -> None:
    for key, values in items:
        where = dict(zip(fields, key, strict=True))
        increments = {
            name: F(name) + (int(value) if name.endswith("_count") else money_value(value))
            for name, value in zip(SUM_FIELDS, values, strict=True)
            if value
        }
        if model.objects.filter(**where).update(**increments):
            model.objects.filter(**where, contract_count=0, execution_count=0).delete()
            continue
        row = {name: (int(v) if name.endswith("_count") else v) for name, v in zip(SUM_FIELDS, values, strict=True)}
        try:
            with transaction.atomic():
                model.objects.create(**where, **row)
        except IntegrityError:  # another writer created the row meanwhile (PostgreSQL): increment it
            model.objects.filter(**where).update(**increments)


def _apply_bulk(model: Any, fields: tuple[str, ...], items: list[tuple[tuple[Any, ...], Sums]]) -> None:
    """Many keys at once (imports): read the affected rows once, then bulk update, create and delete."""
    years = sorted({key[0] for key, _v in items})
    existing: dict[tuple[Any, ...], Any] = {}
    if model is IndicatorRollup:
        enterprises = sorted({key[2] for key, _v in items})
        for start in range(0, len(enterprises), 500):
            qs = model.objects.select_for_update().filter(
                year__in=years, enterprise_id__in=enterprises[start : start + 500]
            )
            for row in qs:
                existing[tuple(getattr(row, f) for f in fields)] = row
    else:
        for row in model.objects.select_for_update().filter(year__in=years):
            existing[tuple(getattr(row, f) for f in fields)] = row
    updates: list[tuple[Any, ...]] = []
    created: list[tuple[Any, ...]] = []
    emptied: list[int] = []
    for key, values in items:
        row = existing.get(key)
        counts_and_sums = [int(v) if name.endswith("_count") else v for name, v in zip(SUM_FIELDS, values, strict=True)]
        if row is None:
            created.append((*key, *counts_and_sums))
            continue
        updates.append((*(v if isinstance(v, int) else to_fen(v) for v in counts_and_sums), row.pk))
        if row.contract_count + counts_and_sums[0] == 0 and row.execution_count + counts_and_sums[3] == 0:
            emptied.append(row.pk)
    quote = connection.ops.quote_name
    if updates:
        sql = "UPDATE {} SET {} WHERE id = %s".format(  # noqa: S608 - identifiers from the model, never input
            quote(model._meta.db_table), ", ".join(f"{quote(f)} = {quote(f)} + %s" for f in SUM_FIELDS)
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, updates)
    columns = tuple(model._meta.get_field(f.removesuffix("_id")).column for f in fields) + SUM_FIELDS
    insert_rows(model, columns, created)
    model.objects.filter(pk__in=emptied).delete()


def recompute() -> dict[RollupKey, tuple[int, Decimal, Decimal, int, Decimal, Decimal]]:
    """The rollup as it should be, computed by GROUP BY over the raw approved records.

    Contracts count under their own key; executions under the key of their contract as last approved.
    """
    result: dict[RollupKey, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(SUM_FIELDS))
    contracts = (
        Contract.objects.filter(status=RecordStatus.APPROVED)
        .annotate(y=ExtractYear("signed_date"), m=ExtractMonth("signed_date"))
        .values(
            "y", "m", "enterprise_id", "k_zone", "k_top_level", "k_category", "k_country", "k_ownership", "k_offshore"
        )
        .annotate(n=Count("id"), cny=Sum("amount_cny"), usd=Sum("amount_usd"))
        .order_by()
    )
    for r in contracts:
        key: RollupKey = (
            r["y"],
            r["m"],
            r["enterprise_id"],
            r["k_zone"],
            r["k_top_level"],
            r["k_category"],
            r["k_country"],
            r["k_ownership"],
            r["k_offshore"],
        )
        row = result[key]
        row[0] += r["n"]
        row[1] += r["cny"]
        row[2] += r["usd"]
    executions = (
        Execution.objects.filter(status=RecordStatus.APPROVED)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values(
            "y",
            "m",
            "contract__enterprise_id",
            "contract__k_zone",
            "contract__k_top_level",
            "contract__k_category",
            "contract__k_country",
            "contract__k_ownership",
            "contract__k_offshore",
        )
        .annotate(n=Count("id"), cny=Sum("amount_cny"), usd=Sum("amount_usd"))
        .order_by()
    )
    for r in executions:
        key = (
            r["y"],
            r["m"],
            r["contract__enterprise_id"],
            r["contract__k_zone"],
            r["contract__k_top_level"],
            r["contract__k_category"],
            r["contract__k_country"],
            r["contract__k_ownership"],
            r["contract__k_offshore"],
        )
        row = result[key]
        row[3] += r["n"]
        row[4] += r["cny"]
        row[5] += r["usd"]
    return {k: (int(v[0]), v[1], v[2], int(v[3]), v[4], v[5]) for k, v in result.items()}


def stored() -> dict[RollupKey, tuple[int, Decimal, Decimal, int, Decimal, Decimal]]:
    """The detailed rollup table as it is."""
    out: dict[Any, Any] = {}
    for r in IndicatorRollup.objects.values(*KEY_FIELDS, *SUM_FIELDS).iterator(chunk_size=5000):
        out[tuple(r[f] for f in KEY_FIELDS)] = tuple(r[f] for f in SUM_FIELDS)
    return out


def stored_projection(model: Any, fields: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        tuple(r[f] for f in fields): tuple(r[f] for f in SUM_FIELDS) for r in model.objects.values(*fields, *SUM_FIELDS)
    }


def _projected_from(
    detail: dict[RollupKey, Any], project: Callable[[RollupKey], tuple[Any, ...]]
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    merged: dict[tuple[Any, ...], list[Any]] = defaultdict(
        lambda: [0, Decimal(0), Decimal(0), 0, Decimal(0), Decimal(0)]
    )
    for key, values in detail.items():
        row = merged[project(key)]
        for i, value in enumerate(values):
            row[i] += value
    return {k: tuple(v) for k, v in merged.items()}


def differences() -> list[str]:
    """Keys where either rollup and a recomputation from the raw approved records disagree (empty: all agree)."""
    expected = recompute()
    problems = []
    checks: list[tuple[str, dict[Any, Any], dict[Any, Any]]] = [("detail", expected, stored())]
    for model, fields in TABLES[1:]:
        name = model._meta.model_name or ""
        checks.append((name, _projected_from(expected, PROJECTIONS[model]), stored_projection(model, fields)))
    for name, want, have in checks:
        for key in sorted(set(want) | set(have), key=repr):
            if want.get(key) != have.get(key):
                problems.append(f"{name} {key}: stored {have.get(key)} expected {want.get(key)}")
    return problems


@transaction.atomic
def rebuild() -> int:
    """Replace the rollups with a recomputation (repair tool; normal operation never needs it)."""
    for model, _fields in TABLES:
        model.objects.all().delete()
    public_cache.changed(public_cache.STATISTICS)
    expected = recompute()
    IndicatorRollup.objects.bulk_create(
        (
            IndicatorRollup(**_key_filter(key), **dict(zip(SUM_FIELDS, values, strict=True)))
            for key, values in expected.items()
        ),
        batch_size=2000,
    )
    projected: tuple[tuple[Any, tuple[str, ...]], ...] = TABLES[1:]
    for model, fields in projected:
        model.objects.bulk_create(
            (
                model(**dict(zip(fields, key, strict=True)), **dict(zip(SUM_FIELDS, values, strict=True)))
                for key, values in _projected_from(expected, PROJECTIONS[model]).items()
            ),
            batch_size=2000,
        )
    return len(expected)
