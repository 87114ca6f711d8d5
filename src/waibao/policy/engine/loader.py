"""Loading a policy package folder: reads its YAML files, validates them, builds a `Package`.

Every refusal names the file, the path inside it (`rules[3].amount.rate`) and what is wrong.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from waibao.policy.engine.errors import PackageError
from waibao.policy.engine.model import (
    BASES,
    CONDITION_OPS,
    FACT_TYPES,
    FORMULA_KINDS,
    PARAMETER_TYPES,
    RULE_KINDS,
    Article,
    Citation,
    Condition,
    FactRef,
    FactSpec,
    Formula,
    ListSpec,
    Package,
    Parameter,
    ParameterScalar,
    ParameterValue,
    Rule,
    Text,
    Tier,
)

PACKAGE_FILES = ("package.yaml", "articles.yaml", "facts.yaml", "parameters.yaml", "rules.yaml")
COMPARISONS = (">=", ">", "<=", "<", "==")
NUMERIC_FACT_TYPES = ("money", "amount", "integer")


def fact_unit(spec: FactSpec) -> str:
    return "CNY" if spec.type == "money" else spec.unit


def parameter_unit(param: Parameter) -> str:
    return {"money": "CNY", "rate": "ratio"}.get(param.type, param.unit)


class YamlLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so a bad date is reported with its path, not as a crash."""


YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a SafeLoader subclass


class _Reader:
    """Typed access to one YAML document, raising PackageError with file and path."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> PackageError:
        return PackageError(message, file=self.file, path=path)

    def load(self) -> dict[str, Any]:
        if not self.file.is_file():
            raise self.fail("", "file is missing")
        try:
            data = load_yaml(self.file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise self.fail("", f"not valid YAML: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise self.fail("", "not UTF-8 text") from exc
        return self.mapping(data, "")

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path or "(top)", "must be a mapping")
        return value

    def only(self, value: dict[str, Any], path: str, allowed: set[str]) -> None:
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(
                path or "(top)", f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )

    def required(self, value: dict[str, Any], key: str, path: str) -> Any:
        if key not in value:
            raise self.fail(join(path, key), "is required")
        return value[key]

    def string(self, value: Any, path: str, *, choices: tuple[str, ...] = ()) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "must be a non-empty string")
        if choices and value not in choices:
            raise self.fail(path, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def text(self, value: Any, path: str) -> Text:
        data = self.mapping(value, path)
        self.only(data, path, {"zh", "en"})
        return Text(
            zh=self.string(self.required(data, "zh", path), join(path, "zh")),
            en=self.string(self.required(data, "en", path), join(path, "en")),
        )

    def date(self, value: Any, path: str) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(path, f"{value!r} is not a date (YYYY-MM-DD)")

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "must be a non-empty list")
        return tuple(self.string(v, f"{path}[{i}]") for i, v in enumerate(value))


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def parse_decimal(value: Any) -> Decimal:
    """A decimal from YAML or the command line: quoted strings or integers, never floats."""
    if isinstance(value, (bool, float)):
        raise ValueError('write decimals as quoted strings (e.g. "0.50"), not bare floats')
    if not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not number.is_finite() or number < 0:
        raise ValueError(f"{value!r} must be a finite number, zero or more")
    return number


def parse_parameter_value(param_type: str, value: Any, *, choices: tuple[str, ...] = ()) -> ParameterScalar:
    """Check and convert one parameter value for its type; None (unset) is always allowed."""
    if value is None:
        return None
    if param_type in ("money", "amount", "rate"):
        return parse_decimal(value)
    if param_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{value!r} must be a whole number, zero or more")
        return value
    if param_type == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of choices")
        bad = [v for v in value if choices and v not in choices]
        if bad:
            raise ValueError(f"{', '.join(bad)} not among {', '.join(choices)}")
        return tuple(value)
    if param_type == "levels":
        if not isinstance(value, dict):
            raise ValueError("must map each qualifying choice to a minimum level (or null)")
        levels: dict[str, int | None] = {}
        for key, level in value.items():
            if choices and key not in choices:
                raise ValueError(f"{key} is not among {', '.join(choices)}")
            if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
                raise ValueError(f"level of {key} must be a whole number or null")
            levels[str(key)] = level
        return levels
    raise ValueError(f"unknown parameter type {param_type}")


def resolve_package_path(name_or_path: str | Path, *, search: list[Path]) -> Path:
    """A folder given by path, or a package name looked up in `search` (first match wins)."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate.resolve()
    name = str(name_or_path)
    if "/" not in name and name not in ("", ".", ".."):
        for folder in search:
            if (folder / name / "package.yaml").is_file():
                return (folder / name).resolve()
    raise PackageError("no such policy package (neither a folder nor a known package name)", file=name)


