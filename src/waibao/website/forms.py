from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The confirmation is sent here."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=32, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the website and the policy library"), max_length=100, required=False)
