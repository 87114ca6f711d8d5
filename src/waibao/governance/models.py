"""City departments and their duties under the division of work (SZ §1–13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    section = models.PositiveSmallIntegerField(_("section"), help_text=_("Section number in the division of work."))
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    citation = models.CharField(_("citation"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["section", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Duty(models.Model):
    """A numbered duty of a department, cited as e.g. SZ-1.8."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="duties")
    number = models.PositiveSmallIntegerField(_("number"))
    citation = models.CharField(_("citation"), max_length=32, unique=True)
    text_zh = models.TextField(_("Chinese text"))
    text_en = models.TextField(_("English text"))
    partners = models.ManyToManyField(Department, verbose_name=_("with"), blank=True, related_name="partner_duties")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_key = models.BooleanField(_("key duty"), default=False)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["department__section", "number"]
        constraints = [models.UniqueConstraint(fields=["department", "number"], name="duty_number_unique")]

    def __str__(self) -> str:
        return self.citation

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)
