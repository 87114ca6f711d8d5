"""Statistical records (contracts, executions, staffing reports), exchange rates, parameters and rollups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from waibao.common.models import TimeStampedModel, money_field

RATE_MAX_DIGITS = 18
RATE_DECIMAL_PLACES = 6


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


STATUS_VALUES = [s.value for s in RecordStatus]


class RevenueMeasure(models.TextChoices):
    EXECUTED = "executed", _("Executed amount")
    CONTRACT = "contract", _("Contract amount")
    EXECUTED_OFFSHORE = "executed_offshore", _("Offshore executed amount")
    CONTRACT_OFFSHORE = "contract_offshore", _("Offshore contract amount")


class ExchangeRate(models.Model):
    """CNY per one unit of `currency`, in force from `date` until the next dated rate."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    cny_per_unit = models.DecimalField(
        _("CNY per unit"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="stats_rate_currency_date_unique"),
            models.CheckConstraint(name="stats_rate_positive", condition=Q(cny_per_unit__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.cny_per_unit}"


class StatisticsParameters(models.Model):
    """The city's statistics parameters (one row, pk=1): cut-off, staffing period, the HZ-2 goal, and the
    window of plausible dates every input is checked against (`common.dates`)."""

    cutoff_month = models.PositiveSmallIntegerField(_("cut-off month (next year)"), default=3)
    cutoff_day = models.PositiveSmallIntegerField(_("cut-off day"), default=31)
    staffing_period_months = models.PositiveSmallIntegerField(_("staffing report period (months)"), default=1)
    goal_base_year = models.PositiveSmallIntegerField(_("goal base year"), default=2005)
    goal_target_year = models.PositiveSmallIntegerField(_("goal target year"), default=2010)
    goal_multiple = models.DecimalField(_("goal multiple"), max_digits=6, decimal_places=2, default=4)
    goal_base_amount_usd = money_field(
        _("base-year revenue (USD)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the approved figure for the base year."),
    )
    revenue_measure = models.CharField(
        _("measure that stands for revenue"),
        max_length=20,
        choices=RevenueMeasure.choices,
        default=RevenueMeasure.EXECUTED,
    )
    dates_years_ahead = models.PositiveSmallIntegerField(
        _("dates accepted up to (years after the current one)"),
        default=1,
        help_text=_(
            "Dates entered anywhere (forms, imports, the API) must fall between 1990-01-01 and the end of the "
            "current year plus this many years. 1 accepts dates up to the end of next year."
        ),
    )
    # Statistical confidentiality of published figures (统计法 Art. 39): see statistics/disclosure.py.
    disclosure_min_enterprises = models.PositiveSmallIntegerField(
        _("fewest enterprises in a published figure"),
        default=3,
        help_text=_("A public figure covering fewer enterprises is withheld."),
    )
    disclosure_dominance_pct = models.DecimalField(
        _("largest share of one enterprise in a published figure (%)"),
        max_digits=5,
        decimal_places=2,
        default=85,
        help_text=_("A public figure in which one enterprise holds more than this share is withheld."),
    )

    class Meta:
        verbose_name = _("statistics parameters")
        verbose_name_plural = _("statistics parameters")
        constraints = [
            models.CheckConstraint(name="stats_params_singleton", condition=Q(pk=1)),
            models.CheckConstraint(
                name="stats_params_cutoff_valid",
                condition=Q(cutoff_month__gte=1, cutoff_month__lte=12, cutoff_day__gte=1, cutoff_day__lte=31),
            ),
            models.CheckConstraint(
                name="stats_params_period_valid",
                condition=Q(staffing_period_months__in=[1, 2, 3, 4, 6, 12]),
            ),
            models.CheckConstraint(
                name="stats_params_goal_years", condition=Q(goal_target_year__gt=F("goal_base_year"))
            ),
            models.CheckConstraint(name="stats_params_goal_multiple", condition=Q(goal_multiple__gt=0)),
            models.CheckConstraint(
                name="stats_params_dates_years_ahead", condition=Q(dates_years_ahead__gte=0, dates_years_ahead__lte=10)
            ),
            models.CheckConstraint(
                name="stats_params_disclosure_valid",
                condition=Q(
                    disclosure_min_enterprises__gte=1,
                    disclosure_dominance_pct__gt=0,
                    disclosure_dominance_pct__lte=100,
                ),
            ),
        ]

    def __str__(self) -> str:
        return "statistics parameters"


class ReviewedRecord(TimeStampedModel):
    """What every statistical record shares: its review state and who reviewed it."""

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
        abstract = True


class Contract(ReviewedRecord):
    """A contract (接包合同) between an enterprise and its client.

    `amount_cny` / `amount_usd` and the rates are fixed when the contract is approved. The `k_*`
    columns are the rollup key the contract (and its executions) were last counted under.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="contracts"
    )
    contract_no = models.CharField(_("contract number"), max_length=64)
    client_name = models.CharField(_("client name"), max_length=200)
    client_country = models.CharField(_("client country or region"), max_length=2)
    category = models.ForeignKey(
        "registry.ServiceCategory", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    client_industry = models.CharField(_("client industry"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_field(_("amount"))
    signed_date = models.DateField(_("signing date"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    cny_rate = models.DecimalField(
        _("CNY rate used"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    usd_rate = models.DecimalField(
        _("USD rate used"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    amount_cny = money_field(_("amount (CNY)"), null=True, blank=True)
    amount_usd = money_field(_("amount (USD)"), null=True, blank=True)
    k_zone = models.CharField(max_length=32, blank=True, default="")
    k_ownership = models.CharField(max_length=3, blank=True, default="")
    k_category = models.CharField(max_length=64, blank=True, default="")
    k_top_level = models.CharField(max_length=8, blank=True, default="")
    k_country = models.CharField(max_length=2, blank=True, default="")
    k_offshore = models.BooleanField(default=False)
    k_set = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_date", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="stats_contract_ent_status_idx"),
            models.Index(fields=["status", "signed_date"], name="stats_contract_status_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "contract_no"], name="stats_contract_no_unique"),
            models.CheckConstraint(name="stats_contract_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="stats_contract_status_valid", condition=Q(status__in=STATUS_VALUES)),
            models.CheckConstraint(
                name="stats_contract_dates_ordered",
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="stats_contract_approved_converted",
                condition=~Q(status=RecordStatus.APPROVED)
                | Q(amount_cny__isnull=False, amount_usd__isnull=False, k_set=True),
            ),
            models.CheckConstraint(
                name="stats_contract_returned_reason",
                condition=~Q(status=RecordStatus.RETURNED) | ~Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.contract_no

    @property
    def offshore(self) -> bool:
        return self.client_country.upper() != "CN"


class Execution(ReviewedRecord):
    """An execution record (执行): money received under a contract."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="executions"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="executions"
    )
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_field(_("amount received"))
    receipt_ref = models.CharField(_("receipt reference"), max_length=100, blank=True)
    over_reason = models.CharField(_("reason for exceeding the contract amount"), max_length=500, blank=True)
    cny_rate = models.DecimalField(
        _("CNY rate used"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    usd_rate = models.DecimalField(
        _("USD rate used"), max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    amount_cny = money_field(_("amount (CNY)"), null=True, blank=True)
    amount_usd = money_field(_("amount (USD)"), null=True, blank=True)

    class Meta:
        verbose_name = _("execution record")
        verbose_name_plural = _("execution records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="stats_exec_ent_status_idx"),
            models.Index(fields=["status", "date"], name="stats_exec_status_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="stats_exec_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="stats_exec_status_valid", condition=Q(status__in=STATUS_VALUES)),
            models.CheckConstraint(
                name="stats_exec_approved_converted",
                condition=~Q(status=RecordStatus.APPROVED) | Q(amount_cny__isnull=False, amount_usd__isnull=False),
            ),
            models.CheckConstraint(
                name="stats_exec_returned_reason",
                condition=~Q(status=RecordStatus.RETURNED) | ~Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.date} {self.amount} {self.currency}"


class StaffingReport(ReviewedRecord):
    """A periodic staffing report: employees at period end, new employees, of whom graduates."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="staffing_reports"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    employees = models.PositiveIntegerField(_("employees at period end"))
    new_employees = models.PositiveIntegerField(_("new employees"))
    new_graduates = models.PositiveIntegerField(_("of whom university graduates"))

    class Meta:
        verbose_name = _("staffing report")
        verbose_name_plural = _("staffing reports")
        ordering = ["-period_start", "-id"]
        indexes = [models.Index(fields=["status", "period_end"], name="stats_staff_status_end_idx")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period_start"], name="stats_staffing_period_unique"),
            models.CheckConstraint(name="stats_staffing_graduates", condition=Q(new_graduates__lte=F("new_employees"))),
            models.CheckConstraint(name="stats_staffing_period", condition=Q(period_end__gte=F("period_start"))),
            models.CheckConstraint(name="stats_staffing_status_valid", condition=Q(status__in=STATUS_VALUES)),
            models.CheckConstraint(
                name="stats_staffing_returned_reason",
                condition=~Q(status=RecordStatus.RETURNED) | ~Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period_start}–{self.period_end}"


class IndicatorRollup(models.Model):
    """Sums of approved contracts and executions per key; indicators are GROUP BYs over this table.

    Maintained by the services in the same transaction as each approval, return or correction.
    `zone` and `ownership` are codes ('' when the enterprise has none) so the key has no NULLs.
    """

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=32, blank=True)
    top_level = models.CharField(max_length=8)
    category = models.CharField(max_length=64)
    country = models.CharField(max_length=2)
    ownership = models.CharField(max_length=3, blank=True)
    offshore = models.BooleanField()
    contract_count = models.IntegerField(default=0)
    contract_amount_cny = money_field("contract amount (CNY)", default=0)
    contract_amount_usd = money_field("contract amount (USD)", default=0)
    execution_count = models.IntegerField(default=0)
    executed_amount_cny = money_field("executed amount (CNY)", default=0)
    executed_amount_usd = money_field("executed amount (USD)", default=0)

    class Meta:
        indexes = [
            models.Index(fields=["year", "month"], name="stats_rollup_period_idx"),
            models.Index(fields=["enterprise", "year"], name="stats_rollup_ent_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "month",
                    "enterprise",
                    "zone",
                    "top_level",
                    "category",
                    "country",
                    "ownership",
                    "offshore",
                ],
                name="stats_rollup_key_unique",
            ),
            models.CheckConstraint(
                name="stats_rollup_counts_not_negative", condition=Q(contract_count__gte=0, execution_count__gte=0)
            ),
            models.CheckConstraint(name="stats_rollup_month_valid", condition=Q(month__gte=1, month__lte=12)),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.enterprise_id} {self.category} {self.country}"


class SummaryRollup(models.Model):
    """The same sums at (year, month, zone, ITO/BPO/KPO, country, offshore): small, for the common views.

    Kept in step with IndicatorRollup by the same deltas; queries that group and filter only by these
    dimensions (no enterprise, sub-category or ownership) read it instead of the detailed table. Its size
    follows zones × categories × client countries, not enterprises or records.
    """

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    zone = models.CharField(max_length=32, blank=True)
    top_level = models.CharField(max_length=8)
    country = models.CharField(max_length=2)
    offshore = models.BooleanField()
    contract_count = models.IntegerField(default=0)
    contract_amount_cny = money_field("contract amount (CNY)", default=0)
    contract_amount_usd = money_field("contract amount (USD)", default=0)
    execution_count = models.IntegerField(default=0)
    executed_amount_cny = money_field("executed amount (CNY)", default=0)
    executed_amount_usd = money_field("executed amount (USD)", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "zone", "top_level", "country", "offshore"], name="stats_summary_rollup_key"
            ),
            models.CheckConstraint(
                name="stats_summary_rollup_counts_not_negative",
                condition=Q(contract_count__gte=0, execution_count__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.zone} {self.top_level} {self.country}"


class OwnershipRollup(models.Model):
    """The same sums at (year, month, ownership type, offshore): tiny, for questions by ownership alone.

    Kept in step with IndicatorRollup by the same deltas; a query that groups and filters only by ownership,
    offshore and period reads it. `ownership` is the enterprise's own code, as in the detailed rollup, so a
    filter on a parent code reads `ownership__in=<the code and its descendants>` on either table.
    """

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    ownership = models.CharField(max_length=3, blank=True)
    offshore = models.BooleanField()
    contract_count = models.IntegerField(default=0)
    contract_amount_cny = money_field("contract amount (CNY)", default=0)
    contract_amount_usd = money_field("contract amount (USD)", default=0)
    execution_count = models.IntegerField(default=0)
    executed_amount_cny = money_field("executed amount (CNY)", default=0)
    executed_amount_usd = money_field("executed amount (USD)", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "ownership", "offshore"], name="stats_ownership_rollup_key"
            ),
            models.CheckConstraint(
                name="stats_ownership_rollup_counts_not_negative",
                condition=Q(contract_count__gte=0, execution_count__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.ownership}"
