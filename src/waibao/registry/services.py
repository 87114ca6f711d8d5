"""Every write to the registry: registration, edits, status changes, imports, zones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.dates import DateWindow, founding_window
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.tabular import ImportProgress, RowError, RowErrors, read_table
from waibao.common.text import clean_text
from waibao.registry.models import (
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseClaim,
    EnterpriseStatus,
    InfrastructureItem,
    OwnershipType,
    RequestStatus,
    ServiceCategory,
    Zone,
    ZoneInfrastructure,
)
from waibao.registry.validation import (
    clean_bool,
    clean_credit_code,
    clean_date,
    clean_int,
    clean_money,
)
from waibao.registry.workflow import ENTERPRISE_WORKFLOW

# Fields an enterprise user may change in its own profile; staff of the programme office may change all.
PROFILE_FIELDS = (
    "name_en",
    "registered_capital_cny",
    "established_on",
    "ownership_type",
    "zone",
    "offshore_focused",
    "is_headquarters",
    "employees",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)
STAFF_FIELDS = ("credit_code", "name_zh", *PROFILE_FIELDS)


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in STAFF_FIELDS:
        field = Enterprise._meta.get_field(name)
        value = getattr(enterprise, getattr(field, "attname", name))
        data[name] = value
    data["categories"] = sorted(c.pk for c in enterprise.categories.all()) if enterprise.pk else []
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _check_unique_code(code: str, *, exclude_pk: int | None = None) -> None:
    qs = Enterprise.objects.filter(credit_code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(
            _("An enterprise with this credit code is already registered."),
            field="credit_code",
            code="duplicate",
        )


def _apply(enterprise: Enterprise, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(fields) - allowed - {"categories"}
    if unknown:
        raise PermissionDeniedError(_("You may not change: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        if name == "categories":
            continue
        if name == "credit_code":
            check = clean_credit_code(value)
            _check_unique_code(check.code, exclude_pk=enterprise.pk)
            enterprise.credit_code = check.code
            enterprise.org_code_warning = bool(check.warnings)
            if not check.warnings:
                enterprise.org_code_warning_overridden = False
        elif name == "registered_capital_cny":
            enterprise.registered_capital_cny = clean_money(value, field=name)
        elif name == "established_on":
            enterprise.established_on = clean_date(value, field=name, window=founding_window())
        elif isinstance(value, str):
            setattr(enterprise, name, clean_text(value, field=name))
        else:
            setattr(enterprise, name, value)


@transaction.atomic
def enterprise_register(
    *,
    credit_code: str,
    name_zh: str,
    name_en: str = "",
    contact_name: str,
    contact_phone: str = "",
    contact_email: str,
    username: str,
    password: str,
) -> tuple[Enterprise, User]:
    """Self-registration: the enterprise becomes `registered` and its first user can sign in."""
    check = clean_credit_code(credit_code)
    name_zh, name_en, contact_name, contact_phone, contact_email = (
        clean_text(value, field=field)
        for field, value in (
            ("name_zh", name_zh),
            ("name_en", name_en),
            ("contact_name", contact_name),
            ("contact_phone", contact_phone),
            ("contact_email", contact_email),
        )
    )
    _check_unique_code(check.code)
    if not name_zh.strip():
        raise DomainError(_("The Chinese name is required."), field="name_zh", code="required")
    try:
        validate_email(contact_email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="contact_email", code="email") from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username", code="duplicate")
    enterprise = Enterprise.objects.create(
        credit_code=check.code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        org_code_warning=bool(check.warnings),
        status=EnterpriseStatus.REGISTERED,
        status_changed_at=timezone.now(),
    )
    user = User(
        username=username,
        email=contact_email,
        full_name=contact_name,
        phone=contact_phone,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="password") from None
    user.set_password(password)
    user.save()
    audit_record(
        actor=user,
        action="enterprise.registered",
        obj=enterprise,
        summary=f"{enterprise.name_zh} ({enterprise.credit_code})",
        changes=_diff({}, _snapshot(enterprise)),
    )
    return enterprise, user


@transaction.atomic
def enterprise_create(
    *, acting_user: User, fields: dict[str, Any], categories: Iterable[ServiceCategory] = ()
) -> Enterprise:
    """Staff create an enterprise record (status `registered`)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    enterprise = Enterprise(status=EnterpriseStatus.REGISTERED, status_changed_at=timezone.now())
    if not str(fields.get("name_zh", "")).strip():
        raise DomainError(_("The Chinese name is required."), field="name_zh", code="required")
    _apply(enterprise, fields, STAFF_FIELDS)
    enterprise.save()
    enterprise.categories.set(list(categories))
    audit_record(
        actor=acting_user,
        action="enterprise.created",
        obj=enterprise,
        summary=enterprise.name_zh,
        changes=_diff({}, _snapshot(enterprise)),
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    acting_user: User,
    enterprise: Enterprise,
    fields: dict[str, Any],
    categories: Iterable[ServiceCategory] | None = None,
) -> Enterprise:
    """Change a profile. Enterprise users change their own profile fields; the office changes any."""
    if acting_user.role == Role.PROGRAMME_OFFICE:
        allowed: Iterable[str] = STAFF_FIELDS
    elif acting_user.role == Role.ENTERPRISE and acting_user.enterprise_id == enterprise.pk:
        allowed = PROFILE_FIELDS
    else:
        raise PermissionDeniedError()
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if acting_user.role == Role.ENTERPRISE and enterprise.status == EnterpriseStatus.RECOGNISED:
        # The recognition rests on these fields: a change waits for the office; the recognised values stand.
        fields, categories = _hold_eligibility_changes(acting_user, enterprise, fields, categories)
    before = _snapshot(enterprise)
    _apply(enterprise, fields, allowed)
    enterprise.save()
    if categories is not None:
        enterprise.categories.set(list(categories))
    changes = _diff(before, _snapshot(enterprise))
    if changes:
        audit_record(actor=acting_user, action="enterprise.updated", obj=enterprise, changes=changes)
        public_cache.changed(public_cache.REGISTRY)  # names appear on the public notice
    return enterprise


