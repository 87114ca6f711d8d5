"""Users and the role each one holds, with the membership that role needs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Department reviewer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    ENTERPRISE = "enterprise", _("Enterprise user")
    TRAINING_INSTITUTION = "training_institution", _("Training institution user")
    CITY_LEADER = "city_leader", _("City leader (read-only)")
    JOB_SEEKER = "job_seeker", _("Job seeker")


STAFF_ROLES = frozenset({Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER})


class User(AbstractUser):
    """A person who signs in. Exactly one role; the membership the role needs is enforced in the database."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Notifications and e-mails are written in this language; set when the user switches language."),
    )
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    zone = models.ForeignKey(
        "registry.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Set for zone staff: they review only their zone's enterprises."),
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    training_institution = models.ForeignKey(
        "talent.TrainingInstitution",
        verbose_name=_("training institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=[r.value for r in Role]) | Q(role="", is_superuser=True),
            ),
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="reviewer_has_department",
                condition=~Q(role=Role.DEPARTMENT_REVIEWER) | Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="institution_user_has_institution",
                condition=~Q(role=Role.TRAINING_INSTITUTION) | Q(training_institution__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_programme_office(self) -> bool:
        return self.role == Role.PROGRAMME_OFFICE

    @property
    def is_staff_member(self) -> bool:
        """Government staff of any role (not Django's `is_staff`, which only opens the admin)."""
        return self.role in STAFF_ROLES


class RateLimitHit(models.Model):
    """One counted attempt for a per-client or per-contact limit (registration, objections).

    Kept in the database so that every worker process sees the same count; `key` is a keyed hash, never the
    address or contact itself."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="ratelimit_scope_key_idx")]

    def __str__(self) -> str:
        return f"{self.scope}: {self.key[:8]}"
