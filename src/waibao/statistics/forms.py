"""Statistics forms: records, review actions, rates, parameters, indicator filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.common.forms import CleanTextForm, CleanTextMixin, MoneyFormField
from waibao.registry.models import ServiceCategory
from waibao.statistics.models import StatisticsParameters

DATE = forms.DateInput(attrs={"type": "date"})


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.top_level} · {obj.name}"


class ContractForm(CleanTextForm):
    contract_no = forms.CharField(label=_("Contract number"), max_length=64)
    client_name = forms.CharField(label=_("Client name"), max_length=200)
    client_country = forms.CharField(
        label=_("Client country or region"),
        max_length=2,
        help_text=_("ISO 3166-1 code: CN is onshore; every other code (HK, MO and TW included) is offshore."),
    )
    category = CategoryField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.filter(parent__isnull=False).order_by("sort_order", "code"),
    )
    client_industry = forms.CharField(label=_("Client industry"), max_length=100, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    amount = MoneyFormField(label=_("Amount"))
    signed_date = forms.DateField(label=_("Signing date"), widget=DATE)
    start_date = forms.DateField(label=_("Start date"), widget=DATE, required=False)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)


class ExecutionForm(CleanTextForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    amount = MoneyFormField(label=_("Amount received"))
    receipt_ref = forms.CharField(label=_("Receipt reference"), max_length=100, required=False)
    over_reason = forms.CharField(
        label=_("Reason, if the executions exceed the contract amount"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffingForm(CleanTextForm):
    period_start = forms.DateField(
        label=_("A day in the period"), widget=DATE, help_text=_("The report covers the period containing this day.")
    )
    employees = forms.IntegerField(label=_("Employees at period end"), min_value=0)
    new_employees = forms.IntegerField(label=_("New employees"), min_value=0)
    new_graduates = forms.IntegerField(label=_("Of whom university graduates"), min_value=0)


class ActionForm(CleanTextForm):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(CleanTextForm):
    currency = forms.CharField(label=_("Currency"), max_length=3)
    date = forms.DateField(label=_("From date"), widget=DATE)
    cny_per_unit = forms.DecimalField(label=_("CNY per unit"), max_digits=18, decimal_places=6, min_value=0)


class ParametersForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = StatisticsParameters
        fields = [
            "cutoff_month",
            "cutoff_day",
            "staffing_period_months",
            "goal_base_year",
            "goal_target_year",
            "goal_multiple",
            "goal_base_amount_usd",
            "revenue_measure",
            "dates_years_ahead",
            "disclosure_min_enterprises",
            "disclosure_dominance_pct",
        ]
