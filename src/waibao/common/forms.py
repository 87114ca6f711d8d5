"""Form helpers: put a service's DomainError onto the form field it names."""

from __future__ import annotations

from django import forms

from waibao.common.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
