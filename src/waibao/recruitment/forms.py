"""Forms of the recruitment site: search, a posting, the job seeker's registration and profile, a hire."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from waibao.common import public_cache
from waibao.common.forms import CleanTextForm, MoneyFormField, PlainSelect, PreparedChoices
from waibao.common.i18n import localized
from waibao.common.personal_id import IdType
from waibao.recruitment.models import HireProofKind, WorkLanguage
from waibao.recruitment.selectors import SALARY_BANDS
from waibao.registry.models import ServiceCategory, Zone


def _category_choices(*, top_levels: bool) -> list[tuple[str, str]]:
    rows = ServiceCategory.objects.order_by("sort_order", "code").values_list("code", "parent_id", "name_zh", "name_en")
    choices: list[tuple[str, str]] = []
    for code, parent_id, name_zh, name_en in rows:
        name = localized(name_zh, name_en)
        if parent_id is None:
            if top_levels:
                choices.append((code, name))
        else:
            choices.append((code, f"— {name}" if top_levels else name))
    return choices


def _zone_choices() -> list[tuple[str, str]]:
    zones = Zone.objects.filter(is_active=True).order_by("sort_order").values_list("code", "name_zh", "name_en")
    return [(code, localized(name_zh, name_en)) for code, name_zh, name_en in zones]


def _search_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The search's categories (top levels with their children) and active zones in the reader's language, from the
    public cache with the registry's version: the registry's data set and zone service, the only writers of both,
    mark it changed (two queries a signed-in reader's board paid on every request)."""
    return public_cache.cached(
        "recruitment-search-choices",
        areas=(public_cache.REGISTRY,),
        compute=lambda: (_category_choices(top_levels=True), _zone_choices()),
    )


@functools.lru_cache(maxsize=16)
def _fixed_search_choices(language: str | None) -> tuple[tuple[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """The search's "Any", working languages and salary bands in `language` (the active one): the labels translated
    once per process and language (a translation never changes while a process runs)."""
    anything = ("", str(_("Any")))
    return (
        anything,
        [anything, *((code, str(name)) for code, name in WorkLanguage.choices)],
        [anything, *((band.code, str(band.label)) for band in SALARY_BANDS)],
    )


class SearchForm(CleanTextForm):
    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Service category"), required=False, widget=PlainSelect)
    zone = forms.ChoiceField(label=_("Zone"), required=False, widget=PlainSelect)
    language = forms.ChoiceField(label=_("Working language"), required=False, widget=PlainSelect)
    salary = forms.ChoiceField(label=_("Monthly salary"), required=False, widget=PlainSelect)
    closed = forms.BooleanField(label=_("Include closed postings"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything, work_languages, salaries = _fixed_search_choices(get_language())
        categories, zones = _search_choices()
        self.fields["category"].choices = PreparedChoices([anything, *categories])  # type: ignore[attr-defined]
        self.fields["zone"].choices = PreparedChoices([anything, *zones])  # type: ignore[attr-defined]
        self.fields["language"].choices = PreparedChoices(work_languages)  # type: ignore[attr-defined]
        self.fields["salary"].choices = PreparedChoices(salaries)  # type: ignore[attr-defined]


class PostingForm(CleanTextForm):
    title = forms.CharField(label=_("Job title"), max_length=120)
    category = forms.ChoiceField(label=_("Service category"))
    zone = forms.ChoiceField(
        label=_("Zone"), required=False, help_text=_("Where the job is; left empty, your enterprise's zone.")
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"), choices=WorkLanguage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    salary_min_cny = MoneyFormField(label=_("Monthly salary from (CNY)"), required=False, allow_zero=False)
    salary_max_cny = MoneyFormField(label=_("Monthly salary up to (CNY)"), required=False, allow_zero=False)
    openings = forms.IntegerField(label=_("Openings"), min_value=1, max_value=999, initial=1)
    closing_date = forms.DateField(label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("Description"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The work, what the job asks for, what the enterprise offers."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", ""), *_category_choices(top_levels=False)]  # type: ignore[attr-defined]
        self.fields["zone"].choices = [("", ""), *_zone_choices()]  # type: ignore[attr-defined]

    def clean_category(self) -> ServiceCategory:
        category = ServiceCategory.objects.filter(code=self.cleaned_data["category"]).first()
        if category is None:
            raise forms.ValidationError(_("Choose a service category."))
        return category

    def clean_zone(self) -> Zone | None:
        code = self.cleaned_data.get("zone") or ""
        return Zone.objects.filter(code=code).first() if code else None


class ReasonForm(CleanTextForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SeekerRegistrationForm(CleanTextForm):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only.")},
    )
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)
    # A field people do not see: robots fill it in.
    website = forms.CharField(
        required=False, label="", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ProfileForm(CleanTextForm):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    education = forms.CharField(
        label=_("Education"), max_length=200, required=False, help_text=_("School or university, and subject.")
    )
    graduation_year = forms.IntegerField(label=_("Year of graduation"), required=False, min_value=1950, max_value=2100)
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=WorkLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("About me"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices, required=False)
    id_number = forms.CharField(
        label=_("Identity number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Only if you were trained with a city subsidy: once an enterprise records your hire, the rest of your "
            "training fee is refunded (HZ-17b). Stored encrypted and shown masked; enterprises and the public "
            "never see it. Leave empty to keep the number already given."
        ),
    )


class CvForm(forms.Form):
    cv = forms.FileField(label=_("CV"), help_text=_("PDF, Word (.docx) or an image, up to 10 MB."))


class ApplyForm(CleanTextForm):
    letter = forms.CharField(
        label=_("Covering letter (optional)"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class HireForm(forms.Form):
    contract_date = forms.DateField(label=_("Contract date"), widget=forms.DateInput(attrs={"type": "date"}))
    proof_kind = forms.ChoiceField(label=_("Proof of hire"), choices=HireProofKind.choices)
    proof = forms.FileField(
        label=_("Proof file"), help_text=_("The labour contract or the social-insurance record (PDF or image).")
    )
