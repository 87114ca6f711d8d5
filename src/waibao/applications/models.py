"""Applications for incentive rewards, their evidence, objections, routing and in-platform notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.models import TimeStampedModel, money_field


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Department review")
    RETURNED = "returned", _("Returned for more information")
    RECOMMENDED = "recommended", _("Recommended")
    IN_NOTICE = "in_notice", _("Public notice")
    ON_HOLD = "on_hold", _("On hold (objection)")
    COMMITTED = "committed", _("Finally approved (committed)")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The item key of a per-trainee application: the trainee's record, never a personal identifier.
TRAINEE_KEY_PREFIX = "trainee-"

# An application in one of these states no longer blocks a new one for the same rule, applicant and year.
CLOSED_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
# Approved by the programme office (the states that follow approval).
APPROVED_STATUSES = (
    ApplicationStatus.IN_NOTICE,
    ApplicationStatus.ON_HOLD,
    ApplicationStatus.COMMITTED,
    ApplicationStatus.PAID,
)
# Waiting for someone to act, in the workflow's order: each step may have a time limit (the routing's), and the
# cockpit counts the applications in each.
WAITING_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.RETURNED,
    ApplicationStatus.RECOMMENDED,
    ApplicationStatus.IN_NOTICE,
    ApplicationStatus.ON_HOLD,
    ApplicationStatus.COMMITTED,
)


class Application(TimeStampedModel):
    """One application under one rule for one year (and one item where the rule is per item)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    training_institution = models.ForeignKey(
        "talent.TrainingInstitution",
        verbose_name=_("training institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule_id = models.CharField(_("rule"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    item_key = models.CharField(
        _("item"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("The certification standard or trainee where the rule is per item; empty otherwise."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # Stored so the work queue's "overdue" is one indexed comparison: set with every status change from the
    # routing's time limit for the new step, and set again for waiting applications when that limit changes
    # (`services.step_deadlines_refresh`). Empty when the step has no time limit.
    step_due_at = models.DateTimeField(
        _("current step overdue from"),
        null=True,
        blank=True,
        help_text=_("When the current step passes its time limit (from the rule's routing)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    fund_code = models.CharField(_("fund"), max_length=32, blank=True)
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    result = models.JSONField(_("engine result"), default=dict, blank=True)
    package_name = models.CharField(_("policy package"), max_length=64, blank=True)
    package_version = models.CharField(_("policy package version"), max_length=64, blank=True)
    basis = models.CharField(_("basis"), max_length=16, blank=True)
    calculated_amount_cny = money_field(_("calculated amount (CNY)"), null=True, blank=True)
    calculated_minimum_cny = money_field(_("calculated minimum (CNY)"), null=True, blank=True)
    recommended_amount_cny = money_field(_("recommended amount (CNY)"), null=True, blank=True)
    recommendation_reason = models.TextField(_("recommendation reason"), blank=True)
    # The facts checked against the registry and approved statistics when recommended (source, date, flag).
    verification = models.JSONField(_("verified facts"), default=list, blank=True)
    approved_amount_cny = money_field(_("approved amount (CNY)"), null=True, blank=True)
    notice_starts_on = models.DateField(_("notice starts on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    # A notice ended before its last day (the demo tool): the dates above stay as published, and the record
    # says when and why it was ended.
    notice_ended_early_on = models.DateField(_("notice ended early on"), null=True, blank=True)
    notice_ended_early_reason = models.CharField(_("why the notice ended early"), max_length=300, blank=True)
    commitment_signed_at = models.DateTimeField(_("commitment signed at"), null=True, blank=True)
    commitment_text = models.TextField(_("signed commitment"), blank=True)
    trainee = models.ForeignKey(
        "talent.Trainee",
        verbose_name=_("trainee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("The person a per-trainee rule (HZ-17b, 17b-hire, 17c, 17d) is applied for."),
    )
    hire_employer = models.CharField(_("hiring enterprise"), max_length=200, blank=True)
    hire_recorded_on = models.DateField(_("hired on"), null=True, blank=True)
    hire_confirmed_at = models.DateTimeField(_("hire confirmed at"), null=True, blank=True)
    hire_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hire confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "department"], name="application_queue_idx"),
            models.Index(fields=["rule_id", "year"], name="application_rule_year_idx"),
            models.Index(fields=["status", "step_due_at"], name="application_step_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="application_one_applicant",
                condition=Q(enterprise__isnull=False, training_institution__isnull=True)
                | Q(enterprise__isnull=True, training_institution__isnull=False),
            ),
            models.CheckConstraint(
                name="application_status_valid",
                condition=Q(status__in=[s.value for s in ApplicationStatus]),
            ),
            models.CheckConstraint(name="application_year_sane", condition=Q(year__gte=1990, year__lte=2200)),
            models.CheckConstraint(
                name="application_amounts_not_negative",
                condition=(Q(calculated_amount_cny__isnull=True) | Q(calculated_amount_cny__gte=0))
                & (Q(calculated_minimum_cny__isnull=True) | Q(calculated_minimum_cny__gte=0))
                & (Q(recommended_amount_cny__isnull=True) | Q(recommended_amount_cny__gte=0))
                & (Q(approved_amount_cny__isnull=True) | Q(approved_amount_cny__gte=0)),
            ),
            models.CheckConstraint(
                name="application_approved_has_amount",
                condition=~Q(status__in=[s.value for s in APPROVED_STATUSES]) | Q(approved_amount_cny__isnull=False),
            ),
            models.CheckConstraint(
                name="application_notice_dates_ordered",
                condition=Q(notice_starts_on__isnull=True)
                | Q(notice_ends_on__isnull=True)
                | Q(notice_ends_on__gte=models.F("notice_starts_on")),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "rule_id", "year", "item_key"],
                condition=Q(enterprise__isnull=False) & ~Q(status__in=[s.value for s in CLOSED_STATUSES]),
                name="application_unique_open_enterprise",
            ),
            models.UniqueConstraint(
                fields=["training_institution", "rule_id", "year", "item_key"],
                condition=Q(training_institution__isnull=False) & ~Q(status__in=[s.value for s in CLOSED_STATUSES]),
                name="application_unique_open_institution",
            ),
        ]

    def __str__(self) -> str:
        item = f" {self.item_key}" if self.item_key else ""
        return f"{self.rule_id} {self.year}{item} #{self.pk}"

    def _is_person_rule(self) -> bool:
        from waibao.applications.policy import person_rule_ids

        return self.trainee_id is not None or self.rule_id in person_rule_ids()

    @property
    def item_label(self) -> str:
        """The item as staff and the applicant see it: the standard, or the trainee's name and masked number
        (a trainee typed as free text before trainees were structured is masked too)."""
        if self.trainee_id is not None:
            return str(self.trainee)
        claim = self.talent_claim
        if claim is not None:  # a claim of a training programme listing its persons (talent/claims.py)
            return f"{claim.get('programme_name', '')} #{self.item_key.rsplit('-', 1)[-1]}".strip()
        if self.item_key and self._is_person_rule() and not self.item_key.startswith(TRAINEE_KEY_PREFIX):
            from waibao.common.personal_id import mask

            return mask(self.item_key)
        return self.item_key

    @property
    def public_item(self) -> str:
        """The item as the public sees it: never a person (a per-person rule is published as a count)."""
        return "" if self._is_person_rule() else self.item_key

    @property
    def talent_claim(self) -> dict[str, Any] | None:
        """For a claim generated from a training programme's trainees: its programme and number of persons."""
        if "facts" in self.get_deferred_fields() and not self.item_key.startswith("programme-"):
            return None  # lists defer the facts: only a claim (its item key says so) loads them
        claim = (self.facts or {}).get("claim") if isinstance(self.facts, dict) else None
        return claim if isinstance(claim, dict) else None

    @property
    def persons(self) -> int | None:
        """How many persons a per-person award is for (published instead of who they are)."""
        claim = self.talent_claim
        if claim is not None:
            return int(claim.get("persons") or 0)
        return 1 if self._is_person_rule() else None

    @property
    def applicant(self) -> object:
        return self.enterprise or self.training_institution

    @property
    def applicant_name(self) -> str:
        applicant = self.enterprise or self.training_institution
        return getattr(applicant, "name", "") if applicant is not None else ""


class EvidenceKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    INVOICE = "invoice", _("Invoice")
    CONTRACT = "contract", _("Contract")
    TRAINEE_LIST = "trainee_list", _("Trainee list")
    HIRE_PROOF = "hire_proof", _("Proof of hire")
    OTHER = "other", _("Other")


class Evidence(models.Model):
    """An uploaded file, stored outside the web root under a generated name."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        constraints = [models.CheckConstraint(name="evidence_size_positive", condition=Q(size__gt=0))]

    def __str__(self) -> str:
        return self.original_name


class ObjectionStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Contact not yet confirmed")
    AWAITING_TRIAGE = "awaiting_triage", _("Waiting for the office to examine it")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    OPEN = "open", _("Admitted: the application is held")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


# Objections that have not been decided on: they still need the office (triage, then resolution).
UNDECIDED_OBJECTIONS = (ObjectionStatus.AWAITING_TRIAGE, ObjectionStatus.OPEN)


class Objection(models.Model):
    """An objection lodged by anyone during the public notice period.

    The objector gives a name and a contact, confirmed by a code sent to it; the programme office then triages
    the objection (within `triage_due_at`) and only an admitted objection holds the application until resolved.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200)
    text = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    client_key = models.CharField(max_length=64, blank=True, help_text="Hash of the sender's address (rate limit).")
    contact_key = models.CharField(max_length=64, blank=True, db_index=True, help_text="Keyed hash of the contact.")
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    contact_verified_at = models.DateTimeField(_("contact confirmed at"), null=True, blank=True)
    triage_due_at = models.DateTimeField(_("to be examined by"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(_("examined at"), null=True, blank=True)
    created_at = models.DateTimeField(_("lodged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="objection_status_valid", condition=Q(status__in=[s.value for s in ObjectionStatus])
            ),
            models.CheckConstraint(
                name="objection_resolved_has_reason",
                condition=Q(
                    status__in=[ObjectionStatus.UNVERIFIED, ObjectionStatus.AWAITING_TRIAGE, ObjectionStatus.OPEN]
                )
                | ~Q(resolution=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.name}"


class RuleRouting(models.Model):
    """Which department reviews applications under a rule, with partners and time limits (data the office edits)."""

    rule_id = models.CharField(_("rule"), max_length=32, unique=True)
    department = models.ForeignKey(
        "governance.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    partners = models.ManyToManyField(
        "governance.Department", verbose_name=_("partner departments"), blank=True, related_name="+"
    )
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    time_limits = models.JSONField(
        _("time limits (days per step)"),
        default=dict,
        blank=True,
        help_text=_("Days each step may take before it is marked overdue, by status."),
    )
    notice_days = models.PositiveSmallIntegerField(_("public notice (days)"), default=7)
    verification_tolerance_percent = models.DecimalField(
        _("tolerance for verified facts (%)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text=_("A declared figure further than this from the platform's verified figure is flagged."),
    )
    applicant_kinds = models.JSONField(
        _("who may apply"),
        default=list,
        blank=True,
        help_text=_("enterprise and/or training_institution"),
    )
    required_evidence = models.JSONField(
        _("required evidence"), default=list, blank=True, help_text=_("Kinds of evidence file a submission needs.")
    )
    is_open = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        verbose_name = _("rule routing")
        verbose_name_plural = _("rule routing")
        ordering = ["rule_id"]
        constraints = [models.CheckConstraint(name="routing_notice_days_positive", condition=Q(notice_days__gte=1))]

    def __str__(self) -> str:
        return self.rule_id


class Notification(models.Model):
    """A message in the platform to one user: someone must act, or something happened to their application."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=500)
    # The same text in every language of the platform, so it reads in the language the user reads now
    # (`text` is the one written in the recipient's language at the time, and goes out by e-mail).
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def text_in_language(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "").lower()
        return str(self.texts.get(language) or self.text)
