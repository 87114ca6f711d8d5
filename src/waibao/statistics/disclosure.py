"""What of the statistics may be published (统计法 Art. 39): the one place every public output asks.

Two rules, applied to every public table, chart, API answer and open-data file:

1. **Closed periods only.** A year is published once its reporting cut-off has passed (the office's
   `cutoff_month/day`), so figures never move under a reader; by default the latest closed year with data.
2. **No figure reveals an enterprise.** A cell is *sensitive* when fewer than N enterprises contribute to it
   or the largest contributor holds more than P % of it (N and P are the office's parameters,
   `disclosure_min_enterprises` and `disclosure_dominance_pct`, default 3 and 85 %). A sensitive cell is
   withheld ("—", with a note). Then *complementary suppression*: where the published figures are tied by
   sums (rows adding up to a total, in this table or another one on the same page), a withheld cell could be
   worked out by subtraction, so further cells are withheld until no withheld value can be derived from the
   published ones by any combination of the sums (checked exactly, by linear algebra over fractions).

Staff pages do not come here: they keep the full figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from waibao.common.errors import UnprocessableError
from waibao.common.money import ZERO
from waibao.registry.models import ServiceCategory, Zone
from waibao.statistics.conf import parameters, year_is_open
from waibao.statistics.conf import today as local_today
from waibao.statistics.models import SummaryRollup
from waibao.statistics.selectors import IndicatorRow, enterprises_reporting, indicators, staffing_indicators

WITHHELD = "—"


@dataclass(frozen=True)
class DisclosureRule:
    """A cell is sensitive with fewer than `min_enterprises` contributors or one holding over `dominance_pct` %."""

    min_enterprises: int = 3
    dominance_pct: Decimal = Decimal(85)


def office_rule() -> DisclosureRule:
    """The rule with the office's parameters."""
    params = parameters()
    return DisclosureRule(
        min_enterprises=params.disclosure_min_enterprises, dominance_pct=Decimal(params.disclosure_dominance_pct)
    )


def is_sensitive(contributions: Mapping[Any, Decimal | int], rule: DisclosureRule) -> bool:
    """Fewer than N enterprises, or the largest above P % of the cell. A cell nobody contributes to reveals nobody."""
    positive = [Decimal(v) for v in contributions.values() if v > 0]
    if not positive:
        return False
    if len(positive) < rule.min_enterprises:
        return True
    return max(positive) * 100 > rule.dominance_pct * sum(positive)


@dataclass
class Cell:
    """One published number and who it comes from (enterprise → its share of the number)."""

    key: str
    contributions: dict[str, Decimal]
    is_total: bool = False
    suppressed: bool = False
    primary: bool = False  # withheld for itself (not only to protect another cell)

    @property
    def value(self) -> Decimal:
        return sum(self.contributions.values(), ZERO)

    @property
    def shown(self) -> Decimal | None:
        """The value, or None when withheld."""
        return None if self.suppressed else self.value


@dataclass(frozen=True)
class Relation:
    """total = sum(parts): a sum a reader can use to work out one withheld cell from the others."""

    total: str
    parts: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


