"""The office's form for one year's arrangement: one day per line, `YYYY-MM-DD name` (an English name after `|`)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from waibao.workdays.services import DayEntry


def parse_day_lines(text: str) -> list[DayEntry]:
    entries: list[DayEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        try:
            day = datetime.date.fromisoformat(head)
        except ValueError:
            raise forms.ValidationError(
                _("Line %(number)s: start with a date as YYYY-MM-DD."), params={"number": number}
            ) from None
        zh, _bar, en = rest.partition("|")
        entries.append(DayEntry(day, zh.strip(), en.strip()))
    return entries


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    document = forms.CharField(label=_("Notice (document number)"), max_length=100, required=False)
    holidays = forms.CharField(
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One day per line: 2027-01-01, then the name, an English name after |"),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Saturdays or Sundays that are worked, one per line: 2027-02-07 and a name"),
    )

    def clean_holidays(self) -> list[DayEntry]:
        return parse_day_lines(self.cleaned_data["holidays"])

    def clean_workdays(self) -> list[DayEntry]:
        return parse_day_lines(self.cleaned_data.get("workdays") or "")