# The files of a package the loader reads (a package folder may hold more, e.g. its test cases).
PACKAGE_FILES = ("package.yaml", "articles.yaml", "facts.yaml", "parameters.yaml", "rules.yaml")


def load_package_folder(folder: Path) -> Package:
    """Read and validate every file of the package in `folder`."""
    meta_reader = _Reader(folder / "package.yaml")
    meta = meta_reader.load()
    meta_reader.only(
        meta,
        "",
        {"id", "version", "title", "issuer", "effective_from", "source", "funds", "budget"},
    )
    package_id = meta_reader.string(meta_reader.required(meta, "id", ""), "id")
    version = str(meta_reader.required(meta, "version", ""))
    title = meta_reader.text(meta_reader.required(meta, "title", ""), "title")
    issuer = meta_reader.text(meta_reader.required(meta, "issuer", ""), "issuer")
    effective_from = meta_reader.date(meta_reader.required(meta, "effective_from", ""), "effective_from")
    source = str(meta.get("source", ""))
    funds_raw = meta_reader.mapping(meta_reader.required(meta, "funds", ""), "funds")
    funds = {str(k): meta_reader.text(v, join("funds", str(k))) for k, v in funds_raw.items()}

    articles = _load_articles(_Reader(folder / "articles.yaml"))
    facts, lists = _load_facts(_Reader(folder / "facts.yaml"))
    parameters = _load_parameters(_Reader(folder / "parameters.yaml"), articles, facts, lists)
    rules = _load_rules(_Reader(folder / "rules.yaml"), articles, facts, lists, parameters, funds)

    budget_parameter = ""
    budget_funds: tuple[str, ...] = ()
    if "budget" in meta:
        budget = meta_reader.mapping(meta["budget"], "budget")
        meta_reader.only(budget, "budget", {"parameter", "funds"})
        budget_parameter = meta_reader.string(budget.get("parameter"), "budget.parameter")
        if budget_parameter not in parameters:
            raise meta_reader.fail("budget.parameter", f"unknown parameter {budget_parameter}")
        budget_funds = meta_reader.strings(budget.get("funds"), "budget.funds")
        for i, fund in enumerate(budget_funds):
            if fund not in funds:
                raise meta_reader.fail(f"budget.funds[{i}]", f"unknown fund {fund}")
    for pid, param in parameters.items():
        if param.values[0].effective_from < effective_from:
            raise PackageError(
                f"dated {param.values[0].effective_from}, before the package's effective_from {effective_from}",
                file=folder / "parameters.yaml",
                path=f"parameters.{pid}.values[0].from",
            )
    return Package(
        id=package_id,
        version=version,
        title=title,
        issuer=issuer,
        effective_from=effective_from,
        path=folder,
        source=source,
        funds=funds,
        articles=articles,
        facts=facts,
        lists=lists,
        parameters=parameters,
        rules=rules,
        budget_parameter=budget_parameter,
        budget_funds=tuple(budget_funds),
    )


