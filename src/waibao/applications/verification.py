"""The facts the platform already holds beside what the applicant declared (issue 8 §4).

For an enterprise's application each declared fact that the registry or the approved statistics also hold is
paired with the verified value, its source and date. A figure that differs by more than the rule's tolerance
(`RuleRouting.verification_tolerance_percent`, set by the programme office), or a yes/no or choice that differs,
is flagged; recommending a flagged application needs the reviewer's written reason (`services.application_recommend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.applications.models import Application, RuleRouting
from waibao.applications.policy import rule_facts
from waibao.common.i18n import localized
from waibao.registry.models import EnterpriseStatus

# Registry columns that are policy facts of the same name.
REGISTRY_FACTS = ("registered_capital_cny", "offshore_focused", "is_headquarters")
# Approved statistics that are policy facts of the same name (statistics.selectors.approved_facts).
STATISTICS_FACTS = ("software_export_usd", "contract_amount_usd", "executed_amount_usd", "executed_amount_cny")
VERIFIABLE_FACTS = frozenset({*REGISTRY_FACTS, *STATISTICS_FACTS, "moved_into_zone"})
DEFAULT_TOLERANCE_PERCENT = Decimal("5")


SOURCE_REGISTRY = "registry"
SOURCE_STATISTICS = "statistics"
CODED_FACTS = ("recognition", "moved_into_zone")


def source_label(kind: str, as_of: str) -> str:
    if kind == SOURCE_STATISTICS:
        return _("Approved statistics for %(year)s") % {"year": as_of}
    return str(_("Registry"))


def _verified_label(fact: str, value: str) -> str:
    """A coded verified value in the reader's language (a zone keeps its name: it is data)."""
    if fact == "recognition":
        return str(EnterpriseStatus(value).label) if value in EnterpriseStatus.values else value
    if fact == "moved_into_zone" and not value:
        return str(_("no zone"))
    return value


@dataclass(frozen=True)
class VerifiedFact:
    name: str
    label: str
    declared: Any
    verified: Any
    source: str
    as_of: str
    flagged: bool
    exists: bool = True  # the platform holds a figure (a zero in statistics means none is approved yet)
    explanation: str = ""  # the applicant's explanation for declaring another figure
    source_kind: str = SOURCE_REGISTRY
    verified_code: str = ""  # a code (enterprise status) or "" (no zone) to be labelled when read, never a text

    def as_record(self) -> dict[str, Any]:
        """The award record: values and codes, never translated words, so it reads in the reader's language."""
        return {
            "fact": self.name,
            "declared": "" if self.name == "recognition" else str(self.declared),
            "verified": self.verified_code if self.name in CODED_FACTS else str(self.verified),
            "source_kind": self.source_kind,
            "as_of": self.as_of,
            "flagged": self.flagged,
            "explanation": self.explanation,
        }


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def differs(declared: Any, verified: Any, *, tolerance_percent: Decimal) -> bool:
    """More than the tolerance apart (numbers: relative to the verified figure; other values: not equal)."""
    a, b = _number(declared), _number(verified)
    if a is not None and b is not None:
        return abs(a - b) > abs(b) * tolerance_percent / Decimal(100)
    return bool(declared) != bool(verified) if isinstance(verified, bool) else str(declared) != str(verified)


def tolerance_for(rule_id: str) -> Decimal:
    value = RuleRouting.objects.filter(rule_id=rule_id).values_list("verification_tolerance_percent", flat=True).first()
    return Decimal(value) if value is not None else DEFAULT_TOLERANCE_PERCENT


