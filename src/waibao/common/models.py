"""Abstract base models shared by every app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def money_field(verbose_name: str | object, **kwargs: object) -> models.DecimalField:
    """A money column: exact decimal to the fen."""
    return models.DecimalField(
        verbose_name,  # type: ignore[arg-type]
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        **kwargs,  # type: ignore[arg-type]
    )
