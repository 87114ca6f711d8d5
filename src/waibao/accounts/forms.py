"""Forms for signing in, enterprise self-registration and staff accounts."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role
from waibao.accounts.services import STAFF_ACCOUNT_ROLES
from waibao.common.forms import CleanTextForm
from waibao.governance.models import Department
from waibao.registry.credit_code import check_credit_code
from waibao.registry.models import Enterprise, Zone
from waibao.registry.validation import credit_code_messages
from waibao.talent.models import TrainingInstitution


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class RegistrationForm(CleanTextForm):
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, on the business licence."),
    )
    name_zh = forms.CharField(label=_("Enterprise name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Enterprise name (English)"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("Contact email"))
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only.")},
    )
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean_credit_code(self) -> str:
        check = check_credit_code(self.cleaned_data["credit_code"])
        if not check.valid:
            raise forms.ValidationError(credit_code_messages(check))
        return check.code

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class StaffUserForm(CleanTextForm):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$")
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in STAFF_ACCOUNT_ROLES])
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False)
    zone = forms.ModelChoiceField(
        label=_("Zone (only for staff who review one zone)"), queryset=Zone.objects.all(), required=False
    )
    training_institution = forms.ModelChoiceField(
        label=_("Training institution"), queryset=TrainingInstitution.objects.all(), required=False
    )
    enterprise = forms.CharField(
        label=_("Enterprise (unified social credit code)"),
        max_length=18,
        required=False,
        help_text=_("Only for an enterprise user: the enterprise must be in the registry."),
    )
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput)

    def clean_enterprise(self) -> Enterprise | None:
        code = (self.cleaned_data.get("enterprise") or "").strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise in the registry has this credit code."))
        return enterprise

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("role") == Role.ENTERPRISE and not data.get("enterprise") and "enterprise" not in self.errors:
            self.add_error("enterprise", _("An enterprise user belongs to an enterprise in the registry."))
        if data.get("role") == Role.DEPARTMENT_REVIEWER and not data.get("department"):
            self.add_error("department", _("A department reviewer belongs to a department."))
        if data.get("role") == Role.TRAINING_INSTITUTION and not data.get("training_institution"):
            self.add_error("training_institution", _("A training-institution user belongs to an institution."))
        return data


class OneTimeCodeForm(CleanTextForm):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
