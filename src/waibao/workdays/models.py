"""The working-day calendar as data: confirmed years, their statutory holidays and make-up working days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized


class CalendarYear(models.Model):
    """A year whose holiday arrangement has been confirmed (from the State Council's annual notice).

    A year without a row is unknown: a deadline that falls in it is refused, never guessed.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    document = models.CharField(_("notice"), max_length=100, blank=True, help_text=_("e.g. 国办发明电〔2025〕7号"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1990, year__lte=2200), name="calendar_year_range"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class SpecialDay(models.Model):
    """A day that differs from the Monday–Friday week: a day off, or a weekend day that is worked (调休)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)