def _load_articles(reader: _Reader) -> dict[str, Article]:
    data = reader.load()
    reader.only(data, "", {"articles"})
    raw = reader.mapping(reader.required(data, "articles", ""), "articles")
    articles: dict[str, Article] = {}
    for key, value in raw.items():
        path = join("articles", str(key))
        item = reader.mapping(value, path)
        reader.only(item, path, {"number", "title", "summary", "text"})
        articles[str(key)] = Article(
            id=str(key),
            number=str(item.get("number", "")),
            title=reader.text(reader.required(item, "title", path), join(path, "title")),
            summary=reader.text(reader.required(item, "summary", path), join(path, "summary")),
            text=reader.string(reader.required(item, "text", path), join(path, "text")),
        )
    return articles


def _fact_spec(reader: _Reader, name: str, value: Any, path: str) -> FactSpec:
    item = reader.mapping(value, path)
    reader.only(item, path, {"type", "unit", "nullable", "choices", "default", "title", "not_after"})
    fact_type = reader.string(reader.required(item, "type", path), join(path, "type"), choices=FACT_TYPES)
    choices: tuple[str, ...] = ()
    if fact_type == "choice":
        choices = reader.strings(reader.required(item, "choices", path), join(path, "choices"))
    unit = ""
    if fact_type in ("amount", "integer"):
        unit = reader.string(reader.required(item, "unit", path), join(path, "unit"))
    not_after = str(item.get("not_after", ""))
    if not_after not in ("", "year"):
        raise reader.fail(join(path, "not_after"), "only `year` is supported")
    return FactSpec(
        name=name,
        type=fact_type,
        title=reader.text(reader.required(item, "title", path), join(path, "title")),
        unit=unit,
        nullable=bool(item.get("nullable", False)),
        choices=choices,
        default=item.get("default"),
        not_after=not_after,
    )


def _load_facts(reader: _Reader) -> tuple[dict[str, FactSpec], dict[str, ListSpec]]:
    data = reader.load()
    reader.only(data, "", {"facts", "lists"})
    raw = reader.mapping(reader.required(data, "facts", ""), "facts")
    facts = {str(k): _fact_spec(reader, str(k), v, join("facts", str(k))) for k, v in raw.items()}
    lists: dict[str, ListSpec] = {}
    for key, value in reader.mapping(data.get("lists", {}), "lists").items():
        path = join("lists", str(key))
        item = reader.mapping(value, path)
        reader.only(item, path, {"title", "fields"})
        fields_raw = reader.mapping(reader.required(item, "fields", path), join(path, "fields"))
        fields = {
            str(k): _fact_spec(reader, str(k), v, join(join(path, "fields"), str(k))) for k, v in fields_raw.items()
        }
        if str(key) in facts:
            raise reader.fail(path, "a list may not share its name with a fact")
        lists[str(key)] = ListSpec(
            name=str(key),
            title=reader.text(reader.required(item, "title", path), join(path, "title")),
            fields=fields,
        )
    return facts, lists


def _choices_of(
    reader: _Reader, ref: str, path: str, facts: dict[str, FactSpec], lists: dict[str, ListSpec]
) -> tuple[str, ...]:
    spec: FactSpec | None
    if "." in ref:
        list_name, field_name = ref.split(".", 1)
        spec = lists[list_name].fields.get(field_name) if list_name in lists else None
    else:
        spec = facts.get(ref)
    if spec is None or spec.type != "choice":
        raise reader.fail(path, f"{ref} is not a choice fact")
    return spec.choices