@dataclass
class ProtectedTable:
    """Cells and the sums that tie them; `protect` decides which are withheld."""

    cells: dict[str, Cell] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: str, contributions: Mapping[str, Decimal | int], *, is_total: bool = False) -> Cell:
        cell = Cell(key=key, contributions={k: Decimal(v) for k, v in contributions.items()}, is_total=is_total)
        self.cells[key] = cell
        return cell

    def relate(self, total: str, parts: Iterable[str]) -> None:
        self.relations.append(Relation(total=total, parts=tuple(parts)))

    def add_total(self, key: str, parts: Iterable[str]) -> Cell:
        """A total cell whose contributions are those of `parts`, and the sum that ties them."""
        parts = list(parts)
        merged: dict[str, Decimal] = {}
        for part in parts:
            for enterprise, value in self.cells[part].contributions.items():
                merged[enterprise] = merged.get(enterprise, ZERO) + value
        cell = self.add(key, merged, is_total=True)
        self.relate(key, parts)
        return cell

    def protect(self, rule: DisclosureRule) -> None:
        """Withhold the sensitive cells, then as few others as it takes for none to be derivable."""
        for cell in self.cells.values():
            if is_sensitive(cell.contributions, rule):
                cell.suppressed = cell.primary = True
        while found := self.derivable():
            target = min(found)
            near = {
                k
                for rel in self.relations
                if target in rel.members
                for k in rel.members
                if not self.cells[k].suppressed
            }
            candidates = near or {k for rel in self.relations for k in rel.members if not self.cells[k].suppressed}
            if not candidates:  # everything tied is withheld already; nothing more can be derived from them
                for key in found:
                    self.cells[key].suppressed = True
                break
            # Prefer a cell with a value (a withheld zero protects nothing a reader can guess), then a part
            # over a total (a total hides more), then the smallest (the least information lost).
            choice = min(
                candidates, key=lambda k: (self.cells[k].value == 0, self.cells[k].is_total, self.cells[k].value, k)
            )
            self.cells[choice].suppressed = True

    def derivable(self) -> set[str]:
        """The withheld cells whose value follows from the published ones through the sums."""
        return derivable_cells(self.cells, self.relations)


