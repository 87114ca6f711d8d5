"""Casework: consultations, complaints, IP infringement complaints and service requests, with their history.

The status history (`CaseChange`) is the source of truth: the time-limit state of an open case is computed from
it when read (`casework.clocks`), never stored. Each case keeps a copy of its history as the clocks read it
(`Case.steps`), rewritten from the history by the services with every change, in the same transaction, so the
lists of cases (workbench, board, indicators) read one row a case instead of every case's history. A finished
case's clocks no longer move: with the same change the services store its final badges (`Case.*_badge`, with the
calendar they were counted with), so the supervision board counts finished cases in SQL. Case types and the 12345
numbers are data (`CaseType`, `CaseRules`), loaded from the data set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waibao.common.i18n import localized


class Filer(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    TRAINING_INSTITUTION = "training_institution", _("Training institution")
    PUBLIC = "public", _("Any person")


class CaseStatus(models.TextChoices):
    FILED = "filed", pgettext_lazy("casework", "Filed")
    ACCEPTED = "accepted", pgettext_lazy("casework", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("casework", "With the department")
    RETURNED = "returned", pgettext_lazy("casework", "Returned as misrouted")
    WAITING = "waiting", pgettext_lazy("casework", "Waiting on the requester")
    ANSWERED = "answered", pgettext_lazy("casework", "Answered")
    CLOSED = "closed", pgettext_lazy("casework", "Closed")


# The resolution clock stops while the case waits on the requester, and once it is answered or closed.
STOPPED_STATUSES = frozenset({CaseStatus.WAITING, CaseStatus.ANSWERED, CaseStatus.CLOSED})
DONE_STATUSES = frozenset({CaseStatus.ANSWERED, CaseStatus.CLOSED})


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Reply to the requester")
    NOTE = "note", _("Internal note")
    REQUESTER = "requester", _("From the requester")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RectificationStatus(models.TextChoices):
    NONE = "none", _("None")
    OPEN = "open", pgettext_lazy("casework", "Open")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived on appeal")


class AppealStatus(models.TextChoices):
    NONE = "none", _("None")
    ASKED = "asked", _("Asked")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class CallbackChannel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class RightType(models.TextChoices):
    PATENT = "patent", _("Patent")
    COPYRIGHT = "copyright", _("Copyright")
    TRADEMARK = "trademark", _("Trademark")
    TRADE_SECRET = "trade_secret", _("Trade secret")
    LAYOUT_DESIGN = "layout_design", _("Layout design")


class CaseRules(models.Model):
    """The 12345 numbers (one row per data set, code 'default'), loaded from casework/rules.yaml."""

    code = models.SlugField(max_length=32, unique=True, default="default")
    resolution_days = models.PositiveSmallIntegerField(default=5)
    extension_cap_days = models.PositiveSmallIntegerField(default=10)
    extension_approvals = models.PositiveSmallIntegerField(default=1)
    misroute_return_days = models.PositiveSmallIntegerField(default=2)
    auto_close_days = models.PositiveSmallIntegerField(default=5)
    reopen_window_days = models.PositiveSmallIntegerField(default=10)
    rectification_days = models.PositiveSmallIntegerField(default=5)
    appeals = models.PositiveSmallIntegerField(default=1)
    reminder_lead_days = models.JSONField(default=list)
    grades = models.JSONField(default=list)  # [{code, name_zh, name_en, bad}], best first

    class Meta:
        verbose_name = _("casework rules")
        verbose_name_plural = _("casework rules")

    def __str__(self) -> str:
        return self.code

    @property
    def bad_grades(self) -> set[str]:
        return {g["code"] for g in self.grades if g.get("bad")}


class DepartmentHead(models.Model):
    """Who heads a department for casework reminders (kept here, not on the user)."""

    department = models.ForeignKey("governance.Department", on_delete=models.CASCADE, related_name="case_heads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="headed_departments")

    class Meta:
        verbose_name = _("department head")
        verbose_name_plural = _("department heads")
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="case_head_unique")]

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class CaseType(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    duty = models.ForeignKey("governance.Duty", on_delete=models.PROTECT, related_name="case_types")
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="case_types")
    filers = models.JSONField(default=list)
    fields = models.JSONField(default=list)
    attachments = models.JSONField(default=list)
    categories = models.JSONField(default=list)  # tree: [{code, name_zh, name_en, children: [...]}]
    outcomes = models.JSONField(default=list)
    acceptance_days = models.PositiveSmallIntegerField(default=1)
    first_response_days = models.PositiveSmallIntegerField(default=2)
    resolution_days = models.PositiveSmallIntegerField(default=5)
    confidential = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    def department_code_for(self, category: str) -> str | None:
        """The department a category routes to (the loader resolves inheritance); None: the type's own."""

        def walk(nodes: list[dict[str, object]]) -> str | None:
            for node in nodes:
                if node.get("code") == category:
                    return str(node["department"]) if node.get("department") else None
                found = walk(list(node.get("children") or []))  # type: ignore[call-overload]
                if found is not None:
                    return found
            return None

        return walk(self.categories) if category else None

    def category_choices(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []

        def walk(nodes: list[dict[str, object]], prefix: str) -> None:
            for node in nodes:
                name = localized(str(node.get("name_zh", "")), str(node.get("name_en", "")))
                out.append((str(node["code"]), prefix + name))
                walk(list(node.get("children") or []), prefix + name + " / ")  # type: ignore[call-overload]

        walk(self.categories, "")
        return out


class Case(models.Model):
    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    check_code_hash = models.CharField(max_length=128, blank=True)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("type"))
    category = models.CharField(_("category"), max_length=64, blank=True)
    title = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("description"))
    details = models.JSONField(default=dict, blank=True)
    filer_kind = models.CharField(_("filed as"), max_length=24, choices=Filer.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="filed_cases"
    )
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        "governance.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="handled_cases"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="routed_cases"
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.FILED)
    confidential = models.BooleanField(_("confidential"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("approved extension (working days)"), default=0)
    filed_at = models.DateTimeField(_("filed at"))
    # The status history as the time limits read it, [[day (ISO), status, action], …] in the history's order (at,
    # then id): written only by `services.case_steps_store` from the `CaseChange` rows, never edited.
    steps = models.JSONField(default=list, blank=True, editable=False)
    # A finished case's final badge per limit ("met", "late"; "" for a limit whose clock never started), computed
    # from `steps` by `services.case_badges_store` with every change of the case, in the same transaction, and
    # cleared when it is reopened; `badges_calendar` is the fingerprint of the working-day calendar they were
    # counted with ("" while the case is open). The board counts finished cases from these in SQL, and clocks
    # from the history those whose fingerprint is not the current calendar's (a calendar edited since).
    acceptance_badge = models.CharField(max_length=8, blank=True, editable=False)
    first_response_badge = models.CharField(max_length=8, blank=True, editable=False)
    resolution_badge = models.CharField(max_length=8, blank=True, editable=False)
    badges_calendar = models.CharField(max_length=16, blank=True, editable=False)
    scarce_talent = models.ForeignKey(
        "recruitment.ScarceTalent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("scarce talent (HZ-18 catalogue)"),
    )
    # IP infringement complaints
    right_type = models.CharField(_("right type"), max_length=16, choices=RightType.choices, blank=True)
    right_holder = models.CharField(_("right holder"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    infringer_name = models.CharField(_("infringing party"), max_length=200, blank=True)
    infringer = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="infringement_cases"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status"]),
            # The board: finished cases whose badges are not the current calendar's (few), and its counts per
            # department read from an index holding every column they need, not from the cases' wide rows.
            models.Index(fields=["status", "badges_calendar"], name="case_status_badges"),
            models.Index(
                fields=[
                    "department",
                    "status",
                    "badges_calendar",
                    "acceptance_badge",
                    "first_response_badge",
                    "resolution_badge",
                ],
                name="case_board_counts",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_enterprise_filer_has_enterprise",
                condition=~Q(filer_kind="enterprise") | Q(enterprise__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.number


class CaseChange(models.Model):
    """One step of a case's status history (append-only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=16, choices=CaseStatus.choices)
    on = models.DateField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    department = models.ForeignKey("governance.Department", null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=32)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} {self.on}"


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField(_("message"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [models.CheckConstraint(name="extension_days_positive", condition=Q(days__gte=1))]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class Transfer(models.Model):
    """A case moved between departments; a misroute return is counted against `router`, not the receiver."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_department = models.ForeignKey("governance.Department", null=True, on_delete=models.SET_NULL, related_name="+")
    to_department = models.ForeignKey("governance.Department", null=True, on_delete=models.SET_NULL, related_name="+")
    misroute = models.BooleanField(default=False)
    router = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on = models.DateField()
    on_time = models.BooleanField(default=True)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} transfer"


class Rating(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    grade = models.CharField(_("grade"), max_length=32)
    bad = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)
    on = models.DateField()
    rectification = models.CharField(
        max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.NONE
    )
    rectified_on = models.DateField(null=True, blank=True)
    appeal = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.NONE)
    appeal_reason = models.TextField(_("appeal reason"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["bad", "on"], name="rating_bad_on")]  # the board's latest bad ratings

    def __str__(self) -> str:
        return f"{self.case_id} {self.grade}"


class Callback(models.Model):
    """The call back to the requester that closes a rectification: who called, when, how, and the answer."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="callback")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(_("called at"))
    channel = models.CharField(_("channel"), max_length=16, choices=CallbackChannel.choices)
    # None only for callbacks carried over from the free-text note of the first version.
    satisfied = models.BooleanField(_("requester satisfied now"), null=True)
    note = models.TextField(_("note"), blank=True)

    def __str__(self) -> str:
        return f"{self.rating_id} {self.channel}"


class Supervision(models.Model):
    """督办: the office presses a department on an overdue or at-risk case (also a step of its history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    limit = models.CharField(max_length=16)  # acceptance, first_response or resolution
    badge = models.CharField(max_length=16)  # its state when supervised: overdue or due
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} supervised"


class Reminder(models.Model):
    """A reminder sent (so a limit is reminded once per lead day)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    limit = models.CharField(max_length=16, default="resolution")  # acceptance, first_response, resolution
    lead = models.SmallIntegerField()  # working days before the limit; -1: overdue (supervision)
    due = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "limit", "lead", "due"], name="case_reminder_once_per_limit")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.lead}"
