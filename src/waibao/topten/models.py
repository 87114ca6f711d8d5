"""The annual top-ten selection (HZ-24): annual reports, the selection method (data), runs and their review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel, money_field
from waibao.statistics.models import RecordStatus


class AnnualReportCall(models.Model):
    """The office's call for the annual reports of one year, with the date by which they are due."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    due_on = models.DateField(_("due on"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("annual report call")
        verbose_name_plural = _("annual report calls")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(name="topten_call_year_sane", condition=Q(year__gte=1990, year__lte=2200))
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.due_on}"


class AnnualReport(TimeStampedModel):
    """An enterprise's annual report (年报): the figures the selection needs and the platform does not hold
    (taxes paid, R&D expense, patents, employees with degrees). Reviewed like a statistics record."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    taxes_paid_cny = money_field(_("taxes paid (CNY)"))
    rd_expense_cny = money_field(_("R&D expense (CNY)"))
    patents = models.PositiveIntegerField(_("patents granted"))
    graduate_employees = models.PositiveIntegerField(_("employees with a university degree"))
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT, db_index=True
    )
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "enterprise__name_zh"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="topten_one_report_per_year"),
            models.CheckConstraint(name="topten_report_year_sane", condition=Q(year__gte=1990, year__lte=2200)),
            models.CheckConstraint(
                name="topten_report_amounts_not_negative", condition=Q(taxes_paid_cny__gte=0, rd_expense_cny__gte=0)
            ),
            models.CheckConstraint(
                name="topten_report_status_valid", condition=Q(status__in=[s.value for s in RecordStatus])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Violation(models.Model):
    """A violation the office records against an enterprise; while open, the enterprise is not eligible."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="violations"
    )
    description = models.CharField(_("description"), max_length=500)
    recorded_on = models.DateField(_("recorded on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("why it was closed"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="topten_violation_closed_has_reason", condition=Q(closed_on__isnull=True) | ~Q(closed_reason="")
            )
        ]

    def __str__(self) -> str:
        return self.description


class SelectionMethod(models.Model):
    """A selection method as data (data/default/topten.yaml): criteria, indicators, weights, normalisation,
    eligibility, tie-breaks, sensitivity, award. A run copies the whole document into its parameters."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    valid_from = models.DateField(_("applies from"))
    is_default = models.BooleanField(_("platform default (award method to be set separately)"), default=False)
    document = models.JSONField(_("method"))

    class Meta:
        verbose_name = _("selection method")
        verbose_name_plural = _("selection methods")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.code

    @property
    def note(self) -> str:
        return localized(str(self.document.get("note_zh", "")), str(self.document.get("note_en", "")))


class RunStatus(models.TextChoices):
    REVIEW = "review", _("Office review")
    IN_NOTICE = "in_notice", _("Public notice")
    PUBLISHED = "published", _("Final list published")
    CANCELLED = "cancelled", _("Cancelled")


class SelectionRun(models.Model):
    """One selection for one year. The parameters, the snapshot of every input with its source, and the results
    are written once when the run is made and never changed; the status follows the office's review."""

    year = models.PositiveSmallIntegerField(_("year"))
    method = models.ForeignKey(SelectionMethod, verbose_name=_("method"), on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(_("parameters"))
    snapshot_digest = models.CharField(_("snapshot digest (SHA-256)"), max_length=64)
    eligible_count = models.PositiveIntegerField(_("eligible enterprises"), default=0)
    considered_count = models.PositiveIntegerField(_("enterprises considered"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.REVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    notice_starts_on = models.DateField(_("notice starts on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="topten_run_status_valid", condition=Q(status__in=[s.value for s in RunStatus])
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["in_notice", "published"]),
                name="topten_one_list_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"

    @property
    def size(self) -> int:
        return int(self.parameters.get("size", 10))

    @property
    def is_default_method(self) -> bool:
        return bool(self.parameters.get("default"))


class RunEntry(models.Model):
    """One enterprise in a run: its inputs with their sources, eligibility, scores, rank and rank range."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=300, blank=True)
    inputs = models.JSONField(default=dict)  # indicator → value (numbers; CNY as strings of exact decimals)
    sources = models.JSONField(default=dict)  # indicator → {"kind": ..., "ref": ...}
    eligible = models.BooleanField(default=False)
    ineligible = models.JSONField(default=list)  # the eligibility conditions not met
    rank = models.PositiveIntegerField(null=True)
    total = models.FloatField(null=True)
    scores = models.JSONField(default=dict)  # criterion → score in the run's normalisation
    rank_min = models.PositiveIntegerField(null=True)
    rank_max = models.PositiveIntegerField(null=True)
    top_share = models.FloatField(null=True)
    weight_dependent = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "rank", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="topten_entry_once_per_run")]
        indexes = [models.Index(fields=["run", "eligible", "rank"], name="topten_entry_rank_idx")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.enterprise_id} #{self.rank}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class DecisionKind(models.TextChoices):
    EXCLUDE = "exclude", _("Excluded")
    ADJUST = "adjust", _("Figure adjusted")


class RunDecision(models.Model):
    """The office's review of a run: an enterprise excluded, or one input figure adjusted, with the reason.

    The run itself does not change: the list put to notice is the run re-scored with its decisions applied."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="decisions")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    indicator = models.CharField(_("indicator"), max_length=64, blank=True)
    value = models.CharField(_("adjusted value"), max_length=40, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="topten_decision_kind_valid", condition=Q(kind__in=[s.value for s in DecisionKind])
            ),
            models.CheckConstraint(name="topten_decision_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="topten_adjust_names_figure",
                condition=Q(kind="exclude") | (~Q(indicator="") & ~Q(value="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.kind} {self.enterprise_id}"


class ListEntry(models.Model):
    """A place on the list put to public notice (the run re-scored with the office's decisions), and the
    HZ-24 application that carries its notice, objections and award through the applications area."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="list_entries")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField()
    total = models.FloatField()
    scores = models.JSONField(default=dict)
    inputs = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)
    application = models.OneToOneField(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="topten_entry"
    )
    on_final_list = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="topten_list_position_once"),
            models.UniqueConstraint(fields=["run", "enterprise"], name="topten_list_enterprise_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.position}. {self.enterprise_id}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)
