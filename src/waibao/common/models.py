"""Abstract base models and the money column shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from waibao.common.money import MoneyError, from_fen, parse_money, to_fen


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class MoneyField(models.BigIntegerField):  # type: ignore[type-arg]
    """A money column: Decimal in Python, integer fen in the database (a bigint on SQLite and PostgreSQL).

    Integers are exact on both databases, and so are their sums (SQLite sums integers in 64 bits and
    raises on overflow; PostgreSQL sums bigints as numeric): a Decimal column would be exact on PostgreSQL
    but a double on SQLite. `Sum("amount")` comes back as Decimal because the field converts it.

    Arithmetic in the database must keep both operands money: `F("paid") + money_value(amount)`, never
    `F("paid") + amount` (Django would treat the Decimal as yuan against a column of fen).
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

            raise ValidationError(exc.message, code="invalid") from exc

    @property
    def validators(self) -> list[Any]:
        # BigIntegerField's own range validators compare in fen; the bound is checked by parse_money.
        return list(self._validators)

    def formfield(self, **kwargs: Any) -> Any:
        from waibao.common.forms import MoneyFormField

        # Skips IntegerField's min/max in fen: the money form field knows the bound in yuan.
        return models.Field.formfield(self, **{"form_class": MoneyFormField, **kwargs})


def money_field(verbose_name: str | object, **kwargs: object) -> MoneyField:
    """A money column: exact, to the fen, on every database."""
    return MoneyField(verbose_name, **kwargs)  # type: ignore[arg-type]


def money_value(amount: Decimal | int) -> Value:
    """An amount as a money expression, for database arithmetic with money columns."""
    return Value(amount, output_field=MoneyField())
