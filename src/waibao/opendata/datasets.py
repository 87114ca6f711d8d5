"""The built-in datasets: indicators by zone, category and market; the HZ-2 goal series; awards made after
public notice; the policy package.

Every builder returns only what the public may see. Statistics go through `statistics.disclosure` (closed
years only; a cell fewer than N enterprises make, or one enterprise dominates, is withheld, and so is any
cell that would let a withheld one be worked out from a total). Awards are public by nature once their
notice has ended (HZ-22): recipient, rule, year and amount, aggregated per recipient, rule and year, with no
item (a per-person award's item is a person) and no person named.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from waibao.opendata.catalogue import Built, DatasetSpec, Field, register_dataset

TWO_PLACES = Decimal("0.01")


def money_text(value: Decimal | int | None) -> str | None:
    """An amount as an exact 2-place decimal string (never a float); None stays None (withheld / unknown)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(TWO_PLACES))


def both(text: Any) -> tuple[str, str]:
    """A lazy text in Chinese and English."""
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return zh, en


# --- indicators by zone, category and market ----------------------------------------------------------

MEASURES = {
    "contract_count": _("Contracts signed (count)"),
    "contract_amount_usd": _("Contract amount (USD)"),
    "contract_amount_offshore_usd": _("Offshore contract amount (USD)"),
    "executed_amount_usd": _("Executed amount (USD)"),
    "executed_amount_offshore_usd": _("Offshore executed amount (USD)"),
    "employees": _("Employees"),
    "new_graduates": _("New graduates hired"),
}
DIMENSIONS = {
    "total": _("City total"),
    "zone": _("Zone"),
    "category": _("Service category"),
    "market": _("Client market (country or region)"),
}


def _published(measure: str, value: Decimal | None) -> str | int | None:
    if value is None:
        return None
    if measure in ("contract_count", "employees", "new_graduates"):
        return int(value)
    return money_text(value)


def indicator_rows() -> Built:
    """Per closed year: the city totals, executed amount by zone, offshore executed amount by top-level
    category and by client market, every cell disclosure-controlled in one table (so no withheld cell can be
    worked out from the totals of another dimension)."""
    from waibao.registry.models import ServiceCategory, Zone
    from waibao.statistics import disclosure
    from waibao.statistics.selectors import indicators

    rule = disclosure.office_rule()
    zones = {z.code: (z.name_zh, z.name_en) for z in Zone.objects.all()}
    categories = {c.top_level: (c.name_zh, c.name_en) for c in ServiceCategory.objects.filter(parent__isnull=True)}
    outside = both(_("Outside the zones"))
    rows: list[dict[str, Any]] = []
    years = sorted(disclosure.closed_years())
    for year in years:
        table, category_keys, zone_keys = disclosure._year_table(year, rule)
        by_market = disclosure._by_group(
            indicators(date_from=date(year, 1, 1), date_to=date(year, 12, 31), by="country,enterprise"),
            "executed_amount_offshore_usd",
        )
        market_keys = sorted(by_market)
        for key in market_keys:
            table.add(f"market:{key}", by_market[key])
        table.relate("total:executed_amount_offshore_usd", [f"market:{k}" for k in market_keys])
        table.protect(rule)  # again, with the markets: withheld cells stay withheld, more may join them
        cells = table.cells

        def add(
            dimension: str,
            code: str,
            names: tuple[str, str],
            measure: str,
            cell_key: str,
            *,
            year: int = year,
            cells: Any = cells,
        ) -> None:
            shown = cells[cell_key].shown
            measure_zh, measure_en = both(MEASURES[measure])
            dimension_zh, dimension_en = both(DIMENSIONS[dimension])
            rows.append(
                {
                    "year": year,
                    "dimension": dimension,
                    "dimension_name_zh": dimension_zh,
                    "dimension_name_en": dimension_en,
                    "code": code,
                    "name_zh": names[0],
                    "name_en": names[1],
                    "measure": measure,
                    "measure_name_zh": measure_zh,
                    "measure_name_en": measure_en,
                    "value": _published(measure, shown),
                    "withheld": shown is None,
                }
            )

        city = both(_("City total"))
        for measure in (*disclosure.HEADLINE_MEASURES, *disclosure.STAFFING_MEASURES):
            add("total", "", city, measure, f"total:{measure}")
        for key in zone_keys:
            add("zone", key, zones.get(key, outside) if key else outside, "executed_amount_usd", f"zone:{key}")
        for key in category_keys:
            add("category", key, categories.get(key, (key, key)), "executed_amount_offshore_usd", f"category:{key}")
        for key in market_keys:
            add("market", key, (key, key), "executed_amount_offshore_usd", f"market:{key}")
    temporal = (f"{years[0]}-01-01", f"{years[-1]}-12-31") if years else None
    return Built(rows=rows, temporal=temporal)


