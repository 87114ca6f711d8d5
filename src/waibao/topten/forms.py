"""Forms of the top-ten pages (input checks only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.common.forms import MoneyFormField
from waibao.topten.apps import INDICATORS
from waibao.topten.models import DecisionKind


class RunCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year ranked"), min_value=1990, max_value=2200)


class DecisionForm(forms.Form):
    enterprise = forms.IntegerField(label=_("Enterprise"), min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    indicator = forms.ChoiceField(label=_("Figure"), choices=[("", "—"), *INDICATORS.items()], required=False)
    value = forms.CharField(label=_("Adjusted value"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year reported on"), min_value=1990, max_value=2200)
    taxes_paid_cny = MoneyFormField(label=_("Taxes paid (CNY)"))
    rd_expense_cny = MoneyFormField(label=_("R&D expense (CNY)"))
    patents = forms.IntegerField(label=_("Patents granted"), min_value=0, max_value=10_000_000)
    graduate_employees = forms.IntegerField(
        label=_("Employees with a university degree"), min_value=0, max_value=10_000_000
    )


class ReportCallForm(forms.Form):
    year = forms.IntegerField(label=_("Year reported on"), min_value=1990, max_value=2200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    working_days = forms.IntegerField(
        label=_("or: working days from today"), min_value=1, max_value=250, required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("due_on") and not data.get("working_days"):
            raise forms.ValidationError(_("Give a due date or a number of working days."))
        return data


class ViolationForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    description = forms.CharField(label=_("Description"), max_length=500)
    recorded_on = forms.DateField(label=_("Recorded on"), widget=forms.DateInput(attrs={"type": "date"}))


class ViolationCloseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is closed"), max_length=500)
    closed_on = forms.DateField(label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"}))
