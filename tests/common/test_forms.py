"""The form renderer writes the common widgets in Python: the same output as Django's templates, byte for byte."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from waibao.common.forms import FormRenderer


class TemplatesOnly(FormRenderer):
    """The same renderer with every widget rendered by its template, as Django does."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        return super(FormRenderer, self).render(template_name, context, request)


GROUPED = [
    ("", "—"),
    ("Zones", [("1", "Binjiang <east>"), ("2", mark_safe("<b>safe</b>"))]),
    (gettext_lazy("Departments"), [(3, gettext_lazy("Zones")), (Decimal("4.50"), 'a "quoted" & label')]),
    (2026, 2026),
]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'say "hi" <now>', "autofocus": True}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"disabled": False, "step": 1}))
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "inputmode": "search"}))
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False, widget=forms.FileInput)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=[("a", "A & a"), ("b", "B"), ("c", mark_safe("<i>C</i>"))])
    boxes = forms.MultipleChoiceField(choices=GROUPED[1:], widget=forms.CheckboxSelectMultiple(attrs={"class": "x"}))
    radio = forms.ChoiceField(choices=[("1", "One <1>"), ("2", "Two")], widget=forms.RadioSelect)
    year = forms.TypedChoiceField(choices=[(y, y) for y in (2024, 2025, 2026)], coerce=int)


VALUES: list[dict[str, Any]] = [
    {},
    {
        "text": '<script>alert("x")</script> & more',
        "number": 12345678,
        "email": "a@b.example",
        "password": "s3cret&<>",
        "hidden": mark_safe("<kept>"),
        "date": datetime.date(2026, 12, 3),
        "when": datetime.datetime(2026, 12, 3, 8, 30),
        "search": "",
        "agree": True,
        "note": "line one\nline <two> & three",
        "choice": "2",
        "many": ["a", "c"],
        "year": 2025,
        "boxes": ["1", "3"],
        "radio": "2",
    },
    {"agree": False, "note": "", "choice": Decimal("4.50"), "many": [], "number": Decimal("1.50"), "year": "2026"},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("initial", VALUES)
def test_every_common_widget_is_written_as_its_template_writes_it(initial: dict[str, Any], language: str) -> None:
    with override(language):
        for how in ("initial", "data"):
            fast = EveryWidget(**{how: initial}, renderer=FormRenderer())
            slow = EveryWidget(**{how: initial}, renderer=TemplatesOnly())
            if how == "data":
                fast.is_valid(), slow.is_valid()  # errors shown beside the fields do not change the widgets
            for name in fast.fields:
                assert fast[name].as_widget(attrs={"aria-describedby": "help"}) == slow[name].as_widget(
                    attrs={"aria-describedby": "help"}
                ), name
                assert str(fast[name]) == str(slow[name]), name


def test_the_writers_are_used_and_a_select_of_own_option_templates_falls_back_to_them() -> None:
    calls: list[str] = []

    class Counting(FormRenderer):
        def get_template(self, template_name: str) -> Any:
            calls.append(template_name)
            return super().get_template(template_name)

    form = EveryWidget(initial=VALUES[1], renderer=Counting())
    for field in form:
        str(field.as_widget())
    assert calls == []  # no widget of this form needed a template

    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    select = OwnOption(choices=[("a", "A")])
    html = select.render("pick", "a", renderer=Counting())
    assert "django/forms/widgets/select.html" in calls
    assert html == select.render("pick", "a", renderer=TemplatesOnly())


@pytest.mark.parametrize("template", ["checkbox_option", "radio_option", "input_option", "select_option"])
def test_an_option_rendered_on_its_own_is_written_as_its_template_writes_it(template: str) -> None:
    widget = forms.CheckboxSelectMultiple() if template != "select_option" else forms.Select()
    option = widget.create_option("pick", "v<1>", mark_safe("<b>One</b> & 1"), True, 0, attrs={"id": "id_pick_0"})
    option["template_name"] = name = f"django/forms/widgets/{template}.html"
    assert FormRenderer().render(name, {"widget": option}) == TemplatesOnly().render(name, {"widget": option})


@pytest.mark.parametrize("text", ["", "plain", "<b>&amp;</b>", "\"quoted\" and 'single'", "a&b<c>d\"e'f", "市 & <区>"])
def test_escape_html_is_html_escape_in_one_call(text: str) -> None:
    import html

    from waibao.common.forms import escape_html

    assert escape_html(text) == html.escape(text)


@pytest.mark.parametrize(
    "choices",
    [
        [("htz", "高新区"), ("xs", 'a "quoted" & <label>'), ("v<1>", "one"), ("", "empty value")],
        ((1, "one"), (2, "two"), (12, "twelve")),
        [("a", gettext_lazy("Zones")), ("b", "plain")],  # a lazy label: written every time
        [["a", "list"], ["b", "pairs"]],  # not hashable: written every time
        [("a", mark_safe("<b>safe</b>"))],  # marked safe: written every time, as before
        [("1", "one"), ("2", "two", "extra")],
        [],
    ],
)
@pytest.mark.parametrize("selected", [None, "", "xs", "v<1>", 2, "2", "12", "a", "b", "missing"])
def test_option_tags_written_once_mark_the_selected_option_as_writing_them_each_time_does(
    choices: Any, selected: Any
) -> None:
    """`option_tags` remembers the options of plain choices and marks the selected one in the remembered text: the
    same output as writing every option with its comparison, in each language, twice (remembered the second time)."""
    from waibao.common.forms import _option_tags, option_tags

    for language in ("zh-hans", "en"):
        with override(language):
            if any(len(item) != 2 for item in choices):
                with pytest.raises(ValueError):
                    option_tags(choices, selected)
                continue
            expected = _option_tags(tuple(choices), "" if selected is None else str(selected))
            assert option_tags(choices, selected) == expected
            assert option_tags(iter(choices), selected) == expected
