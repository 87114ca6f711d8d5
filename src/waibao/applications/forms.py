"""Forms of the application pages; the facts form is built from the rule's declared facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.applications.models import WAITING_STATUSES, ApplicationStatus, EvidenceKind, RuleRouting
from waibao.applications.policy import RuleForm
from waibao.applications.services import COMMITMENT_TEXT, HIRE_RULES, PERSON_LISTS, Person, Upload
from waibao.applications.verification import VERIFIABLE_FACTS
from waibao.common.forms import CleanTextForm, CleanTextMixin, MoneyFormField
from waibao.common.i18n import localized
from waibao.common.personal_id import IdType
from waibao.common.request_keys import TOKEN_MAX_LENGTH
from waibao.governance.models import Department
from waibao.ledger.forms import PaymentRecordFields
from waibao.policy.engine.model import FactSpec

FACT_PREFIX = "fact__"
ITEM_PREFIX = "item__"
EVIDENCE_PREFIX = "evidence_"
EXPLAIN_PREFIX = "explain__"


class RuleChoiceForm(CleanTextForm):
    rule = forms.ChoiceField(label=_("Rule"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args: Any, rules: list[tuple[str, str]], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule_field = self.fields["rule"]
        year_field = self.fields["year"]
        assert isinstance(rule_field, forms.ChoiceField) and isinstance(year_field, forms.ChoiceField)
        rule_field.choices = rules
        year_field.choices = [(y, str(y)) for y in years]


def _field_for(spec: FactSpec, *, required: bool) -> forms.Field:
    label = localized(spec.title.zh, spec.title.en)
    if spec.unit and spec.unit not in ("count",):
        label = f"{label} ({spec.unit})"
    field: forms.Field
    if spec.type in ("money", "amount"):
        field = MoneyFormField(
            label=label,
            required=required and not spec.nullable,
        )
    elif spec.type == "boolean":
        field = forms.BooleanField(label=label, required=False)
    elif spec.type == "integer":
        field = forms.IntegerField(label=label, min_value=0, required=required and not spec.nullable)
    else:
        field = forms.ChoiceField(label=label, choices=[(c, c) for c in spec.choices], required=required)
    return field


class ApplicationForm(CleanTextForm):
    """The facts a rule needs, evidence files, and the signed commitment."""

    def __init__(
        self,
        *args: Any,
        rule: RuleForm,
        routing: RuleRouting | None,
        with_files: bool = True,
        sources: dict[str, str] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        for spec in rule.facts:
            field = _field_for(spec, required=True)
            if sources and spec.name in sources:
                field.help_text = sources[spec.name]
            self.fields[FACT_PREFIX + spec.name] = field
            if spec.name in VERIFIABLE_FACTS:
                self.fields[EXPLAIN_PREFIX + spec.name] = forms.CharField(
                    label=_("Why you declare another figure"),
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_(
                        "Needed only if you declare a figure other than the one the registry or the approved "
                        "statistics hold; the reviewer sees both."
                    ),
                )
        for spec in rule.item_fields:
            self.fields[ITEM_PREFIX + spec.name] = _field_for(spec, required=True)
        if rule.list_name in PERSON_LISTS:
            # A natural person: structured (name, document, number), the number validated and never published.
            self.fields["trainee_name"] = forms.CharField(label=_("Trainee's name"), max_length=100)
            self.fields["trainee_id_type"] = forms.ChoiceField(
                label=_("Identity document"), choices=IdType.choices, initial=IdType.RESIDENT_ID
            )
            self.fields["trainee_id_number"] = forms.CharField(
                label=_("Identity number"),
                max_length=30,
                required=not editing,
                help_text=_(
                    "One application per trainee. The number is checked, stored protected and shown masked; "
                    "it is never published."
                )
                if not editing
                else _("Leave empty to keep the recorded number."),
            )
        elif rule.per_item and not rule.item_key_field:
            self.fields["item_key"] = forms.CharField(label=_("Item"), max_length=64)
        if rule.rule_id in HIRE_RULES:
            self.fields["hire_employer"] = forms.CharField(label=_("Hiring enterprise"), max_length=200)
            self.fields["hire_recorded_on"] = forms.DateField(
                label=_("Hired on"), widget=forms.DateInput(attrs={"type": "date"})
            )
        required = set(routing.required_evidence if routing else [])
        if with_files:
            for kind in [*sorted(required), EvidenceKind.OTHER.value]:
                self.fields[EVIDENCE_PREFIX + kind] = forms.FileField(
                    label=str(EvidenceKind(kind).label),
                    required=False,
                    help_text=_("PDF, PNG, JPEG, Excel (.xlsx) or Word (.docx); at most 10 MB.")
                    if kind == EvidenceKind.OTHER
                    else _("Required before submission."),
                )
        self.fields["commitment"] = forms.BooleanField(
            label=_("I sign the commitment"), required=False, help_text=COMMITMENT_TEXT
        )

    def facts(self) -> dict[str, Any]:
        return {
            k[len(FACT_PREFIX) :]: v
            for k, v in self.cleaned_data.items()
            if k.startswith(FACT_PREFIX) and v is not None
        }

    def item(self) -> dict[str, Any]:
        return {k[len(ITEM_PREFIX) :]: v for k, v in self.cleaned_data.items() if k.startswith(ITEM_PREFIX)}

    def explanations(self) -> dict[str, str]:
        return {
            k[len(EXPLAIN_PREFIX) :]: v
            for k, v in self.cleaned_data.items()
            if k.startswith(EXPLAIN_PREFIX) and v and v.strip()
        }

    def person(self) -> Person | None:
        """The trainee as entered (None for a rule that is not per person)."""
        if "trainee_name" not in self.cleaned_data:
            return None
        return Person(
            name=self.cleaned_data["trainee_name"],
            id_type=self.cleaned_data["trainee_id_type"],
            id_number=self.cleaned_data.get("trainee_id_number") or "",
        )

    def uploads(self) -> list[Upload]:
        out: list[Upload] = []
        for name, value in self.cleaned_data.items():
            if name.startswith(EVIDENCE_PREFIX) and value:
                out.append(Upload(kind=name[len(EVIDENCE_PREFIX) :], stream=value, name=value.name))
        return out

    @staticmethod
    def initial_from(
        facts: dict[str, Any], item: dict[str, Any], explanations: dict[str, str] | None = None
    ) -> dict[str, Any]:
        initial = {FACT_PREFIX + k: v for k, v in facts.items()}
        initial.update({EXPLAIN_PREFIX + k: v for k, v in (explanations or {}).items()})
        initial.update({ITEM_PREFIX + k: v for k, v in item.items()})
        return initial


class EvidenceForm(CleanTextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, PNG, JPEG, Excel (.xlsx) or Word (.docx); at most 10 MB.")
    )


class ReasonForm(CleanTextForm):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevealForm(CleanTextForm):
    reason = forms.CharField(label=_("Why you need the whole number"), max_length=500)


class RecommendForm(CleanTextForm):
    amount = MoneyFormField(label=_("Recommended amount (CNY)"), min_value=Decimal("0.01"))
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(CleanTextMixin, PaymentRecordFields):
    amount = MoneyFormField(label=_("Amount paid (CNY)"), min_value=Decimal("0.01"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=TOKEN_MAX_LENGTH)
    field_order = ["amount", "voucher_number", "paid_on", "payee_account", "bank_reference", "idempotency_key"]


class ObjectionForm(CleanTextForm):
    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=200,
        help_text=_("We send a code to it: the objection counts once you enter the code."),
    )
    text = forms.CharField(label=_("Objection"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    # A field people never see: a robot that fills it is refused without a captcha.
    website = forms.CharField(
        required=False, label="", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp"})
    )


class ObjectionCodeForm(CleanTextForm):
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=200)
    code = forms.CharField(
        label=_("Code from the e-mail"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


TRIAGE_DECISIONS = [
    ("admit", _("Admit: hold the application until the objection is resolved")),
    ("not_admitted", _("Do not admit (give the reason): the notice continues")),
]

RESOLVE_DECISIONS = [
    ("dismiss", _("Dismiss: the notice continues")),
    ("uphold_return", _("Uphold: back to department review")),
    ("uphold_reject", _("Uphold: reject the application")),
]


class ResolveForm(CleanTextForm):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.CharField(
        label=_("Resolution"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[*TRIAGE_DECISIONS, *RESOLVE_DECISIONS])


LIMIT_STATUSES = WAITING_STATUSES


class RoutingForm(CleanTextForm):
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.all())
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner departments"), queryset=Department.objects.all(), required=False
    )
    notice_days = forms.IntegerField(label=_("Public notice (days)"), min_value=1, max_value=365)
    is_open = forms.BooleanField(label=_("Open for applications"), required=False)
    verification_tolerance_percent = forms.DecimalField(
        label=_("Tolerance for verified facts (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        required=False,
        help_text=_("A declared figure further than this from the platform's verified figure is flagged."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for status in LIMIT_STATUSES:
            self.fields[f"limit_{status}"] = forms.IntegerField(
                label=_("Time limit: %(step)s (days)") % {"step": ApplicationStatus(status).label},
                min_value=1,
                max_value=365,
                required=False,
            )

    def time_limits(self) -> dict[str, int]:
        return {
            status: self.cleaned_data[f"limit_{status}"]
            for status in LIMIT_STATUSES
            if self.cleaned_data.get(f"limit_{status}")
        }
