"""The office's form for a new training institution."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TrainingInstitutionForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    approved = forms.BooleanField(label=_("Approved training institution"), required=False)
