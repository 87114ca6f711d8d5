"""Form helpers: put a service's DomainError onto the form field it names; the money input every form uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

import django.forms
from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
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


def _text(value: Any) -> str:
    """`{{ value }}` in a template: localised, then escaped unless already safe."""
    return str(conditional_escape(localize(value)))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` in a template: the value as text, escaped unless already safe."""
    return str(conditional_escape(value if isinstance(value, SafeData) else str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's `django/forms/widgets/attrs.html`: False leaves the attribute out, True writes its name only."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None  # an option of its own template: the template renders the whole select
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _included_input_option(option: dict[str, Any]) -> str:
    """`input_option.html` as another template includes it: the included templates' final line breaks kept."""
    if not option["wrap_label"]:
        return f"{_input(option)}\n\n"
    target = option["attrs"].get("id")
    target_attr = f' for="{_text(target)}"' if target else ""
    return f"<label{target_attr}>{_input(option)}\n {_text(option['label'])}</label>\n"


def _input_option(option: dict[str, Any]) -> str:
    return _included_input_option(option).strip()


def _multiple_input(widget: dict[str, Any]) -> str | None:
    """Check boxes and radio buttons: Django's `multiple_input.html` with its options' `input_option.html`."""
    target, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    id_attr = f' id="{_text(target)}"' if target else ""
    class_attr = f' class="{_text(css)}"' if css else ""
    parts = [f"<div{id_attr}{class_attr}>"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{_text(group_name)}</label>")
        for option in options:
            if option["template_name"] not in _INPUT_OPTION_TEMPLATES:
                return None
            written = _included_input_option(option)
            if option["template_name"] != _INPUT_OPTION:  # checkbox_option.html and radio_option.html include it
                written += "\n"
            parts.append(f"<div>\n    {written}</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
_INPUT_OPTION = "django/forms/widgets/input_option.html"
_INPUT_OPTION_TEMPLATES = {
    _INPUT_OPTION,
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio_option.html",
}
_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
        "color", "checkbox", "file",
    )
}  # fmt: skip
_WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUT_TEMPLATES, _input),
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    _OPTION_TEMPLATE: _option,
    **dict.fromkeys(
        [f"django/forms/widgets/{name}.html" for name in ("multiple_input", "checkbox_select", "radio")],
        _multiple_input,
    ),
    **dict.fromkeys(_INPUT_OPTION_TEMPLATES, _input_option),
}


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with the common widgets (inputs, text areas, drop-downs, check boxes, radio buttons)
    written in Python.

    Django renders each widget through a template that includes an attributes template, and a drop-down through a
    template per option: on a list page, a filter form's widgets cost more than the list. The writers above give
    the same output as Django's templates, byte for byte (tests/common/test_forms.py compares them); any other
    template, or a select whose options use their own template, is rendered by the templates as usual, with
    `form_templates/` looked at first."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        writer = _WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            written = writer(context["widget"])
            if written is not None:
                return written
        return super().render(template_name, context, request)

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


# Text escaped exactly as Django's `escape` (the standard library's `html.escape`) escapes it, in one pass:
# `html.escape` replaces each of the five characters in turn, and the tags that write tables escape hundreds.
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape_html(text: str) -> str:
    """`html.escape(text)` in one call: for the tags that write many cells at once (the result is not marked safe)."""
    return text.translate(_HTML_ESCAPES)


def option_tags(choices: Any, selected: Any) -> str:
    """The `<option>`s of flat (value, label) choices with the one equal to `selected` marked, escaped as Django's
    `escape` does: for the lists' filters that tags write at once (ledger, statistics, registry, promotion, careers).

    Choices of plain text and numbers are written once per process (`_written_options`: the same zones, categories
    and statuses on every visit) and the selected one marked in the written text; any other choices (lazy labels,
    a model's values, whose text may change) are written every time."""
    chosen = "" if selected is None else str(selected)
    items = tuple(choices)
    # Checked in C (no Python call per option): tuples of two, each plain text or a number.
    pairs = set(map(type, items)) == {tuple} and set(map(len, items)) == {2}
    if pairs and set(map(type, chain.from_iterable(items))) <= _PLAIN_CHOICE_TYPES:
        mark = f'<option value="{escape_html(chosen)}">'
        return _written_options(items).replace(mark, f"{mark[:-1]} selected>")
    return _option_tags(items, chosen)


_PLAIN_CHOICE_TYPES = {str, int}
_WRITTEN_OPTIONS: dict[tuple[tuple[Any, Any], ...], str] = {}


def _option_tags(items: tuple[tuple[Any, Any], ...], chosen: str | None) -> str:
    return "".join(
        f'<option value="{escape_html(str(value))}"{" selected" if str(value) == chosen else ""}>'
        f"{escape_html(str(text))}</option>"
        for value, text in items
    )


def _written_options(items: tuple[tuple[Any, Any], ...]) -> str:
    """The options of plain choices, none selected, remembered by the choices themselves (their values and labels
    are the key: a renamed zone or another language is another entry, never a stale one)."""
    written = _WRITTEN_OPTIONS.get(items)
    if written is None:
        if len(_WRITTEN_OPTIONS) >= 256:  # bounded: a few filters in two languages, and their data's versions
            _WRITTEN_OPTIONS.clear()
        written = _WRITTEN_OPTIONS[items] = _option_tags(items, None)
    return written


class PreparedChoices(BaseChoiceIterator):
    """Choices already as Django keeps them, (value, label) pairs with labels as text: a field given these takes
    them as they are (a plain list is normalised again for the field and for its widget on every request)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)
