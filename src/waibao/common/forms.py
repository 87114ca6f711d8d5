"""Form helpers: put a service's DomainError onto the form field it names; the money input every form uses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import django.forms
from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from waibao.common.errors import DomainError
from waibao.common.money import MoneyError, parse_money


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class MoneyFormField(forms.CharField):
    """An amount typed by a person, read by `common.money.parse_money` (the rules every input path shares).

    A text input (not type=number) so that `1,234,567.89` may be typed and nothing is rounded by the browser.
    """

    def __init__(
        self,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
        min_value: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        self.allow_negative = allow_negative
        self.allow_zero = allow_zero
        self.min_value = min_value
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value, allow_negative=self.allow_negative, allow_zero=self.allow_zero)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc.message), code="invalid") from exc
        if self.min_value is not None and amount < self.min_value:
            raise forms.ValidationError(
                _("Ensure this value is greater than or equal to %(limit_value)s."),
                code="min_value",
                params={"limit_value": self.min_value},
            )
        return amount

    def prepare_value(self, value: Any) -> Any:
        return value


class CleanTextMixin:
    """Every text field of the form refuses control characters (`common.text`): one-line inputs refuse
    line breaks too; textareas keep them. Password fields are left alone (any character may be in a password)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from waibao.common.text import validate_multiline, validate_single_line

        fields: dict[str, forms.Field] = getattr(self, "fields", {})
        for field in fields.values():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(validate_multiline if multiline else validate_single_line)


class CleanTextForm(CleanTextMixin, forms.Form):
    """A plain form whose text fields refuse control characters."""


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with `form_templates/` looked at first: its select.html writes each option in
    place instead of including two templates per option, which made a filter form's drop-downs of a few dozen
    choices the costliest part of a list page."""

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(__file__).resolve().parent / "form_templates",
                    Path(django.forms.__file__).resolve().parent / "templates",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )


class PlainSelect(forms.Select):
    """A drop-down of flat choices written in Python: the same elements as Django's select template, without
    rendering a template (and its attributes' template) for the select and a loop of templates for its options,
    which made the filter form the costliest part of the board and the list."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, mark_safe(" selected") if str(code) in chosen else "", text) for code, text in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
