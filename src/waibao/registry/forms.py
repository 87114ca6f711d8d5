"""Registry forms: the enterprise profile, status actions, import upload, zones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.common.forms import CleanTextForm, CleanTextMixin
from waibao.registry.credit_code import check_credit_code
from waibao.registry.models import Enterprise, InfrastructureItem, ServiceCategory, Zone, ZoneKind
from waibao.registry.services import PROFILE_FIELDS, STAFF_FIELDS
from waibao.registry.validation import credit_code_messages


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        prefix = "— " if obj.parent_id else ""
        return f"{prefix}{obj.name}"


class EnterpriseForm(CleanTextMixin, forms.ModelForm):
    categories = CategoryChoiceField(
        label=_("Service categories"),
        queryset=ServiceCategory.objects.order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Enterprise
        fields = list(STAFF_FIELDS)
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            for name in set(STAFF_FIELDS) - set(PROFILE_FIELDS):
                del self.fields[name]
        code_field = self.fields.get("credit_code")
        if isinstance(code_field, forms.CharField):
            code_field.max_length = 40  # spaces and dashes are allowed on input; the service normalises
            code_field.widget.attrs["maxlength"] = 40
        if self.instance.pk:
            self.initial["categories"] = list(self.instance.categories.values_list("pk", flat=True))

    def clean_credit_code(self) -> str:
        check = check_credit_code(self.cleaned_data["credit_code"])
        if not check.valid:
            raise forms.ValidationError(credit_code_messages(check))
        return check.code

    def clean_registered_capital_cny(self) -> Any:
        value = self.cleaned_data["registered_capital_cny"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The amount may not be negative."))
        return value

    def changed_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "categories"}


class TransitionForm(CleanTextForm):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_org_code_warning = forms.BooleanField(
        label=_("I checked the business licence: verify despite the organisation-code warning"),
        required=False,
    )


class ImportForm(CleanTextForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload


class ZoneForm(CleanTextMixin, forms.ModelForm):
    focus_categories = CategoryChoiceField(
        label=_("Focus categories"),
        queryset=ServiceCategory.objects.order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    infrastructure = forms.MultipleChoiceField(
        label=_("Infrastructure in place (HZ-6)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Zone
        fields = [
            "code",
            "name_zh",
            "name_en",
            "kind",
            "focus_zh",
            "focus_en",
            "citation",
            "is_active",
            "sort_order",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        infrastructure = self.fields["infrastructure"]
        assert isinstance(kind, forms.ChoiceField) and isinstance(infrastructure, forms.ChoiceField)
        kind.choices = ZoneKind.choices
        infrastructure.choices = [(i.code, i.name) for i in InfrastructureItem.objects.all()]
        if self.instance.pk:
            self.initial["focus_categories"] = list(self.instance.focus_categories.values_list("pk", flat=True))
            self.initial["infrastructure"] = list(
                self.instance.infrastructure.filter(available=True).values_list("item_id", flat=True)
            )