INDICATOR_FIELDS = (
    Field("year", "integer", _("Year")),
    Field(
        "dimension",
        "string",
        _("Dimension (code)"),
        _("The breakdown the row belongs to: the city total, a zone, a service category or a client market"),
    ),
    Field("dimension_name_zh", "string", _("Dimension (Chinese)")),
    Field("dimension_name_en", "string", _("Dimension (English)")),
    Field(
        "code",
        "string",
        _("Code"),
        _("Zone code, top-level category (ITO, BPO, KPO) or market (ISO 3166-1 alpha-2); empty for the city total"),
    ),
    Field("name_zh", "string", _("Name (Chinese)")),
    Field("name_en", "string", _("Name (English)")),
    Field("measure", "string", _("Measure (code)")),
    Field("measure_name_zh", "string", _("Measure (Chinese)")),
    Field("measure_name_en", "string", _("Measure (English)")),
    Field("value", "number", _("Value"), _("Empty when withheld under the disclosure rules")),
    Field("withheld", "boolean", _("Withheld")),
)


# --- the HZ-2 goal series -----------------------------------------------------------------------------

GOAL_MEASURE_CELLS = {
    "executed": "executed_amount_usd",
    "contract": "contract_amount_usd",
    "executed_offshore": "executed_amount_offshore_usd",
    "contract_offshore": "contract_amount_offshore_usd",
}


def goal_rows() -> Built:
    """HZ-2: per year from the base year to the target year, the amount the goal requires and the published
    actual (closed years only, and only where the city total itself is published)."""
    from waibao.statistics import disclosure
    from waibao.statistics.selectors import goal_progress

    goal = goal_progress()
    cell = GOAL_MEASURE_CELLS.get(goal.measure, "executed_amount_usd")
    closed = set(disclosure.closed_years())
    actual: dict[int, Decimal | None] = {}
    for year in sorted(closed):
        figures = disclosure.public_figures(year)
        actual[year] = figures.headline.get(cell) if figures else None
    # A base taken from the data is one year's city total: the series built on it is published only when
    # that total is.
    base_published = not goal.base_from_data or actual.get(goal.base_year) is not None
    measure_zh, measure_en = both(MEASURES[cell])
    rows = []
    for y in goal.years:
        rows.append(
            {
                "year": y.year,
                "measure": cell,
                "measure_name_zh": measure_zh,
                "measure_name_en": measure_en,
                "required_usd": money_text(y.required) if base_published else None,
                "actual_usd": money_text(actual.get(y.year)),
                "closed": y.year in closed,
                "withheld": y.year in closed and actual.get(y.year) is None,
            }
        )
    return Built(rows=rows, temporal=(f"{goal.base_year}-01-01", f"{goal.target_year}-12-31"))