def verified_facts(application: Application) -> list[VerifiedFact]:
    """The declared facts the platform can check, each beside its verified value (empty for institutions)."""
    enterprise = application.enterprise
    if enterprise is None:
        return []
    declared: dict[str, Any] = application.facts.get("facts", {})
    labels = {f.name: localized(f.title.zh, f.title.en) for f in rule_facts(application.rule_id)}
    tolerance = tolerance_for(application.rule_id)
    explanations: dict[str, str] = application.facts.get("explanations", {})
    registry_date = timezone.localdate(enterprise.updated_at).isoformat() if enterprise.updated_at else ""
    out: list[VerifiedFact] = [
        VerifiedFact(
            name="recognition",
            label=_("Recognised service-outsourcing enterprise"),
            declared=_("yes (by applying)"),
            verified=enterprise.get_status_display(),
            verified_code=enterprise.status,
            source=_("Registry"),
            as_of=(
                timezone.localdate(enterprise.status_changed_at).isoformat()
                if enterprise.status_changed_at
                else registry_date
            ),
            flagged=enterprise.status != EnterpriseStatus.RECOGNISED,
        )
    ]
    for name in REGISTRY_FACTS:
        if name in declared:
            verified = getattr(enterprise, name)
            out.append(
                VerifiedFact(
                    name=name,
                    label=labels.get(name, name),
                    declared=declared[name],
                    verified=verified,
                    source=_("Registry"),
                    as_of=registry_date,
                    flagged=differs(declared[name], verified, tolerance_percent=tolerance),
                    exists=isinstance(verified, bool) or bool(verified),
                    explanation=explanations.get(name, ""),
                )
            )
    if "moved_into_zone" in declared:
        zone = enterprise.zone
        out.append(
            VerifiedFact(
                name="moved_into_zone",
                label=labels.get("moved_into_zone", "moved_into_zone"),
                declared=declared["moved_into_zone"],
                verified=zone.name if zone is not None else _("no zone"),
                verified_code=zone.name if zone is not None else "",
                source=_("Registry"),
                as_of=registry_date,
                flagged=bool(declared["moved_into_zone"]) != (zone is not None),
                explanation=explanations.get("moved_into_zone", ""),
            )
        )
    wanted = [n for n in STATISTICS_FACTS if n in declared]
    if wanted:
        from waibao.statistics.selectors import approved_facts

        approved = approved_facts(enterprise_id=enterprise.pk, year=application.year)
        for name in wanted:
            verified = approved.get(name)
            out.append(
                VerifiedFact(
                    name=name,
                    label=labels.get(name, name),
                    declared=declared[name],
                    verified=verified,
                    source=_("Approved statistics for %(year)s") % {"year": application.year},
                    source_kind=SOURCE_STATISTICS,
                    as_of=str(application.year),
                    flagged=differs(declared[name], verified, tolerance_percent=tolerance),
                    exists=bool(verified),
                    explanation=explanations.get(name, ""),
                )
            )
    return out


def unexplained(application: Application) -> list[VerifiedFact]:
    """Declared figures that differ from a figure the platform holds, without the applicant's explanation."""
    return [
        f
        for f in verified_facts(application)
        if f.flagged and f.exists and f.name in VERIFIABLE_FACTS and not f.explanation.strip()
    ]


def recorded_verification(application: Application) -> list[dict[str, Any]]:
    """The facts checked when the application was recommended (its award record), with the facts' titles."""
    labels = {f.name: localized(f.title.zh, f.title.en) for f in rule_facts(application.rule_id)}
    labels["recognition"] = _("Recognised service-outsourcing enterprise")
    rows = []
    for record in application.verification or []:
        fact = record["fact"]
        row = {**record, "label": labels.get(fact, fact)}
        if "source_kind" in record:  # labelled now, in the reader's language
            row["source"] = source_label(record["source_kind"], record.get("as_of", ""))
            row["verified"] = _verified_label(fact, str(record.get("verified", "")))
            if fact == "recognition":
                row["declared"] = str(_("yes (by applying)"))
        rows.append(row)
    return rows


def public_verification(application: Application) -> list[str]:
    """For the public notice: which figures were verified and against what (never the figures themselves)."""
    return [
        _("%(fact)s — checked against %(source)s") % {"fact": r["label"], "source": r["source"]}
        for r in recorded_verification(application)
    ]
