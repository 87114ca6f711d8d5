"""The applications' view of the policy engine: which facts a rule asks for, and its verdict on one application."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from waibao.common.errors import DomainError
from waibao.common.i18n import localized
from waibao.common.money import to_money
from waibao.policy.engine import FactsError, Package, default_enterprise, default_package, evaluate, rule_info
from waibao.policy.engine.model import FactSpec

# Per-item lists whose item is identified by one of its own fields; other lists need a separate identifier.
ITEM_KEY_FIELDS = {"certifications": "standard"}


@dataclass(frozen=True)
class RuleForm:
    """What the application form for one rule asks: scalar facts, and the fields of the one item if per item."""

    rule_id: str
    title: str
    article: str
    basis: str
    fund: str
    kind: str
    facts: list[FactSpec]
    list_name: str
    item_fields: list[FactSpec]

    @property
    def per_item(self) -> bool:
        return bool(self.list_name)

    @property
    def item_key_field(self) -> str:
        """The item field that identifies it (the certification standard); "" if a separate identifier is asked."""
        return ITEM_KEY_FIELDS.get(self.list_name, "")


class NotEntitledError(DomainError):
    """The engine does not yield the applied rule for these facts; `explanation` lists its trace messages."""

    def __init__(self, message: str, *, explanation: list[str]) -> None:
        super().__init__(message, code="not_entitled")
        self.explanation = explanation


@dataclass(frozen=True)
class Verdict:
    """The engine's result for the applied rule (and item), ready to store on the application."""

    package_name: str
    package_version: str
    basis: str
    fund: str
    amount: Decimal | None
    minimum: Decimal | None
    entitlement: dict[str, Any]
    result: dict[str, Any]


def package() -> Package:
    return default_package()


def rule_facts(rule_id: str) -> list[FactSpec]:
    """The declared facts of a rule; none for an award decided outside the package (HZ-24's top ten is selected
    by the office from verified figures, not applied for with declared facts)."""
    pkg = package()
    return rule_form(rule_id, pkg=pkg).facts if rule_id in pkg.rule_ids else []


def rule_title(rule_id: str) -> str:
    """The rule in words: the package's title, or for an award decided outside it, its article's title."""
    pkg = package()
    if rule_id in pkg.rule_ids:
        return rule_form(rule_id, pkg=pkg).title
    article = pkg.articles.get(rule_id)
    return localized(article.title.zh, article.title.en) if article is not None else ""


def rule_form(rule_id: str, *, pkg: Package | None = None) -> RuleForm:
    pkg = pkg or package()
    try:
        rule = pkg.rule(rule_id)
    except KeyError:
        raise DomainError(_("Unknown rule: %(rule)s") % {"rule": rule_id}, code="unknown_rule", field="rule") from None
    info = rule_info(pkg)[rule_id]
    scalars = [pkg.facts[name] for name in info.facts if "." not in name]
    list_name = rule.for_each or ""
    item_fields: list[FactSpec] = []
    if list_name:
        spec = pkg.lists[list_name]
        wanted = {name.split(".", 1)[1] for name in info.facts if name.startswith(list_name + ".")}
        item_fields = [f for n, f in spec.fields.items() if n in wanted]
    return RuleForm(
        rule_id=rule.id,
        title=localized(rule.title.zh, rule.title.en),
        article=rule.article,
        basis=rule.basis,
        fund=rule.fund,
        kind=rule.kind,
        facts=scalars,
        list_name=list_name,
        item_fields=item_fields,
    )


# Per-item lists whose items are natural persons (structured, never free text; common/personal_id.py).
PERSON_LISTS = frozenset({"trainees"})


def person_rule_ids(*, pkg: Package | None = None) -> frozenset[str]:
    """Rules applied for per person (HZ-17b…d): what is published of them is a count, never the person."""
    pkg = pkg or package()
    return frozenset(r.id for r in pkg.rules if (r.for_each or "") in PERSON_LISTS)


def cash_rule_ids(*, pkg: Package | None = None) -> list[str]:
    """Rules paid in money from a fund (a tax deduction is not applied for here)."""
    pkg = pkg or package()
    return [r.id for r in pkg.rules if r.kind == "cash"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def full_item(form: RuleForm, item: dict[str, Any], *, pkg: Package) -> dict[str, Any]:
    """The declared item fields plus neutral values for the fields this rule does not ask for."""
    spec = pkg.lists[form.list_name]
    out: dict[str, Any] = {}
    for name, field in spec.fields.items():
        if name in item:
            out[name] = _jsonable(item[name])
        elif field.nullable:
            out[name] = None
        elif field.type == "boolean":
            out[name] = False
        elif field.type in ("money", "amount"):
            out[name] = "0"
        elif field.type == "integer":
            out[name] = 0
        else:
            out[name] = field.choices[0] if field.choices else ""
    return out


def engine_input(
    form: RuleForm, *, year: int, facts: dict[str, Any], item: dict[str, Any], pkg: Package
) -> dict[str, Any]:
    """The evaluate input: each fact's default, overridden by what the applicant declared."""
    enterprise = default_enterprise(pkg)
    for name, value in facts.items():
        if name in pkg.facts:
            enterprise[name] = _jsonable(value)
    if form.list_name:
        enterprise[form.list_name] = [full_item(form, item, pkg=pkg)]
    return {"year": year, "enterprise": enterprise}


def judge(rule_id: str, *, year: int, facts: dict[str, Any], item: dict[str, Any]) -> Verdict:
    """Evaluate the declared facts and pick the applied rule's entitlement; NotEntitledError if there is none."""
    pkg = package()
    form = rule_form(rule_id, pkg=pkg)
    data = engine_input(form, year=year, facts=facts, item=item, pkg=pkg)
    try:
        result = evaluate(pkg, data)
    except FactsError as exc:
        raise DomainError(
            _("The facts are not valid: %(detail)s") % {"detail": str(exc.message)}, code="invalid_facts"
        ) from exc
    found = result.for_rule(rule_id)
    if not found:
        missing = [n for n in result.not_applicable if n.rule == rule_id]
        explanation: list[str] = []
        reason = ""
        for entry in missing:
            as_dict = entry.to_dict()
            reason = as_dict["reason"]
            explanation += [t["message"] for t in as_dict["trace"] if t.get("message")]
        raise NotEntitledError(
            _("These facts do not qualify for %(rule)s: %(reason)s") % {"rule": rule_id, "reason": reason},
            explanation=explanation,
        )
    entitlement = found[0]
    return Verdict(
        package_name=pkg.id,
        package_version=pkg.version,
        basis=entitlement.basis,
        fund=entitlement.fund,
        amount=None if entitlement.amount is None else to_money(entitlement.amount),
        minimum=None if entitlement.minimum is None else to_money(entitlement.minimum),
        entitlement=entitlement.to_dict(),
        result={"input": data, **result.to_dict()},
    )
