"""The form with which a user creates a personal API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.api.scopes import all_scopes, scope_label

EXPIRY_CHOICES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


def scope_choices() -> list[tuple[str, Any]]:
    return [(scope, scope_label(scope)) for scope in all_scopes()]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. our ERP system."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=())
    days = forms.TypedChoiceField(label=_("Expires after"), coerce=int, choices=EXPIRY_CHOICES, initial=90)

    def __init__(self, *args: Any, max_days: int = 365, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()  # type: ignore[attr-defined]
        self.fields["days"].choices = [c for c in EXPIRY_CHOICES if c[0] <= max_days]  # type: ignore[attr-defined]