def derivable_cells(cells: Mapping[str, Cell], relations: Iterable[Relation]) -> set[str]:
    """Withheld cells determined by the linear system the sums give once published values are known.

    A withheld cell x is determined exactly when the unit vector of x lies in the row space of the system's
    coefficients over the withheld cells (Gauss-Jordan over fractions: exact, no rounding).
    """
    unknown = sorted(k for k, c in cells.items() if c.suppressed)
    index = {k: i for i, k in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for rel in relations:
        coefficients = [Fraction(0)] * len(unknown)
        for key, sign in ((rel.total, 1), *((p, -1) for p in rel.parts)):
            if key in index:
                coefficients[index[key]] += sign
        if any(coefficients):
            rows.append(coefficients)
    basis = _reduced_basis(rows)
    found = set()
    for key, i in index.items():
        vector = [Fraction(0)] * len(unknown)
        vector[i] = Fraction(1)
        for pivot, row in basis:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
        if not any(vector):
            found.add(key)
    return found


def _reduced_basis(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form: (pivot column, row with 1 at the pivot and 0 at every other pivot)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for original in rows:
        row = list(original)
        for column, b in basis:
            if row[column]:
                factor = row[column]
                row = [v - factor * x for v, x in zip(row, b, strict=True)]
        found = next((i for i, v in enumerate(row) if v), None)
        if found is None:
            continue
        pivot = found
        row = [v / row[pivot] for v in row]
        for n, (p, b) in enumerate(basis):
            if b[pivot]:
                factor = b[pivot]
                basis[n] = (p, [v - factor * x for v, x in zip(b, row, strict=True)])
        basis.append((pivot, row))
    return basis


def grid(
    values: Mapping[tuple[str, str], Mapping[str, Decimal | int]], rows: Iterable[str], columns: Iterable[str]
) -> ProtectedTable:
    """A two-way table with row totals (`r|*`), column totals (`*|c`) and the grand total (`*|*`)."""
    rows, columns = list(rows), list(columns)
    table = ProtectedTable()
    for r in rows:
        for c in columns:
            table.add(f"{r}|{c}", values.get((r, c), {}))
    for r in rows:
        table.add_total(f"{r}|*", [f"{r}|{c}" for c in columns])
    for c in columns:
        table.add_total(f"*|{c}", [f"{r}|{c}" for r in rows])
    table.add_total("*|*", [f"{r}|*" for r in rows])
    table.relate("*|*", [f"*|{c}" for c in columns])
    return table


# --- closed periods ----------------------------------------------------------------------------------


def closed_years(*, on: date | None = None) -> list[int]:
    """Years with approved data whose reporting cut-off has passed, latest first."""
    on = on or local_today()
    params = parameters()  # read once, not once a year
    years = SummaryRollup.objects.values_list("year", flat=True).distinct().order_by("-year")
    return [y for y in years if not year_is_open(y, on=on, params=params)]


def public_year(
    requested: int | str | None = None, *, on: date | None = None, years: list[int] | None = None
) -> int | None:
    """The year public figures cover: the one asked for if it is closed, else the latest closed year
    (`years`: the closed years, when the caller has them already)."""
    years = closed_years(on=on) if years is None else years
    if requested in (None, ""):
        return years[0] if years else None
    try:
        year = int(requested)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        year = -1
    if year not in years:
        raise UnprocessableError(
            _("Figures are published for closed years only: %(years)s.")
            % {"years": ", ".join(str(y) for y in years) or _("none yet")},
            code="year_not_published",
            field="year",
        )
    return year


# --- the public figures ------------------------------------------------------------------------------

HEADLINE_MEASURES = (
    "contract_count",
    "contract_amount_usd",
    "contract_amount_offshore_usd",
    "executed_amount_usd",
    "executed_amount_offshore_usd",
)
STAFFING_MEASURES = ("employees", "new_graduates")
COUNT_MEASURES = frozenset({"contract_count", *STAFFING_MEASURES})


@dataclass
class PublicRow:
    key: str
    label: str
    value: Decimal | None  # None: withheld


@dataclass
class PublicFigures:
    """Everything a public page, the public API or an open-data file may show for one closed year."""

    year: int
    date_from: date
    date_to: date
    rule: DisclosureRule
    headline: dict[str, Decimal | None]  # HEADLINE_MEASURES and STAFFING_MEASURES; None: withheld
    enterprise_count: int
    growth_pct: Decimal | None
    by_category: list[PublicRow]  # offshore executed amount (USD) by ITO / BPO / KPO
    by_zone: list[PublicRow]  # executed amount (USD) by zone
    closed_years: list[int]

    @property
    def withheld(self) -> list[str]:
        """The names of the withheld headline figures and the keys of withheld rows."""
        names = [k for k, v in self.headline.items() if v is None]
        names += [f"category:{r.key}" for r in self.by_category if r.value is None]
        names += [f"zone:{r.key}" for r in self.by_zone if r.value is None]
        return names


def withheld_note(rule: DisclosureRule) -> str:
    return _(
        "— withheld: the figure covers fewer than %(n)d enterprises, or one enterprise holds more than "
        "%(p)s %% of it, or it would let a withheld figure be worked out from a total."
    ) % {"n": rule.min_enterprises, "p": f"{rule.dominance_pct.normalize():f}"}


def _amount(row: Any, measure: str) -> Decimal:
    return Decimal(row.contract_count) if measure == "contract_count" else Decimal(row.sums[measure])


def _by_enterprise(rows: Iterable[Any], measure: str) -> dict[str, Decimal]:
    """Rows keyed by credit code → {credit code: amount} for one measure (enterprises with nothing left out)."""
    return {row.key: _amount(row, measure) for row in rows if _amount(row, measure)}


def _by_group(rows: Iterable[Any], measure: str) -> dict[str, dict[str, Decimal]]:
    """Rows keyed "group|credit code" → {group: {credit code: amount}} for one measure."""
    out: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        group, _sep, enterprise = row.key.rpartition("|")
        if value := _amount(row, measure):
            out.setdefault(group, {})[enterprise] = value
    return out


def _year_table(
    year: int, rule: DisclosureRule, *, staffing: bool = True
) -> tuple[ProtectedTable, list[str], list[str]]:
    """The protected cells of one year's public figures, with the category and zone keys in display order.

    The staffing cells stand alone (no sum ties them to others), so leaving them out changes no other cell.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    table = ProtectedTable()
    # One aggregate for the year by category × zone × enterprise; the headline (per enterprise), the category
    # chart and the zone chart are sums of its rows. Each record has one category and one zone, so the sums
    # over either are the enterprise's totals.
    per_enterprise: dict[str, IndicatorRow] = {}
    by_category: dict[str, dict[str, Decimal]] = {}
    by_zone: dict[str, dict[str, Decimal]] = {}
    for row in indicators(date_from=start, date_to=end, by="category,zone,enterprise"):
        category, zone, enterprise = row.key.split("|")
        total = per_enterprise.get(enterprise)
        if total is None:
            total = per_enterprise[enterprise] = IndicatorRow(key=enterprise)
        total.contract_count += row.contract_count
        total.execution_count += row.execution_count
        for name, amount in row.sums.items():
            total.sums[name] += amount
        if amount := row.sums["executed_amount_offshore_usd"]:
            cell = by_category.setdefault(category, {})
            cell[enterprise] = cell.get(enterprise, ZERO) + amount
        if amount := row.sums["executed_amount_usd"]:
            cell = by_zone.setdefault(zone, {})
            cell[enterprise] = cell.get(enterprise, ZERO) + amount
    for measure in HEADLINE_MEASURES:
        table.add(f"total:{measure}", _by_enterprise(per_enterprise.values(), measure))
    staff_rows = staffing_indicators(date_from=start, date_to=end, by="enterprise") if staffing else []
    for measure in STAFFING_MEASURES:
        table.add(f"total:{measure}", {r.key: Decimal(getattr(r, measure)) for r in staff_rows})

    top_levels = list(
        ServiceCategory.objects.filter(parent__isnull=True)
        .order_by("sort_order", "code")
        .values_list("top_level", flat=True)
    )
    category_keys = top_levels + sorted(set(by_category) - set(top_levels))
    for key in category_keys:
        table.add(f"category:{key}", by_category.get(key, {}))
    table.relate("total:executed_amount_offshore_usd", [f"category:{k}" for k in category_keys])

    zones = list(Zone.objects.filter(is_active=True).values_list("code", flat=True))
    zone_keys = zones + sorted(set(by_zone) - set(zones))
    for key in zone_keys:
        table.add(f"zone:{key}", by_zone.get(key, {}))
    table.relate("total:executed_amount_usd", [f"zone:{k}" for k in zone_keys])

    table.protect(rule)
    return table, category_keys, zone_keys


def public_figures(year: int | str | None = None, *, on: date | None = None) -> PublicFigures | None:
    """The published figures for a closed year (the latest by default), every cell disclosure-controlled."""
    years = closed_years(on=on)
    chosen = public_year(year, on=on, years=years)
    if chosen is None:
        return None
    rule = office_rule()
    start, end = date(chosen, 1, 1), date(chosen, 12, 31)
    table, category_keys, zone_keys = _year_table(chosen, rule)

    # The growth on a year earlier reveals the previous year's total: shown only if that year publishes it.
    growth = None
    current = table.cells["total:executed_amount_usd"].shown
    if current is not None and SummaryRollup.objects.filter(year=chosen - 1).exists():
        previous = _year_table(chosen - 1, rule, staffing=False)[0].cells["total:executed_amount_usd"].shown
        if previous:
            growth = (current / previous - 1) * 100

    zone_names = {z.code: z.name for z in Zone.objects.all()}
    category_names = {c.top_level: c.name for c in ServiceCategory.objects.filter(parent__isnull=True)}
    return PublicFigures(
        year=chosen,
        date_from=start,
        date_to=end,
        rule=rule,
        headline={m: table.cells[f"total:{m}"].shown for m in (*HEADLINE_MEASURES, *STAFFING_MEASURES)},
        enterprise_count=enterprises_reporting(date_from=start, date_to=end),
        growth_pct=growth,
        by_category=[PublicRow(k, category_names.get(k, k), table.cells[f"category:{k}"].shown) for k in category_keys],
        by_zone=[
            PublicRow(k, zone_names.get(k, k) if k else _("Outside the zones"), table.cells[f"zone:{k}"].shown)
            for k in zone_keys
        ],
        closed_years=years,
    )