def _load_parameters(
    reader: _Reader, articles: dict[str, Article], facts: dict[str, FactSpec], lists: dict[str, ListSpec]
) -> dict[str, Parameter]:
    data = reader.load()
    reader.only(data, "", {"parameters"})
    raw = reader.mapping(reader.required(data, "parameters", ""), "parameters")
    parameters: dict[str, Parameter] = {}
    for key, value in raw.items():
        pid = str(key)
        path = join("parameters", pid)
        item = reader.mapping(value, path)
        reader.only(item, path, {"type", "unit", "title", "values", "choices_of"})
        ptype = reader.string(reader.required(item, "type", path), join(path, "type"), choices=PARAMETER_TYPES)
        unit = ""
        if ptype in ("amount", "integer"):
            unit = reader.string(reader.required(item, "unit", path), join(path, "unit"))
        choices: tuple[str, ...] = ()
        choices_of = ""
        if ptype in ("list", "levels"):
            choices_of = reader.string(reader.required(item, "choices_of", path), join(path, "choices_of"))
            choices = _choices_of(reader, choices_of, join(path, "choices_of"), facts, lists)
        raw_values = reader.required(item, "values", path)
        if not isinstance(raw_values, list) or not raw_values:
            raise reader.fail(join(path, "values"), "must be a non-empty list of dated values")
        values: list[ParameterValue] = []
        for i, entry in enumerate(raw_values):
            vpath = f"{path}.values[{i}]"
            entry_map = reader.mapping(entry, vpath)
            reader.only(entry_map, vpath, {"from", "value", "citation"})
            start = reader.date(reader.required(entry_map, "from", vpath), join(vpath, "from"))
            if "value" not in entry_map:
                raise reader.fail(join(vpath, "value"), "is required (null when the text leaves it open)")
            try:
                parsed = parse_parameter_value(ptype, entry_map["value"], choices=choices)
            except ValueError as exc:
                raise reader.fail(join(vpath, "value"), str(exc)) from exc
            cpath = join(vpath, "citation")
            cit = reader.mapping(reader.required(entry_map, "citation", vpath), cpath)
            reader.only(cit, cpath, {"article", "text"})
            article = reader.string(reader.required(cit, "article", cpath), join(cpath, "article"))
            if article not in articles:
                raise reader.fail(join(cpath, "article"), f"unknown article {article}")
            text = reader.string(reader.required(cit, "text", cpath), join(cpath, "text"))
            if values and start <= values[-1].effective_from:
                raise reader.fail(join(vpath, "from"), "dated values must be in increasing date order")
            values.append(ParameterValue(effective_from=start, value=parsed, citation=Citation(article, text)))
        parameters[pid] = Parameter(
            id=pid,
            type=ptype,
            unit=unit,
            title=reader.text(reader.required(item, "title", path), join(path, "title")),
            values=tuple(values),
            choices_of=choices_of,
        )
    return parameters


class _RuleContext:
    """What a rule's references are checked against."""

    def __init__(
        self,
        reader: _Reader,
        facts: dict[str, FactSpec],
        lists: dict[str, ListSpec],
        parameters: dict[str, Parameter],
        for_each: str,
    ) -> None:
        self.reader = reader
        self.facts = facts
        self.lists = lists
        self.parameters = parameters
        self.for_each = for_each

    def fact(self, value: Any, path: str) -> tuple[FactRef, FactSpec]:
        name = self.reader.string(value, path)
        if name.startswith("item."):
            if not self.for_each:
                raise self.reader.fail(path, f"{name} names an item field, but the rule has no for_each")
            field_name = name[len("item.") :]
            spec = self.lists[self.for_each].fields.get(field_name)
            if spec is None:
                raise self.reader.fail(path, f"unknown field {field_name} of list {self.for_each}")
            return FactRef(field_name, on_item=True), spec
        spec = self.facts.get(name)
        if spec is None:
            raise self.reader.fail(path, f"unknown fact {name}")
        return FactRef(name, on_item=False), spec

    def parameter(self, value: Any, path: str, *, types: tuple[str, ...], unit: str | None = None) -> str:
        pid = self.reader.string(value, path)
        param = self.parameters.get(pid)
        if param is None:
            raise self.reader.fail(path, f"unknown parameter {pid}")
        if param.type not in types:
            raise self.reader.fail(path, f"parameter {pid} is of type {param.type}; expected {' or '.join(types)}")
        if unit is not None and parameter_unit(param) != unit:
            raise self.reader.fail(path, f"parameter {pid} is in {parameter_unit(param)}; expected {unit}")
        return pid

    def same_choices(self, pid: str, ref: FactRef, path: str) -> None:
        """A list or levels parameter must hold choices of the very fact it is compared with."""
        expected = f"{self.for_each}.{ref.name}" if ref.on_item else ref.name
        if self.parameters[pid].choices_of != expected:
            raise self.reader.fail(
                path, f"parameter {pid} lists choices of {self.parameters[pid].choices_of}, not of {expected}"
            )


