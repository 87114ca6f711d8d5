"""The special-fund ledger: funds, sources, use categories, budget lines, commitments and append-only entries.

Representation of the balances (documented in docs/ledger.md):

- a budget line stores three running totals, kept in the same transaction as each entry:
  `budgeted` (money put on the line), `committed` (committed and still open: neither paid nor released)
  and `paid`. The database refuses any row where `committed + paid > budgeted` or a total is negative,
  so "committed + paid ≤ budget" holds whatever code writes the row;
- every entry stores its signed effect on the three totals (`delta_*`), so each total is exactly the sum
  of its line's entries (`waibao ledger check` recomputes them);
- a commitment stores `amount`, `paid` and `released`; the database refuses `paid + released > amount`,
  so a payment never exceeds its commitment.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.common.i18n import localized
from waibao.common.models import money_field
from waibao.common.money import ZERO


class Fund(models.Model):
    """A fund that pays rewards (HZ-7's special fund, the SME International Market Development Fund …)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    note_zh = models.CharField(_("note (Chinese)"), max_length=500, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=500, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("ledger", "fund")
        verbose_name_plural = _("funds")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def note(self) -> str:
        return localized(self.note_zh, self.note_en)


class FundSource(models.Model):
    """Who puts money into a fund each year (HZ-7: city finance, ETDZ, HTZ).

    `zone` ties a source to a zone: an enterprise registered in that zone is paid from it. The source
    with `is_default` pays everybody else.
    """

    fund = models.ForeignKey(
        Fund, verbose_name=pgettext_lazy("ledger", "fund"), on_delete=models.PROTECT, related_name="sources"
    )
    code = models.SlugField(_("code"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    annual_amount = money_field(_("annual amount"), null=True, blank=True)
    zone = models.ForeignKey(
        "registry.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_sources",
    )
    is_default = models.BooleanField(_("default source"), default=False)
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        ordering = ["fund__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="ledger_source_unique_code"),
            models.UniqueConstraint(
                fields=["fund"], condition=Q(is_default=True), name="ledger_source_one_default_per_fund"
            ),
            models.CheckConstraint(
                name="ledger_source_amount_not_negative",
                condition=Q(annual_amount__isnull=True) | Q(annual_amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class UseCategory(models.Model):
    """One earmarked use of the fund (HZ-7's list: central matching, market development, training …)."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("use category")
        verbose_name_plural = _("use categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class RuleEarmark(models.Model):
    """Which use category a policy rule's rewards are paid from, and the conditions of its payment.

    `requires_rule` / `requires_within_years`: a commitment needs a live commitment of `requires_rule` for
    the same enterprise in one of the `requires_within_years` years before (HZ-13b after HZ-13a).
    `payment_condition`: payment waits until the condition holds for the application
    (HZ-17b-hire: `hire_confirmed`, the hire recorded and confirmed on the application).
    """

    rule_id = models.CharField(_("rule"), max_length=32, unique=True)
    category = models.ForeignKey(
        UseCategory, verbose_name=_("use category"), on_delete=models.PROTECT, related_name="earmarks"
    )
    requires_rule = models.CharField(_("requires a commitment of rule"), max_length=32, blank=True)
    requires_within_years = models.PositiveSmallIntegerField(_("within years"), default=0)
    payment_condition = models.CharField(_("payment condition"), max_length=64, blank=True)
    citation = models.CharField(_("citation"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("earmark")
        verbose_name_plural = _("earmarks")
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return f"{self.rule_id} → {self.category_id}"


class BudgetLine(models.Model):
    """The money of one source for one use category in one year, with its running totals."""

    source = models.ForeignKey(FundSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="lines")
    category = models.ForeignKey(
        UseCategory, verbose_name=_("use category"), on_delete=models.PROTECT, related_name="lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    budgeted = money_field(_("budget"), default=ZERO)
    committed = money_field(_("committed (open)"), default=ZERO)
    paid = money_field(_("paid"), default=ZERO)
    is_demo_allocation = models.BooleanField(
        _("demo allocation"),
        default=False,
        help_text=_("The split of the source's annual amount over categories is a default, not policy text."),
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "source__fund__sort_order", "source__sort_order", "category__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["source", "category", "year"], name="ledger_line_unique"),
            models.CheckConstraint(name="ledger_line_budgeted_not_negative", condition=Q(budgeted__gte=0)),
            models.CheckConstraint(name="ledger_line_committed_not_negative", condition=Q(committed__gte=0)),
            models.CheckConstraint(name="ledger_line_paid_not_negative", condition=Q(paid__gte=0)),
            models.CheckConstraint(
                # Exact on both databases: money columns hold integer fen (common.models.MoneyField).
                name="ledger_line_within_budget",
                condition=Q(budgeted__gte=F("committed") + F("paid")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.source} · {self.category}"

    @property
    def available(self) -> Decimal:
        return self.budgeted - self.committed - self.paid


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("ledger", "Open")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    SETTLED = "settled", _("Settled")
    RELEASED = "released", _("Released")


class Commitment(models.Model):
    """Money reserved on a budget line for one approved application."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="commitments"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    rule_id = models.CharField(_("rule"), max_length=32)
    amount = money_field(_("amount committed"))
    paid = money_field(_("paid"), default=ZERO)
    released = money_field(_("released"), default=ZERO)
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    payment_condition = models.CharField(_("payment condition"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="ledger_commitment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="ledger_commitment_paid_not_negative", condition=Q(paid__gte=0)),
            models.CheckConstraint(name="ledger_commitment_released_not_negative", condition=Q(released__gte=0)),
            models.CheckConstraint(
                name="ledger_commitment_within_amount",
                condition=Q(amount__gte=F("paid") + F("released")),
            ),
            models.CheckConstraint(
                name="ledger_commitment_status_valid", condition=Q(status__in=[s.value for s in CommitmentStatus])
            ),
            # One live commitment per application: approving twice cannot reserve the money twice.
            models.UniqueConstraint(
                fields=["application"],
                condition=~Q(status=CommitmentStatus.RELEASED),
                name="ledger_one_live_commitment_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.rule_id} {self.amount}"

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid - self.released


class EntryKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment")
    RELEASE = "release", _("Release")
    REVERSAL = "reversal", _("Reversal")


class LedgerEntry(models.Model):
    """One movement of money. Append-only: the database refuses UPDATE and DELETE (migration 0002)."""

    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="entries"
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    amount = money_field(_("amount"))
    delta_budgeted = money_field(_("change to budget"), default=ZERO)
    delta_committed = money_field(_("change to committed"), default=ZERO)
    delta_paid = money_field(_("change to paid"), default=ZERO)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), db_index=True)
    # A payment as finance records it (the bank transfer behind the entry); blank on other kinds.
    voucher_number = models.CharField(_("voucher number"), max_length=64, blank=True)
    paid_on = models.DateField(_("payment date"), null=True, blank=True, db_index=True)
    payee_account = models.CharField(_("payee account"), max_length=64, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    # The entry's audit event, written first in the same transaction; `waibao ledger check` refuses an entry
    # without one (null only for rows the database owner inserted by hand).
    audit_event = models.OneToOneField(
        "audit.AuditEvent",
        verbose_name=_("audit event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entry",
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="ledger_entry_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="ledger_entry_kind_valid", condition=Q(kind__in=[k.value for k in EntryKind])),
            models.CheckConstraint(
                name="ledger_entry_commitment_when_needed",
                condition=Q(kind__in=[EntryKind.BUDGET, EntryKind.REVERSAL]) | Q(commitment__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["voucher_number"],
                condition=Q(kind="payment") & ~Q(voucher_number=""),
                name="ledger_payment_voucher_unique",
            ),
            models.CheckConstraint(
                name="ledger_entry_reversal_names_entry",
                condition=(Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=False))
                | (~Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["budget_line", "created_at"], name="ledger_entry_line_time")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.amount}"

    @property
    def payee_account_masked(self) -> str:
        """The payee's account as screens show it: only the last four characters."""
        return mask_account(self.payee_account)


def mask_account(account: str) -> str:
    digits = account.replace(" ", "")
    if len(digits) <= 4:
        return digits
    return "•••• " + digits[-4:]
