"""Abstract base models and the money column shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Value
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from waibao.common.money import MoneyError, from_fen, parse_money, to_fen


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


if TYPE_CHECKING:
    # Decimal in Python; None is allowed in (django-stubs does not add it for null=True on a custom field).
    _MoneyBase = models.Field[Decimal | int | str | Combinable | None, Decimal]
else:
    _MoneyBase = models.Field


class MoneyField(_MoneyBase):
    """A money column: Decimal in Python, integer fen in the database (a bigint on SQLite and PostgreSQL).

    Integers are exact on both databases, and so are their sums (SQLite sums integers in 64 bits and
    raises on overflow; PostgreSQL sums bigints as numeric): a Decimal column would be exact on PostgreSQL
    but a double on SQLite. `Sum("amount")` comes back as Decimal because the field converts it.

    Arithmetic in the database must keep both operands money: `F("paid") + money_value(amount)`. The field
    derives from Field, not IntegerField, so `F("paid") + amount` with a bare Decimal fails loudly ("cannot
    infer type") instead of adding yuan to a column of fen.
    """

    description = _("Money (stored as integer fen)")

    def get_internal_type(self) -> str:
        return "BigIntegerField"

    def get_prep_value(self, value: Any) -> Any:
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if isinstance(value, str):
            value = parse_money(value, allow_negative=True)
        return to_fen(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):  # an average or a mixed expression: not a sum of fen
            return from_fen(round(value))
        return from_fen(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return parse_money(value, allow_negative=True)
        except MoneyError as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError(str(exc.message), code="invalid") from exc

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        from waibao.common.forms import MoneyFormField

        return super().formfield(
            form_class=form_class or MoneyFormField, choices_form_class=choices_form_class, **kwargs
        )


def money_field(verbose_name: str | object, **kwargs: object) -> MoneyField:
    """A money column: exact, to the fen, on every database."""
    return MoneyField(verbose_name, **kwargs)  # type: ignore[arg-type]


def money_value(amount: Decimal | int) -> Value:
    """An amount as a money expression, for database arithmetic with money columns."""
    return Value(amount, output_field=MoneyField())