def _condition(ctx: _RuleContext, value: Any, path: str) -> Condition:
    reader = ctx.reader
    item = reader.mapping(value, path)
    reader.only(item, path, {"fact", "op", "parameter", "values", "previous", "level", "if_unset"})
    op = reader.string(reader.required(item, "op", path), join(path, "op"), choices=CONDITION_OPS)
    ref, spec = ctx.fact(reader.required(item, "fact", path), join(path, "fact"))
    if_unset = str(item.get("if_unset", "fail"))
    if if_unset not in ("pass", "fail"):
        raise reader.fail(join(path, "if_unset"), "must be pass or fail")
    numeric = spec.type in NUMERIC_FACT_TYPES
    if (op in COMPARISONS or op == "growth_at_least" or op == "positive") and not numeric:
        raise reader.fail(join(path, "fact"), f"{ref.label} is not a number; {op} needs one")
    if op in COMPARISONS:
        ptypes = ("integer",) if spec.type == "integer" else ("money", "amount")
        pid = ctx.parameter(
            reader.required(item, "parameter", path),
            join(path, "parameter"),
            types=ptypes,
            unit=fact_unit(spec),
        )
        return Condition(op=op, fact=ref, parameter=pid, if_unset=if_unset)
    if op == "in":
        if spec.type != "choice":
            raise reader.fail(join(path, "fact"), f"{ref.label} is not a choice fact; `in` needs one")
        if "values" in item:
            values = reader.strings(item["values"], join(path, "values"))
            for i, v in enumerate(values):
                if v not in spec.choices:
                    raise reader.fail(f"{path}.values[{i}]", f"{v!r} is not a choice of {ref.label}")
            return Condition(op=op, fact=ref, values=values)
        pid = ctx.parameter(reader.required(item, "parameter", path), join(path, "parameter"), types=("list",))
        ctx.same_choices(pid, ref, join(path, "parameter"))
        return Condition(op=op, fact=ref, parameter=pid, if_unset=if_unset)
    if op == "is_true":
        if spec.type != "boolean":
            raise reader.fail(join(path, "fact"), f"{ref.label} is not a boolean fact")
        return Condition(op=op, fact=ref)
    if op == "positive":
        return Condition(op=op, fact=ref)
    if op == "growth_at_least":
        previous, prev_spec = ctx.fact(reader.required(item, "previous", path), join(path, "previous"))
        if fact_unit(prev_spec) != fact_unit(spec):
            raise reader.fail(join(path, "previous"), "previous must be in the same unit as fact")
        pid = ctx.parameter(reader.required(item, "parameter", path), join(path, "parameter"), types=("rate",))
        return Condition(op=op, fact=ref, previous=previous, parameter=pid)
    if op in ("in_year", "within_years_after"):
        if spec.type != "integer" or spec.unit != "year":
            raise reader.fail(join(path, "fact"), f"{ref.label} is not a year")
        pid = ""
        if op == "within_years_after":
            pid = ctx.parameter(reader.required(item, "parameter", path), join(path, "parameter"), types=("integer",))
            if ctx.parameters[pid].unit != "years":
                raise reader.fail(join(path, "parameter"), f"parameter {pid} must be in years")
        return Condition(op=op, fact=ref, parameter=pid)
    # qualifying_level
    if spec.type != "choice":
        raise reader.fail(join(path, "fact"), f"{ref.label} is not a choice fact")
    level, level_spec = ctx.fact(reader.required(item, "level", path), join(path, "level"))
    if level_spec.type != "integer":
        raise reader.fail(join(path, "level"), f"{level.label} is not an integer")
    pid = ctx.parameter(reader.required(item, "parameter", path), join(path, "parameter"), types=("levels",))
    ctx.same_choices(pid, ref, join(path, "parameter"))
    return Condition(op=op, fact=ref, level=level, parameter=pid)


