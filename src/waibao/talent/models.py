"""Training institutions (HZ-16/17). Trainees and the job board come in a later issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel


class TrainingInstitution(TimeStampedModel):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    approved = models.BooleanField(_("approved training institution"), default=False)

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["name_zh"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)
