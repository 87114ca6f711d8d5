"""Releases of open datasets: each one dated, numbered and immutable once written.

A release keeps its rows, field list, metadata snapshot (both languages) and its CSV, XLSX and JSON files,
with a SHA-256 of the content and of each file. Database triggers refuse UPDATE and DELETE on both tables
(migration 0002), and every download checks the file against its stored hash before serving it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")
    JSON = "json", _("JSON")


MEDIA_TYPES = {
    FileFormat.CSV: "text/csv",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.JSON: "application/json",
}


class Release(models.Model):
    dataset = models.CharField(_("dataset"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    released_on = models.DateField(_("released on"))
    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))
    fields = models.JSONField(_("fields"))
    rows = models.JSONField(_("rows"))
    document = models.JSONField(null=True, blank=True)
    temporal = models.JSONField(null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("open-data release")
        verbose_name_plural = _("open-data releases")
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="opendata_release_version_unique"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="opendata_release_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.version}"

    @property
    def title(self) -> str:
        return localized(self.title_zh, self.title_en)

    @property
    def description(self) -> str:
        return localized(self.description_zh, self.description_en)

    @property
    def label(self) -> str:
        return f"{self.dataset}-v{self.version}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices)
    content = models.BinaryField()
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("release file")
        verbose_name_plural = _("release files")
        constraints = [
            models.UniqueConstraint(fields=["release", "format"], name="opendata_file_format_unique"),
            models.CheckConstraint(
                condition=models.Q(format__in=[f.value for f in FileFormat]), name="opendata_file_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release}.{self.format}"

    @property
    def filename(self) -> str:
        return f"{self.release.label}.{self.format}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[FileFormat(self.format)]