def recognition_gaps(enterprise: Enterprise) -> list[str]:
    """What the profile lacks for recognition, in words (empty when complete).

    The policy's rules read these facts (registered capital for HZ-6/HZ-9a, the categories for what counts as
    service outsourcing, the founding date for operating periods, the ownership type for the statistics), so
    an enterprise is recognised only once they are on record.
    """
    missing: list[str] = []
    if not enterprise.registered_capital_cny or enterprise.registered_capital_cny <= 0:
        missing.append(_("registered capital above zero"))
    if enterprise.established_on is None:
        missing.append(_("the date the enterprise was established"))
    if enterprise.ownership_type_id is None:
        missing.append(_("the ownership type"))
    if not enterprise.categories.exists():
        missing.append(_("at least one service category"))
    return missing


@transaction.atomic
def enterprise_transition(
    *,
    acting_user: User,
    enterprise: Enterprise,
    action: str,
    reason: str = "",
    override_org_code_warning: bool = False,
) -> Enterprise:
    """Apply one step of the status workflow (verify, recognise, reject, suspend, reinstate, resubmit)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if acting_user.role == Role.ENTERPRISE and acting_user.enterprise_id != enterprise.pk:
        raise PermissionDeniedError()
    transition = ENTERPRISE_WORKFLOW.check(name=action, state=enterprise.status, role=acting_user.role, reason=reason)
    if action == "verify" and enterprise.org_code_warning and not enterprise.org_code_warning_overridden:
        if not override_org_code_warning:
            raise DomainError(
                _(
                    "The organisation code inside the credit code fails its check. Confirm that you have "
                    "checked the business licence to verify this enterprise anyway."
                ),
                code="org_code_warning",
                field="override_org_code_warning",
            )
        enterprise.org_code_warning_overridden = True
    if action == "recognise":
        missing = recognition_gaps(enterprise)
        if missing:
            raise DomainError(
                _("The profile is not complete enough to recognise this enterprise: %(missing)s.")
                % {"missing": "; ".join(str(m) for m in missing)},
                code="profile_incomplete",
            )
    before = enterprise.status
    enterprise.status = transition.target
    enterprise.status_reason = reason.strip()[:500]
    enterprise.status_changed_at = timezone.now()
    enterprise.save(
        update_fields=[
            "status",
            "status_reason",
            "status_changed_at",
            "org_code_warning_overridden",
            "updated_at",
        ]
    )
    audit_record(
        actor=acting_user,
        action=f"enterprise.{action}",
        obj=enterprise,
        summary=reason.strip()[:500],
        changes={"status": [before, enterprise.status]},
        data={"override_org_code_warning": bool(override_org_code_warning)},
    )
    public_cache.changed(public_cache.REGISTRY)  # the home page counts recognised enterprises
    return enterprise


# --- import -------------------------------------------------------------------------------------------

IMPORT_COLUMNS = (
    "credit_code",
    "name_zh",
    "name_en",
    "registered_capital_cny",
    "established_on",
    "ownership_type",
    "zone",
    "categories",
    "offshore_focused",
    "is_headquarters",
    "employees",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)
IMPORT_REQUIRED = ("credit_code", "name_zh")


@dataclass(frozen=True)
class ImportResult:
    created: int
    warnings: list[RowError]


def _import_row(
    values: dict[str, Any],
    *,
    zones: dict[str, Zone],
    ownership: dict[str, OwnershipType],
    categories: dict[str, ServiceCategory],
    founding: DateWindow | None = None,
) -> tuple[Enterprise, list[ServiceCategory], list[str], list[tuple[str, str]]]:
    """Build one unsaved enterprise from a row, collecting (column, message) errors rather than stopping."""
    errors: list[tuple[str, str]] = []
    warnings: list[str] = []
    enterprise = Enterprise(status=EnterpriseStatus.REGISTERED, status_changed_at=timezone.now())

    def attempt(column: str, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            errors.append((column, str(exc.message)))
            return None

    check = attempt("credit_code", lambda: clean_credit_code(values.get("credit_code")))
    if check is not None:
        enterprise.credit_code = check.code
        enterprise.org_code_warning = bool(check.warnings)
        if check.warnings:
            warnings.append("org_code")
    name = values.get("name_zh")
    if not name:
        errors.append(("name_zh", _("The Chinese name is required.")))
    else:
        enterprise.name_zh = str(name)[:200]
    enterprise.name_en = str(values.get("name_en") or "")[:300]
    capital = attempt("registered_capital_cny", lambda: clean_money(values.get("registered_capital_cny"), field="x"))
    if capital is not None:
        enterprise.registered_capital_cny = capital
    enterprise.established_on = attempt(
        "established_on",
        lambda: clean_date(values.get("established_on"), field="x", window=founding or founding_window()),
    )
    for column, table, attr in (("ownership_type", ownership, "ownership_type"), ("zone", zones, "zone")):
        raw = values.get(column)
        if raw is None:
            continue
        key = str(raw).split(".")[0] if column == "ownership_type" else str(raw)
        if key not in table:
            errors.append((column, _("Unknown code: %(value)s") % {"value": raw}))
        else:
            setattr(enterprise, attr, table[key])
    chosen: list[ServiceCategory] = []
    raw_codes = str(values.get("categories") or "")
    for separator in (",", "；", "，", "、"):
        raw_codes = raw_codes.replace(separator, ";")
    for code in raw_codes.split(";"):
        code = code.strip()
        if not code:
            continue
        if code not in categories:
            errors.append(("categories", _("Unknown code: %(value)s") % {"value": code}))
        else:
            chosen.append(categories[code])
    for column in ("offshore_focused", "is_headquarters"):
        try:
            setattr(enterprise, column, clean_bool(values.get(column), field=column))
        except DomainError as exc:
            errors.append((column, str(exc.message)))
    employees = attempt("employees", lambda: clean_int(values.get("employees"), field="x"))
    if employees is not None:
        enterprise.employees = employees
    for column, limit in (("address", 300), ("contact_name", 100), ("contact_phone", 32)):
        setattr(enterprise, column, str(values.get(column) or "")[:limit])
    email = values.get("contact_email")
    if email:
        try:
            validate_email(str(email))
            enterprise.contact_email = str(email)
        except ValidationError:
            errors.append(("contact_email", _("Enter a valid email address.")))
    return enterprise, chosen, warnings, errors


def enterprise_import(
    *, acting_user: User, stream: IO[bytes], filename: str, progress: ImportProgress | None = None
) -> ImportResult:
    """Import enterprises from CSV/XLSX: every row is checked; nothing is written unless all rows are valid."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    zones = {z.code: z for z in Zone.objects.all()}
    ownership = {o.code: o for o in OwnershipType.objects.all()}
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    errors = RowErrors()
    founding = founding_window()
    warnings: list[RowError] = []
    pending: list[tuple[Enterprise, list[ServiceCategory]]] = []
    seen: dict[str, int] = {}
    reader = read_table(stream, filename=filename, required_columns=IMPORT_REQUIRED, errors=errors, progress=progress)
    for number, values in reader:
        if errors.full:
            break
        enterprise, chosen, row_warnings, row_errors = _import_row(
            values, zones=zones, ownership=ownership, categories=categories, founding=founding
        )
        code = enterprise.credit_code
        if code and not any(c == "credit_code" for c, _m in row_errors):
            if code in existing:
                row_errors.append(("credit_code", _("An enterprise with this credit code is already registered.")))
            elif code in seen:
                row_errors.append(
                    (
                        "credit_code",
                        _("The same credit code is already in row %(row)d.") % {"row": seen[code]},
                    )
                )
            else:
                seen[code] = number
        errors.extend(RowError(number, column, message) for column, message in row_errors)
        warnings.extend(RowError(number, "credit_code", w) for w in row_warnings)
        if not errors:
            pending.append((enterprise, chosen))
    if errors:
        errors.refuse(reader)
    if not pending:
        raise DomainError(_("The file has no data rows."), code="empty_file")
    with transaction.atomic():
        for enterprise, chosen in pending:
            enterprise.save()
            if chosen:
                enterprise.categories.set(chosen)
            audit_record(
                actor=acting_user,
                action="enterprise.imported",
                obj=enterprise,
                summary=f"{filename}",
                changes=_diff({}, _snapshot(enterprise)),
            )
    return ImportResult(created=len(pending), warnings=warnings)


