"""Forms of the pipeline: a new project, a move, the next action, a document, an event, the filters."""

from __future__ import annotations

import functools

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role, User
from waibao.common import public_cache
from waibao.common.forms import CleanTextForm, MoneyFormField, PlainSelect, PreparedChoices
from waibao.common.i18n import localized
from waibao.governance.models import Department
from waibao.governance.selectors import DUTIES_AREA, read_department_choices
from waibao.promotion.models import EventKind, ProjectType, PromotionEvent, Stage
from waibao.registry.models import Zone


def _departments() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.filter(is_active=True).order_by("section")
    )


def _pipeline_choices() -> list[tuple[str, str]]:
    from waibao.common.i18n import localized
    from waibao.promotion.rules import counting_rules

    return [(p.code, localized(p.name_zh, p.name_en)) for p in counting_rules().pipelines]


class ProjectForm(CleanTextForm):
    pipeline = forms.ChoiceField(
        label=_("Pipeline"), choices=_pipeline_choices, required=False, help_text=_("The first pipeline if left empty.")
    )
    title = forms.CharField(label=_("Project"), max_length=200)
    investor_name = forms.CharField(label=_("Investor"), max_length=200)
    investor_country = forms.CharField(
        label=_("Investor's country or region"), max_length=2, help_text=_("Two-letter code, e.g. US, JP, DE, HK.")
    )
    parent_group = forms.CharField(label=_("Parent group"), max_length=200, required=False)
    project_type = forms.ChoiceField(label=_("Type"), choices=ProjectType.choices)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD", help_text=_("e.g. USD, JPY, EUR, CNY.")
    )
    amount = MoneyFormField(label=_("Intended investment"))
    base_amount = MoneyFormField(
        label=_("Capital before the increase"),
        required=False,
        help_text=_("Only for a capital increase: only the increase is counted."),
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.filter(is_active=True))
    department = _departments()
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none(), required=False)
    event = forms.ModelChoiceField(label=_("From event"), queryset=PromotionEvent.objects.all(), required=False)
    on = forms.DateField(
        label=_("Lead since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the lead came in (today if left empty)."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=[Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER]
        ).order_by("username")


class MoveForm(CleanTextForm):
    action = forms.CharField(max_length=16)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    credit_code = forms.CharField(label=_("Credit code of the registered enterprise"), max_length=18, required=False)


class NextActionForm(CleanTextForm):
    text = forms.CharField(label=_("Next action"), max_length=300)
    working_days = forms.IntegerField(label=_("Deadline in working days"), min_value=1, max_value=365, initial=5)


class DocumentForm(CleanTextForm):
    title = forms.CharField(label=_("Document"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class EventForm(CleanTextForm):
    name = forms.CharField(label=_("Event"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    department = forms.ModelChoiceField(
        label=_("Organised by"), queryset=Department.objects.filter(is_active=True).order_by("section")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


def _place_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) of the active departments and of the active zones in the reader's language, as one entry of the
    public cache (one read a request instead of two) with the versions of both areas: the governance data set marks
    departments changed, the registry's data set and zone service zones."""
    return public_cache.cached(
        "promotion-place-choices",
        areas=(DUTIES_AREA, public_cache.REGISTRY),
        compute=lambda: (
            read_department_choices(),
            [
                (code, localized(zh, en))
                for code, zh, en in Zone.objects.filter(is_active=True).values_list("code", "name_zh", "name_en")
            ],
        ),
    )


class FilterForm(forms.Form):
    """The board's and the list's filters; the departments' and zones' choices from the public cache (two queries
    every request paid)."""

    pipeline = forms.ChoiceField(label=_("Pipeline"), required=False, widget=PlainSelect)
    department = forms.ChoiceField(label=_("Department"), required=False, widget=PlainSelect)
    zone = forms.ChoiceField(label=_("Zone"), required=False, widget=PlainSelect)
    project_type = forms.ChoiceField(label=_("Type"), required=False, widget=PlainSelect)
    stage = forms.ChoiceField(label=_("Stage"), required=False, widget=PlainSelect)
    overdue_only = forms.BooleanField(label=_("Overdue next actions only"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        language = translation.get_language()
        everything, project_types, stages = _fixed_choices(language)
        for name, text in _field_labels(language).items():
            self.fields[name].label = text
        fields = self.fields
        fields["pipeline"].choices = PreparedChoices(everything + _pipeline_choices())  # type: ignore[attr-defined]
        departments, zones = _place_choices()
        fields["department"].choices = PreparedChoices(everything + departments)  # type: ignore[attr-defined]
        fields["zone"].choices = PreparedChoices(everything + zones)  # type: ignore[attr-defined]
        fields["project_type"].choices = PreparedChoices(project_types)  # type: ignore[attr-defined]
        fields["stage"].choices = PreparedChoices(stages)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=8)
def _field_labels(language: str | None) -> dict[str, str]:
    """The filters' labels in `language`, translated once (the filters write every label on every request)."""
    with translation.override(language):
        return {name: str(field.label) for name, field in FilterForm.base_fields.items()}


@functools.lru_cache(maxsize=8)
def _fixed_choices(
    language: str | None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """ "All", and "All" with the project types and with the stages, translated once per language (a process's
    catalogues do not change): the filters write every label of the choices on every request."""
    with translation.override(language):
        everything = [("", str(_("All")))]
        return (
            everything,
            everything + [(value, str(text)) for value, text in ProjectType.choices],
            everything + [(value, str(text)) for value, text in Stage.choices],
        )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
