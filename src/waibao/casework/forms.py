"""Forms of casework: filing (signed in or public), the contact code, tracking, actions, ratings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.casework.models import CallbackChannel, CaseType, RightType
from waibao.common.i18n import localized


class FileForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=pgettext_lazy("casework", "Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)

    def __init__(self, *args: Any, case_type: CaseType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_type = case_type
        choices = case_type.category_choices()
        if choices:
            self.fields["category"] = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *choices])
        else:
            del self.fields["category"]
        from waibao.common.labels import label

        for name in case_type.fields:
            if name == "right_type":
                self.fields[name] = forms.ChoiceField(label=_("Right type"), choices=RightType.choices)
            elif name == "scarce_talent":
                from waibao.recruitment.models import ScarceTalent

                self.fields[name] = forms.ChoiceField(
                    label=_("Scarce talent (HZ-18 catalogue)"),
                    required=False,
                    choices=[("", "—"), *((t.code, t.name) for t in ScarceTalent.objects.all())],
                    help_text=_("If the person is on the catalogue of scarce talent, choose the entry."),
                )
            else:
                self.fields[name] = forms.CharField(label=label("case_field", name), max_length=200)
        for kind in case_type.attachments:
            self.fields[f"file_{kind}"] = forms.FileField(label=label("case_field", kind))


class TypeChoiceForm(forms.Form):
    case_type = forms.ModelChoiceField(label=_("Type"), queryset=CaseType.objects.none())

    def __init__(self, *args: Any, filer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_type"]
        assert isinstance(field, forms.ModelChoiceField)
        # `filers` is a JSON list: filtered in Python so SQLite and PostgreSQL answer alike (ten types).
        field.queryset = CaseType.objects.filter(
            pk__in=[t.pk for t in CaseType.objects.filter(is_active=True) if filer in t.filers]
        )
        field.label_from_instance = lambda obj: localized(obj.name_zh, obj.name_en)  # type: ignore[method-assign]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the e-mail"), max_length=6, min_length=6)


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Check code"), max_length=6)


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Message or reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome = forms.CharField(required=False)
    department = forms.CharField(required=False)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    grade = forms.ChoiceField(label=_("How satisfied are you?"))
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, grades: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"] = forms.ChoiceField(
            label=_("How satisfied are you?"),
            choices=[(g["code"], localized(g["name_zh"], g["name_en"])) for g in grades],
        )


class SuperviseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for supervision"), widget=forms.Textarea(attrs={"rows": 2}))


class CallbackForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=CallbackChannel.choices)
    called_at = forms.DateTimeField(
        label=_("Called at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Leave empty for now."),
    )
    satisfied = forms.TypedChoiceField(
        label=_("Is the requester satisfied now?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
