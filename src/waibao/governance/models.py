"""City departments and their duties under the division of work (SZ §1–13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized


class DutySource(models.TextChoices):
    DIVISION_OF_WORK = "division", _("Division of work")
    DECISION = "decision", _("Decision of the leadership group")


class DutyStatus(models.TextChoices):
    """Derived from a duty's record (see `governance.status`); never stored, never set by hand."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted as done")
    ACCEPTED = "accepted", _("Accepted")
    OVERDUE = "overdue", _("Overdue")


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    section = models.PositiveSmallIntegerField(_("section"), help_text=_("Section number in the division of work."))
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    citation = models.CharField(_("citation"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["section", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Duty(models.Model):
    """A numbered duty of a department, cited as e.g. SZ-1.8."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="duties")
    number = models.PositiveSmallIntegerField(_("number"))
    citation = models.CharField(_("citation"), max_length=32, unique=True)
    text_zh = models.TextField(_("Chinese text"))
    text_en = models.TextField(_("English text"))
    partners = models.ManyToManyField(Department, verbose_name=_("with"), blank=True, related_name="partner_duties")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_key = models.BooleanField(_("key duty"), default=False)
    source = models.CharField(
        _("source"), max_length=16, choices=DutySource.choices, default=DutySource.DIVISION_OF_WORK
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_duties",
    )
    # A deadline is absolute (`deadline`) or N working days after an event (`after_working_days` from `event_date`).
    after_working_days = models.PositiveSmallIntegerField(_("working days after the event"), null=True, blank=True)
    event_name = models.CharField(_("event"), max_length=200, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    indicator = models.CharField(_("live indicator"), max_length=64, blank=True)
    meeting = models.ForeignKey(
        "governance.Meeting",
        verbose_name=_("decided at meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    reminder_days = models.JSONField(_("reminders (working days before the deadline)"), default=list, blank=True)
    indicator_target = models.DecimalField(_("indicator target"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["department__section", "number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "number"], name="duty_number_unique"),
            models.CheckConstraint(
                name="duty_relative_deadline_complete",
                condition=Q(after_working_days__isnull=True) | Q(event_name__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)


class Milestone(models.Model):
    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress")
    DONE = "done", _("Done")


class ReportDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting the office")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class DutyReport(models.Model):
    """A department coordinator's report on a duty; a report of `done` waits for the office to accept or return."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    text = models.TextField(_("report"))
    percent = models.PositiveSmallIntegerField(_("per cent done"), null=True, blank=True)
    rules_title = models.CharField(_("implementing rules issued"), max_length=200, blank=True)
    rules_number = models.CharField(_("document number"), max_length=100, blank=True)
    rules_date = models.DateField(_("issued on"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    stored_name = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=16, choices=ReportDecision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="duty_report_percent_range", condition=Q(percent__isnull=True) | Q(percent__lte=100)
            ),
            models.CheckConstraint(
                name="duty_report_done_has_decision",
                condition=Q(kind=ReportKind.PROGRESS, decision="") | ~Q(kind=ReportKind.PROGRESS, decision=""),
            ),
            models.CheckConstraint(
                name="duty_report_return_has_reason",
                condition=~Q(decision=ReportDecision.RETURNED) | ~Q(return_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty.citation} {self.get_kind_display()}"


class Reminder(models.Model):
    """A reminder already sent, so the daily run sends each one once."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=32)
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["duty", "kind", "deadline"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.kind} {self.deadline}"


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Director of the group's office")


class GroupMember(models.Model):
    """A seat in the leadership group (HZ-25) held by a person from a date; a replaced member keeps history."""

    group_role = models.CharField(_("role in the group"), max_length=16, choices=GroupRole.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=100, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=200, blank=True)
    person = models.CharField(_("person"), max_length=100, blank=True)
    title = models.CharField(_("position"), max_length=100, blank=True)
    title_en = models.CharField(_("position (English)"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["sort_order", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                name="member_period_ordered", condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.person}"

    @property
    def position(self) -> str:
        return localized(self.title, self.title_en)

    @property
    def unit(self) -> str:
        if self.department_id:
            return self.department.name  # type: ignore[union-attr]
        return localized(self.unit_zh, self.unit_en)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held; minutes being drafted")
    CIRCULATED = "circulated", _("Minutes circulated for comment")
    APPROVED = "approved", _("Minutes approved")
    PUBLISHED = "published", _("Minutes published")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A meeting of the leadership group: agenda, attendance, minutes, decisions."""

    code = models.CharField(_("number"), max_length=32, unique=True, help_text=_("e.g. 2026-3"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("item"), max_length=200)
    presenter = models.ForeignKey(
        Department, verbose_name=_("presented by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes"), default=15)
    duty = models.ForeignKey(
        Duty, verbose_name=_("duty"), null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    link = models.CharField(
        _("linked page"), max_length=300, blank=True, help_text=_("an application, case or statistics page")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=False)
    substitute = models.CharField(_("attended instead"), max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"


class MinutesComment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]
