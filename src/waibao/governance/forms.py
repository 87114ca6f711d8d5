"""Forms for duties: filters of the matrix, a coordinator's report, the office's decision and assignment."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from waibao.accounts.models import Role, User
from waibao.common.forms import PreparedChoices
from waibao.governance.indicators import INDICATORS
from waibao.governance.models import Department, DutySource, DutyStatus, ReportKind
from waibao.governance.selectors import department_choices


@functools.lru_cache(maxsize=16)
def _fixed_filter_choices(language: str | None) -> tuple[tuple[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """The filters' "All", statuses and sources in `language` (the active one): the labels translated once per
    process and language (a translation never changes while a process runs)."""
    everything = ("", str(_("All")))
    return (
        everything,
        [everything, *((str(value), str(label)) for value, label in DutyStatus.choices)],
        [everything, *((str(value), str(label)) for value, label in DutySource.choices)],
    )


class DutyFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    key_only = forms.BooleanField(label=_("Key duties only"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything, statuses, sources = _fixed_filter_choices(get_language())
        self.fields["department"].choices = PreparedChoices([everything, *department_choices()])  # type: ignore[attr-defined]
        self.fields["status"].choices = PreparedChoices(statuses)  # type: ignore[attr-defined]
        self.fields["source"].choices = PreparedChoices(sources)  # type: ignore[attr-defined]


class DutyReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    percent = forms.IntegerField(
        label=_("Per cent done"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Only where a number means something."),
    )
    rules_title = forms.CharField(label=_("Implementing rules issued (title)"), max_length=200, required=False)
    rules_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    rules_date = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File"), required=False)


class DutyDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept as done")), ("0", _("Return"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(
        label=_("Reason (when returning)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DutyAssignForm(forms.Form):
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    after_working_days = forms.IntegerField(
        label=_("Or: working days after an event"), min_value=1, max_value=365, required=False
    )
    event_name = forms.CharField(label=_("Event"), max_length=200, required=False)
    event_date = forms.DateField(label=_("Event date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    indicator = forms.ChoiceField(label=_("Live indicator"), required=False)

    def __init__(self, *args: object, department_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["responsible"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role=Role.DEPARTMENT_REVIEWER, department_id__in=department_ids
        ).order_by("username")
        self.fields["indicator"].choices = [("", _("No live indicator"))] + [  # type: ignore[attr-defined]
            (code, ind.title) for code, ind in INDICATORS.items()
        ]


class MeetingForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=32, help_text=_("e.g. 2026-3"))
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    duration = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=600, initial=120)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    presenter = forms.ModelChoiceField(
        label=_("Presented by"), queryset=Department.objects.filter(is_active=True), required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240, initial=15)
    duty: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Linked duty"), queryset=Department.objects.none(), required=False
    )
    link = forms.CharField(
        label=_("Linked page"),
        max_length=300,
        required=False,
        help_text=_("e.g. /applications/12/ or /statistics/goal/"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from waibao.governance.models import Duty

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["duty"].queryset = Duty.objects.order_by("department__section", "number")  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}), max_length=50000)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = forms.ModelChoiceField(label=_("Owner department"), queryset=Department.objects.filter(is_active=True))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class MemberReplaceForm(forms.Form):
    person = forms.CharField(label=_("New member"), max_length=100)
    title = forms.CharField(label=_("Position"), max_length=100, required=False)
    on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
