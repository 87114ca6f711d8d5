"""The outsourcing talent recruitment site (SZ-1.10, SZ-8.1, HZ-18): postings, job seekers, their applications,
the hires enterprises record, and the catalogue of scarce outsourcing talent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel, money_field
from waibao.common.personal_id import IdType


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the office's review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Closed (past its closing date)")


# The states the public, job seekers and every role other than the owner and the office may see.
PUBLIC_STATES = (PostingStatus.PUBLISHED, PostingStatus.EXPIRED)


class WorkLanguage(models.TextChoices):
    """Languages a job is done in (offshore outsourcing is mostly for clients in these languages)."""

    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    GERMAN = "de", _("German")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


class Posting(TimeStampedModel):
    """A job an enterprise of the registry offers. Monthly salary in CNY (integer fen), both bounds optional."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="postings"
    )
    title = models.CharField(_("job title"), max_length=120)
    category = models.ForeignKey(
        "registry.ServiceCategory", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    zone = models.ForeignKey(
        "registry.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    salary_min_cny = money_field(_("monthly salary from (CNY)"), null=True, blank=True)
    salary_max_cny = money_field(_("monthly salary up to (CNY)"), null=True, blank=True)
    openings = models.PositiveIntegerField(_("openings"), default=1)
    description = models.TextField(_("description"), max_length=6000)
    closing_date = models.DateField(_("closing date"))
    status = models.CharField(_("status"), max_length=16, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reminded_for = models.DateField(
        null=True, blank=True, help_text="The closing date the enterprise was last reminded of (one reminder each)."
    )

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="posting_status_published_idx"),
            models.Index(fields=["status", "closing_date"], name="posting_status_closing_idx"),
            models.Index(fields=["enterprise", "status"], name="posting_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="posting_status_valid", condition=Q(status__in=[s.value for s in PostingStatus])
            ),
            models.CheckConstraint(
                name="posting_salary_order",
                condition=Q(salary_min_cny__isnull=True)
                | Q(salary_max_cny__isnull=True)
                | Q(salary_max_cny__gte=models.F("salary_min_cny")),
            ),
            models.CheckConstraint(name="posting_openings_positive", condition=Q(openings__gte=1)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATES

    @property
    def is_open(self) -> bool:
        return self.status == PostingStatus.PUBLISHED


class JobSeeker(TimeStampedModel):
    """The profile of a user with the job-seeker role: contact details, CV, and optionally an identity number
    (stored as `common.personal_id` does: hash, masked, encrypted) so a hire can be matched to a trainee."""

    user = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="job_seeker")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    education = models.CharField(_("education"), max_length=200, blank=True)
    graduation_year = models.PositiveIntegerField(_("year of graduation"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    summary = models.TextField(_("about me"), max_length=2000, blank=True)
    cv_name = models.CharField(_("CV"), max_length=200, blank=True)
    cv_stored = models.CharField(max_length=64, blank=True)
    cv_type = models.CharField(max_length=100, blank=True)
    cv_sha256 = models.CharField(max_length=64, blank=True)
    cv_uploaded_at = models.DateTimeField(_("CV uploaded at"), null=True, blank=True)
    id_type = models.CharField(_("identity document"), max_length=24, choices=IdType.choices, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_masked = models.CharField(_("identity number"), max_length=24, blank=True)
    id_encrypted = models.TextField(blank=True)

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def has_cv(self) -> bool:
        return bool(self.cv_stored)


class CandidacyStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Not taken forward")
    WITHDRAWN = "withdrawn", _("Withdrawn by the job seeker")


class HireProofKind(models.TextChoices):
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social-insurance record")


class Candidacy(TimeStampedModel):
    """A job seeker's application for one posting (called a candidacy in code, to keep it apart from the
    incentive applications of `waibao.applications`). The CV is copied at the time of applying."""

    posting = models.ForeignKey(
        Posting, verbose_name=_("job posting"), on_delete=models.PROTECT, related_name="candidacies"
    )
    seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="candidacies"
    )
    letter = models.TextField(_("covering letter"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CandidacyStatus.choices, default=CandidacyStatus.APPLIED
    )
    cv_name = models.CharField(_("CV"), max_length=200)
    cv_stored = models.CharField(max_length=64)
    cv_type = models.CharField(max_length=100)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    proof_kind = models.CharField(_("proof of hire"), max_length=24, choices=HireProofKind.choices, blank=True)
    proof_name = models.CharField(_("proof file"), max_length=200, blank=True)
    proof_stored = models.CharField(max_length=64, blank=True)
    proof_type = models.CharField(max_length=100, blank=True)
    proof_sha256 = models.CharField(max_length=64, blank=True)
    hired_at = models.DateTimeField(_("hire recorded at"), null=True, blank=True)
    hired_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("application for a job")
        verbose_name_plural = _("applications for jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "seeker"], name="candidacy_once_per_posting"),
            models.CheckConstraint(
                name="candidacy_status_valid", condition=Q(status__in=[s.value for s in CandidacyStatus])
            ),
            models.CheckConstraint(
                name="candidacy_hire_has_contract",
                condition=~Q(status=CandidacyStatus.HIRED)
                | (Q(contract_date__isnull=False) & ~Q(proof_stored="") & Q(hired_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id}/{self.seeker_id}"


class ScarceTalent(models.Model):
    """One entry of the catalogue of scarce outsourcing talent (HZ-18), loaded from the data set."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    category = models.ForeignKey(
        "registry.ServiceCategory",
        verbose_name=_("service category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=16)
    requirements_zh = models.TextField(_("requirements (Chinese)"), blank=True)
    requirements_en = models.TextField(_("requirements (English)"), blank=True)
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scarce talent")
        verbose_name_plural = _("catalogue of scarce talent")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def requirements(self) -> str:
        return localized(self.requirements_zh, self.requirements_en)


class ScarceTalentBenefit(models.Model):
    """What a person of the catalogue is entitled to (HZ-18: school places, housing, insurance, entry and exit)."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)