def _formula(ctx: _RuleContext, value: Any, path: str) -> Formula:
    reader = ctx.reader
    item = reader.mapping(value, path)
    kind = reader.string(reader.required(item, "kind", path), join(path, "kind"), choices=FORMULA_KINDS)
    allowed = {
        "eligibility": {"parameter"},
        "fixed": {"parameter"},
        "percentage": {"base", "rate", "cap", "floor"},
        "per_unit": {"base", "rate"},
        "by_category": {"fact", "amounts"},
        "threshold_tiers": {"base", "tiers"},
        "fact_value": {"fact"},
    }[kind]
    reader.only(item, path, allowed | {"kind"})
    money = ("money",)
    if kind == "eligibility":
        if "parameter" not in item:
            return Formula(kind=kind)
        return Formula(kind=kind, parameter=ctx.parameter(item["parameter"], join(path, "parameter"), types=money))
    if kind == "fixed":
        pid = ctx.parameter(reader.required(item, "parameter", path), join(path, "parameter"), types=money)
        return Formula(kind=kind, parameter=pid)
    if kind == "percentage":
        base, spec = ctx.fact(reader.required(item, "base", path), join(path, "base"))
        if spec.type != "money":
            raise reader.fail(join(path, "base"), f"{base.label} is not an amount of money")
        rate = ctx.parameter(reader.required(item, "rate", path), join(path, "rate"), types=("rate",))
        cap = ctx.parameter(item["cap"], join(path, "cap"), types=money) if "cap" in item else ""
        floor = ctx.parameter(item["floor"], join(path, "floor"), types=money) if "floor" in item else ""
        return Formula(kind=kind, base=base, rate=rate, cap=cap, floor=floor)
    if kind == "per_unit":
        base, spec = ctx.fact(reader.required(item, "base", path), join(path, "base"))
        if spec.type not in ("amount", "integer"):
            raise reader.fail(join(path, "base"), f"{base.label} is not a quantity")
        rate = ctx.parameter(
            reader.required(item, "rate", path),
            join(path, "rate"),
            types=("amount",),
            unit=f"CNY/{spec.unit}",
        )
        return Formula(kind=kind, base=base, rate=rate)
    if kind == "by_category":
        ref, spec = ctx.fact(reader.required(item, "fact", path), join(path, "fact"))
        if spec.type != "choice":
            raise reader.fail(join(path, "fact"), f"{ref.label} is not a choice fact")
        amounts_raw = reader.mapping(reader.required(item, "amounts", path), join(path, "amounts"))
        amounts: list[tuple[str, str]] = []
        for category, pid in amounts_raw.items():
            if category not in spec.choices:
                raise reader.fail(
                    join(join(path, "amounts"), str(category)), f"{category!r} is not a choice of {ref.label}"
                )
            amounts.append((str(category), ctx.parameter(pid, join(join(path, "amounts"), str(category)), types=money)))
        return Formula(kind=kind, fact=ref, amounts=tuple(amounts))
    if kind == "threshold_tiers":
        base, spec = ctx.fact(reader.required(item, "base", path), join(path, "base"))
        if spec.type not in NUMERIC_FACT_TYPES:
            raise reader.fail(join(path, "base"), f"{base.label} is not a number")
        tiers_raw = reader.required(item, "tiers", path)
        if not isinstance(tiers_raw, list) or not tiers_raw:
            raise reader.fail(join(path, "tiers"), "must be a non-empty list")
        tiers: list[Tier] = []
        for i, tier in enumerate(tiers_raw):
            tpath = f"{path}.tiers[{i}]"
            tier_map = reader.mapping(tier, tpath)
            reader.only(tier_map, tpath, {"from", "amount"})
            start_types = ("integer",) if spec.type == "integer" else ("money", "amount")
            start = ctx.parameter(
                reader.required(tier_map, "from", tpath),
                join(tpath, "from"),
                types=start_types,
                unit=fact_unit(spec),
            )
            amount = ctx.parameter(reader.required(tier_map, "amount", tpath), join(tpath, "amount"), types=money)
            tiers.append(Tier(start=start, amount=amount))
        return Formula(kind=kind, base=base, tiers=tuple(tiers))
    # fact_value
    ref, spec = ctx.fact(reader.required(item, "fact", path), join(path, "fact"))
    if spec.type != "money":
        raise reader.fail(join(path, "fact"), f"{ref.label} is not an amount of money")
    return Formula(kind=kind, fact=ref)