GOAL_FIELDS = (
    Field("year", "integer", _("Year")),
    Field("measure", "string", _("Measure (code)")),
    Field("measure_name_zh", "string", _("Measure (Chinese)")),
    Field("measure_name_en", "string", _("Measure (English)")),
    Field("required_usd", "number", _("Amount the goal requires (USD)")),
    Field("actual_usd", "number", _("Actual (USD)"), _("Closed years only; empty when withheld")),
    Field("closed", "boolean", _("Year closed")),
    Field("withheld", "boolean", _("Withheld")),
)


# --- awards after public notice -----------------------------------------------------------------------


def award_rows() -> Built:
    """Awards finally approved after their public notice (committed or paid), per recipient, rule and year."""
    from waibao.applications.models import Application, ApplicationStatus
    from waibao.policy.engine import default_package

    package = default_package()
    titles = {r.id: (r.title.zh, r.title.en) for r in package.rules}
    totals: dict[tuple[str, str, int, str], dict[str, Any]] = {}
    counts: dict[tuple[str, str, int, str], int] = defaultdict(int)
    qs = (
        Application.objects.filter(status__in=[ApplicationStatus.COMMITTED, ApplicationStatus.PAID])
        .select_related("enterprise", "training_institution")
        .order_by("year", "rule_id", "pk")
    )
    for a in qs:
        recipient = a.enterprise or a.training_institution
        if recipient is None or a.approved_amount_cny is None:
            continue
        kind = "enterprise" if a.enterprise_id else "training_institution"
        key = (kind, recipient.credit_code, a.year, a.rule_id)
        if key not in totals:
            totals[key] = {
                "year": a.year,
                "rule": a.rule_id,
                "rule_title_zh": titles.get(a.rule_id, (a.rule_id, a.rule_id))[0],
                "rule_title_en": titles.get(a.rule_id, (a.rule_id, a.rule_id))[1],
                "recipient_kind": kind,
                "recipient_credit_code": recipient.credit_code,
                "recipient_name_zh": recipient.name_zh,
                "recipient_name_en": recipient.name_en,
                "amount": Decimal(0),
            }
        totals[key]["amount"] += a.approved_amount_cny
        counts[key] += 1
    rows = []
    for key in sorted(totals, key=lambda k: (k[2], k[3], k[1])):
        row = dict(totals[key])
        amount = row.pop("amount")
        rows.append({**row, "amount_cny": money_text(amount), "awards": counts[key]})
    years = sorted({r["year"] for r in rows})
    temporal = (f"{years[0]}-01-01", f"{years[-1]}-12-31") if years else None
    return Built(rows=rows, temporal=temporal)


AWARD_FIELDS = (
    Field("year", "integer", _("Year")),
    Field("rule", "string", _("Rule"), _("The article of the policy package the award is made under")),
    Field("rule_title_zh", "string", _("Rule (Chinese)")),
    Field("rule_title_en", "string", _("Rule (English)")),
    Field(
        "recipient_kind",
        "string",
        _("Recipient kind"),
        _("Whether the recipient is an enterprise or a training institution"),
    ),
    Field("recipient_credit_code", "string", _("Unified social credit code")),
    Field("recipient_name_zh", "string", _("Recipient (Chinese)")),
    Field("recipient_name_en", "string", _("Recipient (English)")),
    Field("amount_cny", "number", _("Amount (CNY)")),
    Field("awards", "integer", _("Awards"), _("Approved applications the amount adds up")),
)


# --- the policy package -------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _value_text(value: Any) -> str | None:
    """A parameter value as exact text: a number as written, a list or table as JSON; None when the text
    leaves it open."""
    import json

    if value is None:
        return None
    if isinstance(value, Decimal | int | str):
        return str(value)
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)


