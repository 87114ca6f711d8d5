"""Investment-promotion projects (HZ-23, SZ-1.6): a pipeline from lead to operating enterprise, and the
promotion events (SZ-4.5) that produce leads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.models import TimeStampedModel, money_field


class ProjectType(models.TextChoices):
    NEW_ENTERPRISE = "new_enterprise", _("New enterprise")
    HEADQUARTERS = "headquarters", _("Headquarters or regional headquarters")
    RD_CENTRE = "rd_centre", _("R&D centre")
    CAPITAL_INCREASE = "capital_increase", _("Capital increase")


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTACT = "contact", _("Contact")
    NEGOTIATION = "negotiation", _("Negotiation")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    CAPITAL_ARRIVED = "capital_arrived", _("Capital arrived")
    OPERATING = "operating", _("Operating")
    LOST = "lost", _("Lost")


# The board's columns, in pipeline order (lost last).
STAGE_ORDER = [s.value for s in Stage]
OPEN_STAGES = frozenset({Stage.LEAD, Stage.CONTACT, Stage.NEGOTIATION})


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    EXHIBITION = "exhibition", _("Exhibition or fair")
    ROADSHOW = "roadshow", _("Promotion tour")
    VISIT = "visit", _("Delegation visit")


class PromotionEvent(TimeStampedModel):
    """A forum, exhibition or promotion tour (SZ-4.5); the projects it produced point to it."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    department = models.ForeignKey(
        "governance.Department", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class Project(TimeStampedModel):
    """An investment project. Its stage moves only through `services.project_transition` (see `workflow`);
    every move is a `StageChange`, so the history and the time in each stage are read from those rows."""

    pipeline = models.CharField(_("pipeline"), max_length=32, db_index=True)
    title = models.CharField(_("project"), max_length=200)
    investor_name = models.CharField(_("investor"), max_length=200)
    investor_country = models.CharField(_("investor's country or region"), max_length=2)
    parent_group = models.CharField(_("parent group"), max_length=200, blank=True)
    project_type = models.CharField(_("type"), max_length=20, choices=ProjectType.choices)
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_field(_("intended investment"))
    base_amount = money_field(
        _("capital before the increase"),
        default=0,
        help_text=_("For a capital increase: the registered capital before it; only the increase is counted."),
    )
    zone = models.ForeignKey("registry.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "governance.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD, db_index=True)
    # The day of the latest `StageChange`, written with it (the board and the list show the time in the stage; a
    # subquery for it cost each page more than the projects themselves).
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True, editable=False)
    lost_reason = models.CharField(_("reason lost"), max_length=500, blank=True)
    first_signed_on = models.DateField(
        _("first signed on"), null=True, blank=True, help_text=_("Set at the first signing and never moved.")
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotion_projects",
    )
    event = models.ForeignKey(
        PromotionEvent,
        verbose_name=_("from event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["department", "stage"]), models.Index(fields=["zone", "stage"])]
        constraints = [
            models.CheckConstraint(name="promotion_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="promotion_base_not_negative", condition=Q(base_amount__gte=0)),
            models.CheckConstraint(
                name="promotion_increase_has_base",
                condition=~Q(project_type=ProjectType.CAPITAL_INCREASE) | Q(amount__gt=models.F("base_amount")),
            ),
            models.CheckConstraint(
                name="promotion_lost_has_reason", condition=~Q(stage=Stage.LOST) | ~Q(lost_reason="")
            ),
            models.CheckConstraint(
                name="promotion_registered_has_enterprise",
                condition=~Q(stage__in=[Stage.REGISTERED, Stage.CAPITAL_ARRIVED, Stage.OPERATING])
                | Q(enterprise__isnull=False, registered_on__isnull=False),
            ),
            models.CheckConstraint(
                name="promotion_signed_has_date",
                condition=~Q(stage__in=[Stage.SIGNED, Stage.REGISTERED, Stage.CAPITAL_ARRIVED, Stage.OPERATING])
                | Q(first_signed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StageChange(models.Model):
    """One move of a project between stages (append-only): the project's history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(_("from"), max_length=16, blank=True)
    to_stage = models.CharField(_("to"), max_length=16)
    action = models.CharField(_("action"), max_length=16)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["project", "at"])]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


class ProjectDocument(models.Model):
    """A document of a project (letter of intent, agreement, licence), checked like evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document"), max_length=200)
    file_name = models.CharField(_("file"), max_length=200)
    stored_name = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title
