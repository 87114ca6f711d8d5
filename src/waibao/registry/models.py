"""Enterprises, zones, service categories and ownership types."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waibao.common.i18n import localized
from waibao.common.models import TimeStampedModel, money_field


class ServiceCategory(models.Model):
    """A node of the ITO / BPO / KPO tree. `code` is the platform's own stable id."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    top_level = models.CharField(_("top level"), max_length=8, db_index=True)  # ITO / BPO / KPO
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    official_code = models.CharField(_("official code"), max_length=32, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class OwnershipType(models.Model):
    """GB/T 12402-2000 economic type (3 digits)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)

    class Meta:
        verbose_name = _("ownership type")
        verbose_name_plural = _("ownership types")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class ZoneKind(models.TextChoices):
    DEMONSTRATION_ZONE = "demonstration_zone", _("Demonstration zone")
    PARK = "park", _("Park")
    BASE = "base", _("Base")
    DISTRICT = "district", _("District")


class Zone(TimeStampedModel):
    """A demonstration zone, park or base (HZ-4/5/6)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ZoneKind.choices, default=ZoneKind.DEMONSTRATION_ZONE)
    focus_zh = models.CharField(_("focus (Chinese)"), max_length=200, blank=True)
    focus_en = models.CharField(_("focus (English)"), max_length=300, blank=True)
    focus_categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("focus categories"), blank=True, related_name="focus_zones"
    )
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def focus(self) -> str:
        return localized(self.focus_zh, self.focus_en)


class InfrastructureItem(models.Model):
    """An item of the HZ-6 infrastructure checklist (dual-circuit power, backup generator, …)."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    citation = models.CharField(_("citation"), max_length=64, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("infrastructure item")
        verbose_name_plural = _("infrastructure items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class ZoneInfrastructure(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="infrastructure")
    item = models.ForeignKey(InfrastructureItem, on_delete=models.PROTECT, related_name="+")
    available = models.BooleanField(_("in place"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "item"], name="zone_infrastructure_unique")]
        ordering = ["item__sort_order"]

    def __str__(self) -> str:
        return f"{self.zone_id}: {self.item_id} {'✔' if self.available else '✘'}"


class EnterpriseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Enterprise(TimeStampedModel):
    """A service-outsourcing enterprise. `credit_code` is stored normalised (upper-case, no spaces)."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    registered_capital_cny = money_field(_("registered capital (CNY)"), default=0)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    ownership_type = models.ForeignKey(
        OwnershipType, verbose_name=_("ownership type"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("service categories"), blank=True, related_name="enterprises"
    )
    offshore_focused = models.BooleanField(_("offshore-focused"), default=False)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.REGISTERED
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    org_code_warning = models.BooleanField(
        _("organisation code warning"),
        default=False,
        help_text=_("The embedded organisation code fails its GB 11714 check."),
    )
    org_code_warning_overridden = models.BooleanField(_("warning overridden by staff"), default=False)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh"]
        indexes = [
            models.Index(fields=["status", "name_zh"], name="enterprise_status_name_idx"),
            models.Index(fields=["zone", "name_zh"], name="enterprise_zone_name_idx"),
            models.Index(fields=["ownership_type", "name_zh"], name="enterprise_owner_name_idx"),
            models.Index(fields=["-created_at"], name="enterprise_created_idx"),
            models.Index(fields=["-registered_capital_cny"], name="enterprise_capital_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="enterprise_capital_not_negative", condition=Q(registered_capital_cny__gte=0)),
            models.CheckConstraint(
                name="enterprise_status_valid", condition=Q(status__in=[s.value for s in EnterpriseStatus])
            ),
            models.CheckConstraint(
                name="enterprise_reason_for_rejection",
                condition=~Q(status__in=[EnterpriseStatus.REJECTED, EnterpriseStatus.SUSPENDED]) | ~Q(status_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the programme office")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Replaced by a later request")


class EnterpriseChangeRequest(models.Model):
    """A recognised enterprise's change to a field its recognition rests on (zone, capital, categories,
    offshore focus, headquarters, employees). The recognised values stand until the office approves."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="change_requests")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(_("requested values"), default=dict)
    previous = models.JSONField(_("values when requested"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise change request")
        verbose_name_plural = _("enterprise change requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(status="open"), name="one_open_change_per_enterprise"
            ),
            models.CheckConstraint(name="change_declined_has_reason", condition=~Q(status="declined") | ~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {', '.join(sorted(self.changes))}"


class EnterpriseClaim(models.Model):
    """A self-registration for a credit code that an enterprise on the platform already holds.

    Instead of succeeding (or telling a stranger whose code is registered), it waits for the programme office,
    which checks the person against the enterprise and either opens the account or declines."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="claims")
    name_zh = models.CharField(_("enterprise name given"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"))
    username = models.CharField(_("username asked for"), max_length=150)
    password_hash = models.CharField(max_length=256)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim to a registered credit code")
        verbose_name_plural = _("claims to registered credit codes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="claim_declined_has_reason", condition=~Q(status="declined") | ~Q(reason=""))
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.username}"
