"""Training institutions (HZ-16/17). Trainees and the job board come in a later issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel
from waibao.common.personal_id import IdType


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


class TraineeCategory(models.TextChoices):
    """The trainee categories of the policy package's `trainees` list (facts.yaml)."""

    FRESH_GRADUATE = "fresh_graduate", _("Fresh graduate")
    UNEMPLOYED_GRADUATE = "unemployed_graduate", _("Unemployed graduate")
    NEW_EMPLOYEE = "new_employee", _("New employee")
    CUSTOMISED = "customised", _("Customised training")


class Trainee(TimeStampedModel):
    """A natural person trained under HZ-17 (programmes and enrolments come with the talent issue).

    The identity number is never stored in clear (common/personal_id.py): a keyed hash finds the same person
    again, a masked form is what pages show, and the whole number is encrypted with a key outside the database.
    """

    name = models.CharField(_("name"), max_length=100)
    id_type = models.CharField(_("identity document"), max_length=24, choices=IdType.choices)
    id_hash = models.CharField(max_length=64, help_text="HMAC-SHA256 of the type and number (duplicate matching).")
    id_masked = models.CharField(_("identity number"), max_length=24)
    id_encrypted = models.TextField(help_text="The whole number, encrypted (Fernet) with WAIBAO_PERSONAL_DATA_KEYS.")
    category = models.CharField(_("category"), max_length=24, choices=TraineeCategory.choices, blank=True)
    first_institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("first recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["id_type", "id_hash"], name="trainee_unique_identity")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"