def _load_rules(
    reader: _Reader,
    articles: dict[str, Article],
    facts: dict[str, FactSpec],
    lists: dict[str, ListSpec],
    parameters: dict[str, Parameter],
    funds: dict[str, Text],
) -> tuple[Rule, ...]:
    data = reader.load()
    reader.only(data, "", {"rules"})
    raw = reader.required(data, "rules", "")
    if not isinstance(raw, list) or not raw:
        raise reader.fail("rules", "must be a non-empty list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, value in enumerate(raw):
        path = f"rules[{i}]"
        item = reader.mapping(value, path)
        reader.only(
            item,
            path,
            {"id", "article", "title", "kind", "basis", "fund", "for_each", "when", "amount", "minimum"},
        )
        rule_id = reader.string(reader.required(item, "id", path), join(path, "id"))
        if rule_id in seen:
            raise reader.fail(join(path, "id"), f"duplicate rule id {rule_id}")
        seen.add(rule_id)
        article = reader.string(reader.required(item, "article", path), join(path, "article"))
        if article not in articles:
            raise reader.fail(join(path, "article"), f"unknown article {article}")
        fund = reader.string(reader.required(item, "fund", path), join(path, "fund"))
        if fund not in funds:
            raise reader.fail(join(path, "fund"), f"unknown fund {fund}; funds are declared in package.yaml")
        for_each = ""
        if "for_each" in item:
            for_each = reader.string(item["for_each"], join(path, "for_each"))
            if for_each not in lists:
                raise reader.fail(join(path, "for_each"), f"unknown list {for_each}")
        basis = reader.string(reader.required(item, "basis", path), join(path, "basis"), choices=BASES)
        ctx = _RuleContext(reader, facts, lists, parameters, for_each)
        when = item.get("when", [])
        if not isinstance(when, list):
            raise reader.fail(join(path, "when"), "must be a list of conditions")
        conditions = tuple(_condition(ctx, c, f"{path}.when[{j}]") for j, c in enumerate(when))
        amount = _formula(ctx, reader.required(item, "amount", path), join(path, "amount"))
        minimum = _formula(ctx, item["minimum"], join(path, "minimum")) if "minimum" in item else None
        if basis in ("floor", "range") and minimum is None:
            raise reader.fail(join(path, "minimum"), f"a rule with basis {basis} needs a minimum")
        if basis not in ("floor", "range") and minimum is not None:
            raise reader.fail(join(path, "minimum"), f"only floor and range bases take a minimum, not {basis}")
        rules.append(
            Rule(
                id=rule_id,
                article=article,
                title=reader.text(reader.required(item, "title", path), join(path, "title")),
                kind=reader.string(reader.required(item, "kind", path), join(path, "kind"), choices=RULE_KINDS),
                basis=basis,
                fund=fund,
                conditions=conditions,
                amount=amount,
                minimum=minimum,
                for_each=for_each,
            )
        )
    return tuple(rules)
