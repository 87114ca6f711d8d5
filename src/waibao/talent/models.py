"""Training (HZ-16/17, SZ-1.5/2.2): institutions and their approval, bases, programmes, trainees, the plan, claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel, money_field
from waibao.common.personal_id import IdType


class TrainingInstitution(TimeStampedModel):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    approved = models.BooleanField(_("approved training institution"), default=False)
    approved_until = models.DateField(_("approved until"), null=True, blank=True)
    suspended = models.BooleanField(_("suspended"), default=False)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)

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


# --- institutions: approval, renewal, suspension; training bases -----------------------------------------


class ApprovalKind(models.TextChoices):
    INITIAL = "initial", _("First approval")
    RENEWAL = "renewal", _("Renewal")


class ApprovalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the department")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class InstitutionApproval(TimeStampedModel):
    """An institution's request to be approved (or renewed) for outsourcing training, and the department's decision.

    The institution's standing (approved, until when, suspended) is kept on `TrainingInstitution`; each request
    and decision stays here as its history."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("training institution"), on_delete=models.PROTECT, related_name="approvals"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ApprovalKind.choices, default=ApprovalKind.INITIAL)
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.SUBMITTED
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    document_name = models.CharField(_("document"), max_length=200, blank=True)
    document_stored = models.CharField(max_length=64, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("institution approval")
        verbose_name_plural = _("institution approvals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="institution_approval_dates_ordered", condition=Q(valid_until__gte=models.F("valid_from"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.valid_from}–{self.valid_until}"


class TrainingBase(TimeStampedModel):
    """A designated training base (HZ-16, SZ-1.5/4.2): where it is, what it focuses on, who runs it."""

    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    zone = models.ForeignKey("registry.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    focus = models.CharField(_("focus"), max_length=200)
    institution = models.ForeignKey(
        TrainingInstitution,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bases",
    )
    designated_on = models.DateField(_("designated on"))

    class Meta:
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")
        ordering = ["name_zh"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


# --- programmes --------------------------------------------------------------------------------------------


class ProgrammeKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job training")
    CUSTOMISED = "customised", _("Customised for an enterprise")
    CERTIFICATION = "certification", _("International certification")
    LAW = "law", _("Law")
    STANDARDS = "standards", _("Standards")
    IP = "ip", _("Intellectual property")


class Recognition(models.TextChoices):
    DRAFT = "draft", _("Not yet asked")
    REQUESTED = "requested", _("Waiting for recognition")
    RECOGNISED = "recognised", _("Recognised for subsidy")
    NOT_RECOGNISED = "not_recognised", _("Not recognised: no subsidy")


class Programme(TimeStampedModel):
    """A training programme an institution runs; subsidised only if the department recognised it before it began."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("training institution"), on_delete=models.PROTECT, related_name="programmes"
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=ProgrammeKind.choices)
    fee_cny = money_field(_("fee per trainee (CNY)"))
    capacity = models.PositiveIntegerField(_("capacity"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.PositiveIntegerField(_("hours"))
    employer = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("employer (customised training)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customised_programmes",
    )
    zone = models.ForeignKey(
        "registry.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base = models.ForeignKey(
        TrainingBase, verbose_name=_("training base"), null=True, blank=True, on_delete=models.PROTECT
    )
    recognition = models.CharField(
        _("recognition"), max_length=16, choices=Recognition.choices, default=Recognition.DRAFT
    )
    recognition_reason = models.TextField(_("reason"), blank=True)
    recognised_at = models.DateTimeField(_("recognised at"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-starts_on", "name_zh"]
        constraints = [
            models.CheckConstraint(name="programme_dates_ordered", condition=Q(ends_on__gte=models.F("starts_on"))),
            models.CheckConstraint(name="programme_fee_not_negative", condition=Q(fee_cny__gte=0)),
            models.CheckConstraint(name="programme_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(
                name="programme_customised_has_employer",
                condition=~Q(kind="customised") | Q(employer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def subsidised(self) -> bool:
        return self.recognition == Recognition.RECOGNISED


# --- trainees' path ---------------------------------------------------------------------------------------


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HireProofKind(models.TextChoices):
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social-insurance record")


class ProofKind(models.TextChoices):
    """The files that prove one step of a trainee's path; a claim's line needs those of its rule."""

    COMPLETION = "completion", _("Certificate of completion")
    PASS = "pass", _("Pass certificate")
    HIRE = "hire", _("Proof of hire")


class Enrolment(TimeStampedModel):
    """One trainee in one programme: attendance, completion, pass, and the hire that follows."""

    trainee = models.ForeignKey(Trainee, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="enrolments")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="enrolments"
    )
    category = models.CharField(_("category"), max_length=24, choices=TraineeCategory.choices)
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_on = models.DateField(_("enrolled on"))
    attended_hours = models.PositiveIntegerField(_("hours attended"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    # The proofs, each checked like evidence (detected type, size, no macros) and stored under a random name.
    completion_proof_name = models.CharField(_("certificate of completion"), max_length=200, blank=True)
    completion_proof_stored = models.CharField(max_length=64, blank=True)
    completion_proof_sha256 = models.CharField(max_length=64, blank=True)
    completion_proof_type = models.CharField(max_length=100, blank=True)
    pass_proof_name = models.CharField(_("pass certificate"), max_length=200, blank=True)
    pass_proof_stored = models.CharField(max_length=64, blank=True)
    pass_proof_sha256 = models.CharField(max_length=64, blank=True)
    pass_proof_type = models.CharField(max_length=100, blank=True)
    employer = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("hired by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainee_hires",
    )
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    hire_proof_kind = models.CharField(_("proof of hire"), max_length=24, choices=HireProofKind.choices, blank=True)
    hire_proof_name = models.CharField(_("proof file"), max_length=200, blank=True)
    hire_proof_stored = models.CharField(max_length=64, blank=True)
    hire_proof_sha256 = models.CharField(max_length=64, blank=True)
    hire_proof_type = models.CharField(max_length=100, blank=True)
    hire_source_ref = models.CharField(_("hire recorded from"), max_length=200, blank=True)
    hire_recorded_at = models.DateTimeField(_("hire recorded at"), null=True, blank=True)
    hire_confirmed_at = models.DateTimeField(_("hire confirmed at"), null=True, blank=True)
    hire_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["programme", "trainee__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "programme"], name="enrolment_once_per_programme"),
            models.CheckConstraint(
                name="enrolment_status_valid", condition=Q(status__in=[s.value for s in EnrolmentStatus])
            ),
            models.CheckConstraint(
                name="enrolment_hire_has_contract_date",
                condition=Q(employer__isnull=True) | Q(contract_date__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="enrolment_programme_status_idx")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.programme}"

    @property
    def hired(self) -> bool:
        return self.employer_id is not None and self.hire_confirmed_at is not None

    def proof_file(self, kind: str) -> tuple[str, str, str]:
        """(original name, stored name, content type) of the proof of `kind`; empty strings if none."""
        if kind not in ProofKind.values:
            return "", "", ""
        prefix = f"{kind}_proof"
        return (
            getattr(self, f"{prefix}_name"),
            getattr(self, f"{prefix}_stored"),
            getattr(self, f"{prefix}_type"),
        )


class DuplicateRefusal(models.Model):
    """A subsidy refused because the same person is already subsidised for the same training elsewhere."""

    trainee = models.ForeignKey(Trainee, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="duplicate_refusals"
    )
    conflicting = models.ForeignKey(
        Enrolment, verbose_name=_("already subsidised in"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("refused at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused duplicate subsidy")
        verbose_name_plural = _("refused duplicate subsidies")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.programme}"


# --- the year's training plan ------------------------------------------------------------------------------


class PlanTarget(TimeStampedModel):
    """One target of the year's training plan (SZ-1.5): persons of a programme type, in a zone (or city-wide)."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("type"), max_length=16, choices=ProgrammeKind.choices)
    zone = models.ForeignKey(
        "registry.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled = models.PositiveIntegerField(_("to enrol"))
    completed = models.PositiveIntegerField(_("to complete"))
    hired = models.PositiveIntegerField(_("to be hired"))

    class Meta:
        verbose_name = _("training plan target")
        verbose_name_plural = _("training plan targets")
        ordering = ["year", "kind", "zone"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "zone"], name="plan_target_unique"),
            models.UniqueConstraint(
                fields=["year", "kind"], condition=Q(zone__isnull=True), name="plan_target_unique_citywide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.zone or ''}".strip()


# --- claims: the persons of one generated application ------------------------------------------------------


class LineStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class ClaimLine(TimeStampedModel):
    """One person on a claim (an application generated for a programme and a rule): the engine's amount for them.

    The application's calculated amount is the sum of its accepted lines; refusing a line leaves the claim."""

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("claim"), on_delete=models.PROTECT, related_name="talent_lines"
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="claim_lines"
    )
    rule_id = models.CharField(_("rule"), max_length=32)
    amount_cny = money_field(_("amount (CNY)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LineStatus.choices, default=LineStatus.ACCEPTED)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "enrolment"], name="claim_line_once_per_claim"),
            models.CheckConstraint(name="claim_line_status_valid", condition=Q(status__in=["accepted", "refused"])),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.enrolment.trainee}"
