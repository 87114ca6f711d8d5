"""The forms of the training pages: institutions, programmes, enrolment, completion, hire, plan, bases."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.common.forms import MoneyFormField
from waibao.common.personal_id import IdType
from waibao.registry.models import Enterprise, Zone
from waibao.talent.models import HireProofKind, ProgrammeKind, ProofKind, TraineeCategory, TrainingInstitution


class TrainingInstitutionForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    approved = forms.BooleanField(label=_("Approved training institution"), required=False)


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Type of training"), choices=ProgrammeKind.choices)
    fee_cny = MoneyFormField(label=_("Fee per trainee (CNY)"))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=10000)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    employer = forms.ModelChoiceField(
        label=_("Employer (customised training)"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("Required for training customised for an enterprise."),
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Enterprise.objects.order_by("name_zh")  # type: ignore[attr-defined]
        self.fields["zone"].queryset = Zone.objects.order_by("code")  # type: ignore[attr-defined]


class EnrolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=40,
        help_text=_(
            "Checked, stored protected and shown masked; used to refuse a second subsidy for the same training."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=TraineeCategory.choices)
    graduation_date = forms.DateField(label=_("Graduation date"), required=False, widget=DateInput)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput)
    passed = forms.BooleanField(label=_("Passed"), required=False)
    certificate = forms.FileField(label=_("Certificate of completion"), required=False)
    pass_certificate = forms.FileField(label=_("Pass certificate"), required=False)


class ProofForm(forms.Form):
    """One proof of a trainee's path attached after the step was recorded."""

    kind = forms.ChoiceField(label=_("Kind of proof"), choices=ProofKind.choices)
    hire_proof_kind = forms.ChoiceField(
        label=_("Proof of hire"), choices=[("", "—"), *HireProofKind.choices], required=False
    )
    proof = forms.FileField(label=_("Proof file"))


class HireProofForm(forms.Form):
    hire_proof_kind = forms.ChoiceField(label=_("Proof of hire"), choices=HireProofKind.choices)
    proof = forms.FileField(label=_("Proof file"))


class RewardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2007, max_value=2100)
    commitment = forms.BooleanField(
        label=_("I commit that these records are true and accept the department's verification and the public notice."),
        required=False,
    )


class AttendanceForm(forms.Form):
    hours = forms.IntegerField(label=_("Hours attended"), min_value=0, max_value=10000)


class HireForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Hired by"), queryset=Enterprise.objects.none())
    contract_date = forms.DateField(label=_("Contract date"), widget=DateInput)
    proof_kind = forms.ChoiceField(label=_("Proof of hire"), choices=HireProofKind.choices)
    proof = forms.FileField(label=_("Proof file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Enterprise.objects.order_by("name_zh")  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalRequestForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    document = forms.FileField(label=_("Documents"))


class PlanTargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    kind = forms.ChoiceField(label=_("Type of training"), choices=ProgrammeKind.choices)
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.none(), required=False, help_text=_("Empty: city-wide.")
    )
    enrolled = forms.IntegerField(label=_("To enrol"), min_value=0)
    completed = forms.IntegerField(label=_("To complete"), min_value=0)
    hired = forms.IntegerField(label=_("To be hired"), min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.order_by("code")  # type: ignore[attr-defined]


class TrainingBaseForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    focus = forms.CharField(label=_("Focus"), max_length=200)
    designated_on = forms.DateField(label=_("Designated on"), widget=DateInput)
    institution = forms.ModelChoiceField(label=_("Run by"), queryset=TrainingInstitution.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["institution"].queryset = TrainingInstitution.objects.order_by("name_zh")  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Trainee list (XLSX or CSV)"))
