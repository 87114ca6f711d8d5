"""Forms of the ledger pages: payment, release, reversal, budget, statement month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.common.errors import DomainError
from waibao.common.request_keys import TOKEN_MAX_LENGTH, issue_request_key, redeem_request_key
from waibao.ledger.models import Fund

AMOUNT_MIN = Decimal("0.01")


class _KeyedForm(forms.Form):
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


class PaymentForm(_KeyedForm):
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=20, decimal_places=2, min_value=AMOUNT_MIN)


class ReleaseForm(_KeyedForm):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=20,
        decimal_places=2,
        min_value=AMOUNT_MIN,
        required=False,
        help_text=_("Leave empty to release everything still open."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class BudgetForm(_KeyedForm):
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=20, decimal_places=2, min_value=AMOUNT_MIN)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StatementForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    )
    fund = forms.ChoiceField(label=pgettext_lazy("ledger", "Fund"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fund_field = self.fields["fund"]
        assert isinstance(fund_field, forms.ChoiceField)
        fund_field.choices = [("", _("All funds"))] + [(f.code, f.name) for f in Fund.objects.all()]