# --- zones -------------------------------------------------------------------------------------------

ZONE_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "kind",
    "focus_zh",
    "focus_en",
    "citation",
    "is_active",
    "sort_order",
)


@transaction.atomic
def zone_save(
    *,
    acting_user: User,
    zone: Zone | None,
    fields: dict[str, Any],
    focus_categories: Iterable[ServiceCategory] = (),
    infrastructure: dict[str, bool] | None = None,
) -> Zone:
    """Create or edit a zone and its HZ-6 infrastructure checklist (programme office only)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    creating = zone is None
    zone = zone or Zone()
    before = {f: getattr(zone, f) for f in ZONE_FIELDS} if not creating else {}
    for name, value in fields.items():
        if name not in ZONE_FIELDS:
            raise DomainError(f"unknown zone field {name}")
        setattr(zone, name, value)
    if Zone.objects.filter(code=zone.code).exclude(pk=zone.pk).exists():
        raise DomainError(_("A zone with this code exists."), field="code", code="duplicate")
    zone.save()
    zone.focus_categories.set(list(focus_categories))
    checklist_changes: dict[str, list[Any]] = {}
    if infrastructure is not None:
        for item in InfrastructureItem.objects.all():
            wanted = bool(infrastructure.get(item.code, False))
            row, _created = ZoneInfrastructure.objects.get_or_create(zone=zone, item=item)
            if row.available != wanted:
                checklist_changes[f"infrastructure.{item.code}"] = [row.available, wanted]
                row.available = wanted
                row.save(update_fields=["available"])
    after = {f: getattr(zone, f) for f in ZONE_FIELDS}
    audit_record(
        actor=acting_user,
        action="zone.created" if creating else "zone.updated",
        obj=zone,
        changes={**_diff(before, after), **checklist_changes},
    )
    public_cache.changed(public_cache.REGISTRY)
    return zone


# --- changes to a recognised enterprise, and claims to a registered credit code (issue 9 §5) ------------

# Fields that decide a recognised enterprise's eligibility; `categories` is the seventh.
ELIGIBILITY_FIELDS = ("zone", "registered_capital_cny", "offshore_focused", "is_headquarters", "employees")


def _json_value(name: str, value: Any) -> Any:
    if name == "zone":
        return getattr(value, "pk", value)
    if name == "registered_capital_cny":
        return str(clean_money(value, field=name))
    return value


def _current_value(enterprise: Enterprise, name: str) -> Any:
    if name == "zone":
        return enterprise.zone_id
    if name == "registered_capital_cny":
        return str(clean_money(enterprise.registered_capital_cny, field=name))
    return getattr(enterprise, name)


def _hold_eligibility_changes(
    acting_user: User,
    enterprise: Enterprise,
    fields: dict[str, Any],
    categories: Iterable[ServiceCategory] | None,
) -> tuple[dict[str, Any], Iterable[ServiceCategory] | None]:
    """Split an enterprise user's edit: eligibility changes go into a change request, the rest applies now."""
    requested: dict[str, Any] = {}
    for name in ELIGIBILITY_FIELDS:
        if name in fields and _json_value(name, fields[name]) != _current_value(enterprise, name):
            requested[name] = _json_value(name, fields[name])
    if categories is not None:
        wanted = sorted(str(c.pk) for c in categories)
        if wanted != sorted(str(pk) for pk in enterprise.categories.values_list("pk", flat=True)):
            requested["categories"] = wanted
    if requested:
        enterprise_change_request(acting_user=acting_user, enterprise=enterprise, changes=requested)
    rest = {k: v for k, v in fields.items() if k not in ELIGIBILITY_FIELDS}
    return rest, None