def policy_rows() -> Built:
    """Every parameter of the policy package with each dated value and its citation; the JSON download also
    carries the whole package as it is loaded (its YAML files as JSON)."""
    from waibao.policy.engine import default_package
    from waibao.policy.engine.loader import load_yaml

    package = default_package()
    rows = []
    for pid, param in package.parameters.items():
        for v in param.values:
            rows.append(
                {
                    "parameter": pid,
                    "title_zh": param.title.zh,
                    "title_en": param.title.en,
                    "type": param.type,
                    "unit": param.unit,
                    "effective_from": v.effective_from.isoformat(),
                    "value": _value_text(v.value),
                    "article": v.citation.article,
                    "citation": v.citation.text,
                }
            )
    document: dict[str, Any] = {"id": package.id, "version": package.version}
    for name in ("package", "articles", "facts", "parameters", "rules"):
        path = package.path / f"{name}.yaml"
        if path.exists():
            document[name] = _jsonable(load_yaml(path.read_text(encoding="utf-8")))
    return Built(rows=rows, document=document)


POLICY_FIELDS = (
    Field("parameter", "string", _("Parameter")),
    Field("title_zh", "string", _("Title (Chinese)")),
    Field("title_en", "string", _("Title (English)")),
    Field("type", "string", _("Type")),
    Field("unit", "string", _("Unit")),
    Field("effective_from", "date", _("In force from")),
    Field(
        "value",
        "string",
        _("Value"),
        _("Amounts in CNY, rates as fractions, lists as JSON; empty where the text leaves it open"),
    ),
    Field("article", "string", _("Article")),
    Field("citation", "string", _("Citation"), _("The words of the policy text the value comes from")),
)


def register_builtin_datasets() -> None:
    register_dataset(
        DatasetSpec(
            code="indicators",
            title=_("Service-outsourcing indicators by zone, category and market"),
            description=_(
                "For every closed year: the city's contract and executed amounts, employees and new graduates, "
                "the executed amount by zone, and the offshore executed amount by service category and by "
                "client market. Figures that would reveal one enterprise are withheld."
            ),
            fields=INDICATOR_FIELDS,
            build=indicator_rows,
            keywords=(_("service outsourcing"), _("statistics"), _("zones")),
            primary_key=("year", "dimension", "code", "measure"),
            source_note=_(
                "Approved statistics records. A figure covering fewer enterprises than the office's minimum, or "
                "dominated by one enterprise, is withheld, and so is any figure that would let a withheld one "
                "be worked out from a total."
            ),
            order=10,
        )
    )
    register_dataset(
        DatasetSpec(
            code="hz2-goal",
            title=_("HZ-2 goal: required and actual service-outsourcing revenue"),
            description=_(
                "The goal of the policy's article 2 year by year: the amount it requires and the actual city "
                "total of each closed year."
            ),
            fields=GOAL_FIELDS,
            build=goal_rows,
            keywords=(_("goal"), _("statistics")),
            primary_key=("year",),
            source_note=_("The office's goal parameters and the published city totals."),
            order=20,
        )
    )
    register_dataset(
        DatasetSpec(
            code="awards",
            title=_("Awards made after public notice"),
            description=_(
                "Rewards and subsidies finally approved after their public notice: recipient, rule, year and "
                "amount, added up per recipient, rule and year. No person is named."
            ),
            fields=AWARD_FIELDS,
            build=award_rows,
            keywords=(_("awards"), _("public notice"), _("special fund")),
            primary_key=("year", "rule", "recipient_kind", "recipient_credit_code"),
            theme="GOVE",
            source_note=_("Applications finally approved (committed or paid) after the public notice ended."),
            order=30,
        )
    )
    register_dataset(
        DatasetSpec(
            code="policy-package",
            title=_("The policy package: parameters, amounts and citations"),
            description=_(
                "Every amount and threshold of the policy package with the date it applies from and the words "
                "of the policy it comes from. The JSON download carries the whole package."
            ),
            fields=POLICY_FIELDS,
            build=policy_rows,
            keywords=(_("policy"), _("rules")),
            primary_key=("parameter", "effective_from"),
            theme="GOVE",
            frequency="IRREG",
            source_note=_("The policy package the platform applies."),
            order=40,
        )
    )
