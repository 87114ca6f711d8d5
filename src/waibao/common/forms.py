"""Form helpers: put a service's DomainError onto the form field it names."""

from __future__ import annotations

from django import forms

from waibao.common.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


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