def enterprise_change_request(
    *, acting_user: User, enterprise: Enterprise, changes: dict[str, Any]
) -> EnterpriseChangeRequest:
    """File (or replace) the enterprise's open change request; nothing changes on the enterprise yet."""
    with transaction.atomic():
        previous = {name: _current_value(enterprise, name) for name in changes if name != "categories"}
        if "categories" in changes:
            previous["categories"] = sorted(str(pk) for pk in enterprise.categories.values_list("pk", flat=True))
        EnterpriseChangeRequest.objects.filter(enterprise=enterprise, status=RequestStatus.OPEN).update(
            status=RequestStatus.WITHDRAWN, decided_at=timezone.now()
        )
        change = EnterpriseChangeRequest.objects.create(
            enterprise=enterprise, requested_by=acting_user, changes=changes, previous=previous
        )
        audit_record(
            actor=acting_user,
            action="enterprise.change_requested",
            obj=enterprise,
            changes={k: [previous.get(k), v] for k, v in changes.items()},
            data={"change_request_id": change.pk},
        )
    return change


@transaction.atomic
def enterprise_change_decide(
    *, acting_user: User, change: EnterpriseChangeRequest, approve: bool, reason: str = ""
) -> EnterpriseChangeRequest:
    """The programme office approves a change request (the values apply now) or declines it (with a reason)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    reason = clean_text(reason, field="reason", max_length=500)
    change = EnterpriseChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != RequestStatus.OPEN:
        raise DomainError(_("This request is already decided."), code="already_decided")
    if not approve and not reason:
        raise DomainError(_("Give a reason for declining."), code="reason_required", field="reason")
    enterprise = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
    before = _snapshot(enterprise)
    if approve:
        values = dict(change.changes)
        category_codes = values.pop("categories", None)
        if "zone" in values:
            values["zone"] = Zone.objects.filter(pk=values["zone"]).first() if values["zone"] else None
        _apply(enterprise, values, STAFF_FIELDS)
        enterprise.save()
        if category_codes is not None:
            enterprise.categories.set(list(ServiceCategory.objects.filter(pk__in=category_codes)))
    change.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=acting_user,
        action="enterprise.change_approved" if approve else "enterprise.change_declined",
        obj=enterprise,
        summary=reason,
        changes=_diff(before, _snapshot(enterprise)),
        data={"change_request_id": change.pk},
    )
    return change


def credit_code_taken(credit_code: str) -> bool:
    check = clean_credit_code(credit_code)
    return Enterprise.objects.filter(credit_code=check.code).exists()


@transaction.atomic
def enterprise_claim_create(
    *,
    credit_code: str,
    name_zh: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str,
    username: str,
    password: str,
) -> EnterpriseClaim:
    """Registration for a credit code already on the platform: a claim for the office, no account yet."""
    check = clean_credit_code(credit_code)
    enterprise = Enterprise.objects.filter(credit_code=check.code).first()
    if enterprise is None:
        raise DomainError(_("No enterprise holds this credit code."), code="not_found", field="credit_code")
    values = {
        name: clean_text(value, field=name)
        for name, value in (
            ("name_zh", name_zh),
            ("contact_name", contact_name),
            ("contact_phone", contact_phone),
            ("contact_email", contact_email),
        )
    }
    try:
        validate_email(values["contact_email"])
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="contact_email", code="email") from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username", code="duplicate")
    probe = User(username=username, email=values["contact_email"], full_name=values["contact_name"])
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="password") from None
    probe.set_password(password)
    claim = EnterpriseClaim.objects.create(
        enterprise=enterprise, username=username, password_hash=probe.password, **values
    )
    audit_record(
        actor=None,
        action="enterprise.claimed",
        obj=enterprise,
        summary=f"{values['contact_name']} <{values['contact_email']}>",
        data={"claim_id": claim.pk},
    )
    return claim


@transaction.atomic
def enterprise_claim_decide(
    *, acting_user: User, claim: EnterpriseClaim, approve: bool, reason: str = ""
) -> User | None:
    """The office checks the claimant against the enterprise: approve opens the account, decline closes it."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    reason = clean_text(reason, field="reason", max_length=500)
    claim = EnterpriseClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != RequestStatus.OPEN:
        raise DomainError(_("This request is already decided."), code="already_decided")
    if not approve and not reason:
        raise DomainError(_("Give a reason for declining."), code="reason_required", field="reason")
    user = None
    if approve:
        if User.objects.filter(username__iexact=claim.username).exists():
            raise DomainError(_("This username is taken."), field="username", code="duplicate")
        user = User(
            username=claim.username,
            email=claim.contact_email,
            full_name=claim.contact_name,
            phone=claim.contact_phone,
            role=Role.ENTERPRISE,
            enterprise_id=claim.enterprise_id,
            password=claim.password_hash,
        )
        user.save()
    claim.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    claim.decided_by = acting_user
    claim.decided_at = timezone.now()
    claim.reason = reason
    claim.password_hash = ""  # the account (if any) now holds it
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason", "password_hash"])
    audit_record(
        actor=acting_user,
        action="enterprise.claim_approved" if approve else "enterprise.claim_declined",
        obj=claim.enterprise,
        summary=reason or claim.username,
        data={"claim_id": claim.pk, "user_id": user.pk if user else None},
    )
    return user
