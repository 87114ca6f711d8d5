"""Forms of the ledger pages: payment, release, reversal, budget, statement month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.common.errors import DomainError
from waibao.common.forms import CleanTextForm, MoneyFormField
from waibao.common.request_keys import TOKEN_MAX_LENGTH, issue_request_key, redeem_request_key
from waibao.ledger.models import Fund
from waibao.ledger.services import PaymentRecord

AMOUNT_MIN = Decimal("0.01")
STATEMENT_FIRST_YEAR = 1990


class _KeyedForm(CleanTextForm):
    """Carries a request key the server issued to the user when the form was shown (`common.request_keys`), so
    submitting it twice records once and no one can choose a key that blocks another user's entry.
    `cleaned_data["idempotency_key"]` is the ledger key the token stands for."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=TOKEN_MAX_LENGTH)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", issue_request_key(user))

    def clean_idempotency_key(self) -> str:
        try:
            return redeem_request_key(self.user, self.cleaned_data["idempotency_key"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code="request_key") from None


class PaymentRecordFields(forms.Form):
    """What finance records of a payment besides its amount (every payment form has these)."""

    voucher_number = forms.CharField(label=_("Voucher number"), max_length=64)
    paid_on = forms.DateField(label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"}))
    payee_account = forms.CharField(label=_("Payee account"), max_length=64)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)

    def payment_record(self) -> PaymentRecord:
        data = self.cleaned_data
        return PaymentRecord(
            voucher_number=data["voucher_number"],
            paid_on=data["paid_on"],
            payee_account=data["payee_account"],
            bank_reference=data.get("bank_reference") or "",
        )


class PaymentForm(_KeyedForm, PaymentRecordFields):
    amount = MoneyFormField(label=_("Amount (CNY)"), min_value=AMOUNT_MIN)
    field_order = ["amount", "voucher_number", "paid_on", "payee_account", "bank_reference"]


class ReconciliationForm(forms.Form):
    """Payments by the date the bank paid them, for reconciliation with the bank statement."""

    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ReleaseForm(_KeyedForm):
    amount = MoneyFormField(
        label=_("Amount (CNY)"),
        min_value=AMOUNT_MIN,
        required=False,
        help_text=_("Leave empty to release everything still open."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class BudgetForm(_KeyedForm):
    amount = MoneyFormField(label=_("Amount (CNY)"), min_value=AMOUNT_MIN)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReverseForm(CleanTextForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StatementForm(CleanTextForm):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    )
    fund = forms.ChoiceField(label=pgettext_lazy("ledger", "Fund"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fund_field = self.fields["fund"]
        assert isinstance(fund_field, forms.ChoiceField)
        fund_field.choices = [("", _("All funds"))] + [(f.code, f.name) for f in Fund.objects.all()]

    def clean_month(self) -> Any:
        """A month from 1990 to next year: year 1 cannot be turned into a time range (it used to give a 500)."""
        month = self.cleaned_data["month"]
        last = timezone.localdate().year + 1
        if not STATEMENT_FIRST_YEAR <= month.year <= last:
            raise forms.ValidationError(
                _("Choose a month from %(first)d to %(last)d.") % {"first": STATEMENT_FIRST_YEAR, "last": last}
            )
        return month
