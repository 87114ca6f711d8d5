"""Every write to the statistics: records, their review, exchange rates, parameters and the imports."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.dates import MAX_YEARS_AHEAD, DateWindow, date_window
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.tabular import ImportProgress, RowError, RowErrors, read_table
from waibao.registry.models import Enterprise, EnterpriseStatus, ServiceCategory
from waibao.registry.validation import clean_date, clean_int, clean_money
from waibao.statistics import rollup
from waibao.statistics.access import can_file, can_review
from waibao.statistics.bulk import Spool, insert_rows
from waibao.statistics.conf import check_year_open, parameters, period_for
from waibao.statistics.countries import is_offshore, normalise_country
from waibao.statistics.models import (
    Contract,
    ExchangeRate,
    Execution,
    RecordStatus,
    StaffingReport,
    StatisticsParameters,
)
from waibao.statistics.rates import RateBook, normalise_currency
from waibao.statistics.workflow import EDITABLE, RECORD_WORKFLOW

Record = Contract | Execution | StaffingReport

CONTRACT_FIELDS = (
    "contract_no",
    "client_name",
    "client_country",
    "category",
    "client_industry",
    "currency",
    "amount",
    "signed_date",
    "start_date",
    "end_date",
)
EXECUTION_FIELDS = ("date", "currency", "amount", "receipt_ref", "over_reason")
STAFFING_FIELDS = ("period_start", "employees", "new_employees", "new_graduates")


def record_kind(record: Record) -> str:
    return {Contract: "contract", Execution: "execution", StaffingReport: "staffing"}[type(record)]


def record_date(record: Record) -> date:
    """The date that puts a record in a statistical year (and so under that year's cut-off)."""
    if isinstance(record, Contract):
        return record.signed_date
    if isinstance(record, Execution):
        return record.date
    return record.period_end


def _require_filer(acting_user: User | None, enterprise_id: int) -> None:
    if acting_user is not None and not can_file(acting_user, enterprise_id):
        raise PermissionDeniedError()


# --- field cleaning (shared by forms, imports and the API) -------------------------------------------


def _text(raw: Any, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = "" if raw is None else str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))  # a spreadsheet number used as an identifier
    if required and not value:
        raise DomainError(_("%(field)s is required.") % {"field": label}, field=field, code="required")
    if len(value) > limit:
        raise DomainError(
            _("%(field)s is longer than %(limit)d characters.") % {"field": label, "limit": limit},
            field=field,
            code="too_long",
        )
    return value


def _required_date(raw: Any, *, field: str, window: DateWindow | None = None) -> date:
    value = clean_date(raw, field=field, window=window)
    if value is None:
        raise DomainError(_("The date is required."), field=field, code="required")
    return value


def _positive_amount(raw: Any, *, field: str) -> Decimal:
    if raw is None or str(raw).strip() == "":
        raise DomainError(_("The amount is required."), field=field, code="required")
    amount = clean_money(raw, field=field)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field, code="not_positive")
    return amount


def clean_country(raw: Any) -> str:
    country = normalise_country(raw)
    if country is None:
        raise DomainError(
            _(
                "Not an ISO 3166-1 country or region code "
                "(two letters, e.g. US, JP, HK; CN for mainland China): %(value)s"
            )
            % {"value": raw if raw is not None else ""},
            field="client_country",
            code="country",
        )
    return country


def clean_currency(raw: Any, book: RateBook, *, field: str = "currency") -> str:
    currency = normalise_currency(raw)
    if currency is None:
        raise DomainError(
            _("Not a currency code (three letters, e.g. USD, CNY): %(value)s") % {"value": raw or ""},
            field=field,
            code="currency",
        )
    if not book.known(currency):
        raise DomainError(
            _("There is no exchange rate for %(currency)s: ask the programme office to enter one.")
            % {"currency": currency},
            field=field,
            code="no_rate",
        )
    return currency


def clean_category(raw: Any, categories: dict[str, ServiceCategory]) -> ServiceCategory:
    if isinstance(raw, ServiceCategory):
        return raw
    code = str(raw or "").strip()
    if code not in categories:
        raise DomainError(_("Unknown service category: %(value)s") % {"value": code}, field="category", code="category")
    return categories[code]


def _clean_contract(
    fields: dict[str, Any], *, book: RateBook, categories: dict[str, ServiceCategory], window: DateWindow | None = None
) -> tuple[dict[str, Any], list[DomainError]]:
    """Clean contract fields, collecting one error per bad field rather than stopping at the first.

    Dates must fall in the plausible window (`common.dates`); a contract may end up to ten years after it.
    """
    window = window or date_window()
    out: dict[str, Any] = {}
    errors: list[DomainError] = []

    def attempt(name: str, fn: Callable[[], Any]) -> None:
        try:
            out[name] = fn()
        except DomainError as exc:
            exc.field = exc.field or name
            errors.append(exc)

    attempt(
        "contract_no",
        lambda: _text(fields.get("contract_no"), field="contract_no", label=_("The contract number"), limit=64),
    )
    attempt(
        "client_name",
        lambda: _text(fields.get("client_name"), field="client_name", label=_("The client name"), limit=200),
    )
    attempt("client_country", lambda: clean_country(fields.get("client_country")))
    attempt("category", lambda: clean_category(fields.get("category"), categories))
    attempt(
        "client_industry",
        lambda: _text(
            fields.get("client_industry"),
            field="client_industry",
            label=_("The client industry"),
            limit=100,
            required=False,
        ),
    )
    attempt("currency", lambda: clean_currency(fields.get("currency"), book))
    attempt("amount", lambda: _positive_amount(fields.get("amount"), field="amount"))
    attempt("signed_date", lambda: _required_date(fields.get("signed_date"), field="signed_date", window=window))
    attempt("start_date", lambda: clean_date(fields.get("start_date"), field="start_date", window=window))
    attempt(
        "end_date",
        lambda: clean_date(fields.get("end_date"), field="end_date", window=window.widened(extra_years=10)),
    )
    start, end = out.get("start_date"), out.get("end_date")
    if start and end and end < start:
        errors.append(DomainError(_("The end date is before the start date."), field="end_date", code="dates"))
    if not errors:
        try:
            out["conversion"] = book.convert(out["amount"], out["currency"], out["signed_date"])
        except DomainError as exc:
            errors.append(exc)
    return out, errors


def _first(errors: list[DomainError]) -> None:
    if errors:
        raise errors[0]


# --- contracts ---------------------------------------------------------------------------------------


@transaction.atomic
def contract_save(
    *,
    acting_user: User | None,
    enterprise: Enterprise,
    fields: dict[str, Any],
    contract: Contract | None = None,
    today: date | None = None,
) -> Contract:
    """Create a draft contract, or change one that is a draft or was returned."""
    _require_filer(acting_user, enterprise.pk)
    categories = {c.code: c for c in ServiceCategory.objects.filter(parent__isnull=False)}
    book = RateBook([normalise_currency(fields.get("currency")) or "CNY"])
    cleaned, errors = _clean_contract(fields, book=book, categories=categories, window=date_window())
    _first(errors)
    creating = contract is None
    if contract is None:
        contract = Contract(enterprise=enterprise, status=RecordStatus.DRAFT)
        before: dict[str, Any] = {}
    else:
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.enterprise_id != enterprise.pk:
            raise PermissionDeniedError()
        if contract.status not in EDITABLE:
            raise DomainError(
                _("Only a draft or returned record can be changed; correct an approved record first."),
                code="not_editable",
            )
        before = {f: _plain(getattr(contract, f)) for f in CONTRACT_FIELDS}
        check_year_open(contract.signed_date, on=today)
    check_year_open(cleaned["signed_date"], on=today)
    duplicate = Contract.objects.filter(enterprise=enterprise, contract_no=cleaned["contract_no"])
    if not creating:
        duplicate = duplicate.exclude(pk=contract.pk)
    if duplicate.exists():
        raise DomainError(
            _("This enterprise already has a contract with this number."), field="contract_no", code="duplicate"
        )
    for name in CONTRACT_FIELDS:
        setattr(contract, name, cleaned[name])
    contract.save()
    after = {f: _plain(getattr(contract, f)) for f in CONTRACT_FIELDS}
    audit_record(
        actor=acting_user,
        action="stats.contract.created" if creating else "stats.contract.updated",
        obj=contract,
        summary=f"{enterprise.credit_code} {contract.contract_no}",
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return contract


def _plain(value: Any) -> Any:
    if isinstance(value, ServiceCategory):
        return value.code
    return value


# --- executions --------------------------------------------------------------------------------------


def _limit_cny(book: RateBook, contract: Contract, amount: Decimal, currency: str, on: date) -> Decimal:
    """An amount in CNY for comparing with the contract amount: same-currency amounts at the contract's rate."""
    if currency == contract.currency:
        return amount * book.rate(contract.currency, contract.signed_date)
    return book.convert(amount, currency, on).amount_cny


def _executed_total_exceeds(
    contract: Contract, *, amount: Decimal, currency: str, on: date, exclude_pk: int | None
) -> bool:
    """Would this execution take the contract's executions (returned ones aside) past its amount?"""
    others = Execution.objects.filter(contract=contract).exclude(status=RecordStatus.RETURNED)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    rows = list(others.values_list("amount", "currency", "date"))
    book = RateBook({contract.currency, currency, *(c for _a, c, _d in rows)})
    limit = _limit_cny(book, contract, contract.amount, contract.currency, contract.signed_date)
    total = sum((_limit_cny(book, contract, a, c, d) for a, c, d in rows), Decimal(0))
    return total + _limit_cny(book, contract, amount, currency, on) > limit


@transaction.atomic
def execution_save(
    *,
    acting_user: User | None,
    contract: Contract,
    fields: dict[str, Any],
    execution: Execution | None = None,
    today: date | None = None,
) -> Execution:
    """Create a draft execution record under a contract, or change a draft or returned one."""
    _require_filer(acting_user, contract.enterprise_id)
    if contract.status == RecordStatus.RETURNED and execution is None:
        pass  # executions may be entered while the contract is being corrected
    book = RateBook([normalise_currency(fields.get("currency")) or "CNY"])
    errors: list[DomainError] = []
    cleaned: dict[str, Any] = {}
    for name, fn in (
        ("date", lambda: _required_date(fields.get("date"), field="date", window=date_window())),
        ("currency", lambda: clean_currency(fields.get("currency"), book)),
        ("amount", lambda: _positive_amount(fields.get("amount"), field="amount")),
        (
            "receipt_ref",
            lambda: _text(
                fields.get("receipt_ref"),
                field="receipt_ref",
                label=_("The receipt reference"),
                limit=100,
                required=False,
            ),
        ),
        (
            "over_reason",
            lambda: _text(
                fields.get("over_reason"), field="over_reason", label=_("The reason"), limit=500, required=False
            ),
        ),
    ):
        try:
            cleaned[name] = fn()
        except DomainError as exc:
            errors.append(exc)
    _first(errors)
    book.convert(cleaned["amount"], cleaned["currency"], cleaned["date"])
    check_year_open(cleaned["date"], on=today)
    creating = execution is None
    if execution is None:
        execution = Execution(contract=contract, enterprise_id=contract.enterprise_id, status=RecordStatus.DRAFT)
        before: dict[str, Any] = {}
    else:
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.contract_id != contract.pk:
            raise PermissionDeniedError()
        if execution.status not in EDITABLE:
            raise DomainError(
                _("Only a draft or returned record can be changed; correct an approved record first."),
                code="not_editable",
            )
        before = {f: getattr(execution, f) for f in EXECUTION_FIELDS}
        check_year_open(execution.date, on=today)
    if not cleaned["over_reason"] and _executed_total_exceeds(
        contract,
        amount=cleaned["amount"],
        currency=cleaned["currency"],
        on=cleaned["date"],
        exclude_pk=execution.pk,
    ):
        raise DomainError(
            _("With this record the executions exceed the contract amount: state the reason."),
            field="over_reason",
            code="over_contract",
        )
    for name, value in cleaned.items():
        setattr(execution, name, value)
    execution.save()
    after = {f: getattr(execution, f) for f in EXECUTION_FIELDS}
    audit_record(
        actor=acting_user,
        action="stats.execution.created" if creating else "stats.execution.updated",
        obj=execution,
        summary=f"{contract.contract_no} {execution.date} {execution.amount} {execution.currency}",
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return execution


# --- staffing reports --------------------------------------------------------------------------------


@transaction.atomic
def staffing_report_save(
    *,
    acting_user: User | None,
    enterprise: Enterprise,
    fields: dict[str, Any],
    report: StaffingReport | None = None,
    today: date | None = None,
) -> StaffingReport:
    """Create or change a staffing report for the period (of the configured length) containing `period_start`."""
    _require_filer(acting_user, enterprise.pk)
    params = parameters()
    day = _required_date(fields.get("period_start"), field="period_start", window=date_window())
    start, end = period_for(day, params.staffing_period_months)
    numbers = {}
    for name in ("employees", "new_employees", "new_graduates"):
        numbers[name] = clean_int(fields.get(name), field=name)
    if numbers["new_graduates"] > numbers["new_employees"]:
        raise DomainError(
            _("The graduates are counted among the new employees: there cannot be more of them."),
            field="new_graduates",
            code="graduates",
        )
    check_year_open(end, on=today)
    creating = report is None
    if report is None:
        report = StaffingReport(enterprise=enterprise, status=RecordStatus.DRAFT)
    else:
        report = StaffingReport.objects.select_for_update().get(pk=report.pk)
        if report.enterprise_id != enterprise.pk:
            raise PermissionDeniedError()
        if report.status not in EDITABLE:
            raise DomainError(
                _("Only a draft or returned record can be changed; correct an approved record first."),
                code="not_editable",
            )
        check_year_open(report.period_end, on=today)
    # Overlap, not only the same start: the period length is a parameter and may have changed since.
    clash = StaffingReport.objects.filter(enterprise=enterprise, period_start__lte=end, period_end__gte=start)
    if not creating:
        clash = clash.exclude(pk=report.pk)
    other = clash.first()
    if other is not None:
        raise DomainError(
            _("There is already a report for the period %(start)s – %(end)s.")
            % {"start": other.period_start.isoformat(), "end": other.period_end.isoformat()},
            field="period_start",
            code="duplicate",
        )
    report.period_start, report.period_end = start, end
    for name, value in numbers.items():
        setattr(report, name, value)
    report.save()
    audit_record(
        actor=acting_user,
        action="stats.staffing.created" if creating else "stats.staffing.updated",
        obj=report,
        summary=f"{enterprise.credit_code} {start}–{end}",
        changes={**numbers, "period_start": start},
    )
    return report


@transaction.atomic
def record_delete(*, acting_user: User | None, record: Record) -> None:
    """Delete a draft or returned record that does not count (and, for a contract, has no executions)."""
    _require_filer(acting_user, record.enterprise_id)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.status not in EDITABLE:
        raise DomainError(_("Only a draft or returned record can be deleted."), code="not_deletable")
    if isinstance(record, Contract) and record.executions.exists():
        raise DomainError(_("This contract has execution records: delete them first."), code="has_executions")
    audit_record(
        actor=acting_user,
        action=f"stats.{record_kind(record)}.deleted",
        obj=record,
        summary=str(record),
    )
    record.delete()


# --- review ------------------------------------------------------------------------------------------


def _snapshot_key(contract: Contract) -> None:
    """Fix the rollup key a contract (and its executions) count under: its dimensions now."""
    enterprise = contract.enterprise
    category = contract.category
    contract.k_zone = enterprise.zone.code if enterprise.zone_id and enterprise.zone else ""
    contract.k_ownership = enterprise.ownership_type_id or ""
    contract.k_category = category.code
    contract.k_top_level = category.top_level
    contract.k_country = contract.client_country
    contract.k_offshore = is_offshore(contract.client_country)
    contract.k_set = True


def _convert(record: Contract | Execution) -> None:
    conversion = RateBook([record.currency]).convert(record.amount, record.currency, record_date(record))
    record.cny_rate = conversion.cny_rate
    record.usd_rate = conversion.usd_rate
    record.amount_cny = conversion.amount_cny
    record.amount_usd = conversion.amount_usd


def _approve(record: Record, deltas: rollup.Deltas) -> None:
    if isinstance(record, Contract):
        old = copy.copy(record) if record.k_set else None
        _convert(record)
        _snapshot_key(record)
        rollup.add_contract(deltas, record, +1)
        if old is not None and rollup.contract_key(old)[2:] != rollup.contract_key(record)[2:]:
            # Executions count under their contract as last approved: move them to the new key.
            for execution in record.executions.filter(status=RecordStatus.APPROVED):
                rollup.add_execution(deltas, execution, old, -1)
                rollup.add_execution(deltas, execution, record, +1)
    elif isinstance(record, Execution):
        contract = record.contract
        if contract.status != RecordStatus.APPROVED:
            raise DomainError(
                _("The contract of this execution record is not approved yet: approve the contract first."),
                code="contract_not_approved",
            )
        _convert(record)
        rollup.add_execution(deltas, record, contract, +1)


def _withdraw(record: Record, deltas: rollup.Deltas) -> None:
    if isinstance(record, Contract):
        rollup.add_contract(deltas, record, -1)
    elif isinstance(record, Execution):
        rollup.add_execution(deltas, record, record.contract, -1)


def _check_can_take(acting_user: User | None, record: Record, action: str) -> None:
    if acting_user is None:
        return
    if action in ("approve", "return"):
        if not can_review(acting_user, record.enterprise):
            raise PermissionDeniedError(_("You do not review this enterprise's statistics."))
    elif not can_file(acting_user, record.enterprise_id):
        raise PermissionDeniedError()


def _transition(
    *, acting_user: User | None, record: Record, action: str, reason: str, today: date | None, deltas: rollup.Deltas
) -> Record:
    model = type(record)
    record = model.objects.select_for_update(of=("self",)).select_related("enterprise__zone").get(pk=record.pk)
    role = acting_user.role if acting_user is not None else Role.PROGRAMME_OFFICE.value
    transition = RECORD_WORKFLOW.check(name=action, state=record.status, role=role, reason=reason)
    _check_can_take(acting_user, record, action)
    if action != "return":
        check_year_open(record_date(record), on=today)
    if action == "submit" and isinstance(record, Contract | Execution):
        RateBook([record.currency]).convert(record.amount, record.currency, record_date(record))
        if (
            isinstance(record, Execution)
            and not record.over_reason
            and _executed_total_exceeds(
                record.contract, amount=record.amount, currency=record.currency, on=record.date, exclude_pk=record.pk
            )
        ):
            raise DomainError(
                _("With this record the executions exceed the contract amount: state the reason."),
                field="over_reason",
                code="over_contract",
            )
    before = record.status
    if action == "approve":
        _approve(record, deltas)
    elif action == "correct":
        _withdraw(record, deltas)
    if action in ("approve", "correct"):
        public_cache.changed(public_cache.STATISTICS)  # approved figures are public
    record.status = transition.target
    now = timezone.now()
    if action == "submit":
        record.submitted_at = now
    if action in ("approve", "return"):
        record.reviewed_at = now
        record.reviewed_by = acting_user
    record.return_reason = reason.strip()[:500] if action in ("return", "correct") else ""
    record.save()
    audit_record(
        actor=acting_user,
        action=f"stats.{record_kind(record)}.{action}",
        obj=record,
        summary=reason.strip()[:500] or str(record),
        changes={"status": [before, record.status]},
        data={"amount_cny": getattr(record, "amount_cny", None), "amount_usd": getattr(record, "amount_usd", None)},
    )
    return record


def record_transition(
    *, acting_user: User | None, record: Record, action: str, reason: str = "", today: date | None = None
) -> Record:
    """Take one step of the review workflow (submit, approve, return, correct), keeping the rollup in step."""
    with transaction.atomic():
        deltas = rollup.Deltas()
        record = _transition(
            acting_user=acting_user, record=record, action=action, reason=reason, today=today, deltas=deltas
        )
        rollup.apply(deltas)
    return record


@dataclass(frozen=True)
class BulkResult:
    done: int
    errors: list[tuple[Record, str]]


def records_transition(
    *, acting_user: User, records: Iterable[Record], action: str, reason: str = "", today: date | None = None
) -> BulkResult:
    """The same action on many records; each record is its own transaction, failures are listed."""
    done = 0
    errors: list[tuple[Record, str]] = []
    for record in records:
        try:
            record_transition(acting_user=acting_user, record=record, action=action, reason=reason, today=today)
        except DomainError as exc:
            errors.append((record, str(exc.message)))
        else:
            done += 1
    return BulkResult(done=done, errors=errors)


# --- exchange rates and parameters -------------------------------------------------------------------


def require_office(acting_user: User | None) -> None:
    if acting_user is not None and acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()


def _clean_rate(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "")) if raw is not None else None
    except ArithmeticError:
        value = None
    if isinstance(raw, float):
        value = Decimal(repr(raw))
    if value is None or not value.is_finite() or value <= 0:
        raise DomainError(
            _("The rate must be a number above zero: %(value)s") % {"value": raw if raw is not None else ""},
            field="cny_per_unit",
            code="rate",
        )
    if value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise DomainError(_("The rate may have at most 6 decimal places."), field="cny_per_unit", code="rate")
    if value >= Decimal(10) ** 12:
        raise DomainError(_("The rate is too large."), field="cny_per_unit", code="rate")
    return value


def _clean_rate_currency(raw: Any) -> str:
    currency = normalise_currency(raw)
    if currency is None or currency == "CNY":
        raise DomainError(
            _("Not a foreign currency code (three letters, not CNY): %(value)s") % {"value": raw or ""},
            field="currency",
            code="currency",
        )
    return currency


@transaction.atomic
def exchange_rate_set(*, acting_user: User | None, currency: Any, date: Any, cny_per_unit: Any) -> ExchangeRate:
    """Enter or change the rate of a currency from a date (programme office)."""
    require_office(acting_user)
    code = _clean_rate_currency(currency)
    day = _required_date(date, field="date")
    rate = _clean_rate(cny_per_unit)
    row, created = ExchangeRate.objects.select_for_update().get_or_create(
        currency=code, date=day, defaults={"cny_per_unit": rate}
    )
    before = None if created else row.cny_per_unit
    if not created and row.cny_per_unit != rate:
        row.cny_per_unit = rate
        row.save(update_fields=["cny_per_unit"])
    audit_record(
        actor=acting_user,
        action="stats.rate.set",
        obj=row,
        summary=f"{code} {day} {rate}",
        changes={"cny_per_unit": [before, rate]},
    )
    return row


@transaction.atomic
def exchange_rate_delete(*, acting_user: User | None, rate: ExchangeRate) -> None:
    require_office(acting_user)
    audit_record(actor=acting_user, action="stats.rate.deleted", obj=rate, summary=str(rate))
    rate.delete()


RATE_COLUMNS = ("date", "currency", "cny_per_unit")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int = 0


def _digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def exchange_rates_import(
    *, acting_user: User | None, stream: IO[bytes], filename: str, progress: ImportProgress | None = None
) -> ImportResult:
    """Load rates from CSV/XLSX (date, currency, cny_per_unit): all rows or none; existing dates are updated."""
    require_office(acting_user)
    digest = _digest(stream)
    window = date_window()
    errors = RowErrors()
    rows: dict[tuple[str, date], tuple[int, Decimal]] = {}
    reader = read_table(stream, filename=filename, required_columns=RATE_COLUMNS, errors=errors, progress=progress)
    for number, values in reader:
        if errors.full:
            break
        cleaned: dict[str, Any] = {}
        for column, fn in (
            ("date", lambda v=values: _required_date(v.get("date"), field="date", window=window)),
            ("currency", lambda v=values: _clean_rate_currency(v.get("currency"))),
            ("cny_per_unit", lambda v=values: _clean_rate(v.get("cny_per_unit"))),
        ):
            try:
                cleaned[column] = fn()
            except DomainError as exc:
                errors.append(RowError(number, column, str(exc.message)))
        if len(cleaned) == 3:
            key = (cleaned["currency"], cleaned["date"])
            if key in rows:
                errors.append(
                    RowError(
                        number,
                        "date",
                        _("The same currency and date are already in row %(row)d.") % {"row": rows[key][0]},
                    )
                )
            else:
                rows[key] = (number, cleaned["cny_per_unit"])
    if errors:
        errors.refuse(reader)
    if not rows:
        raise DomainError(_("The file has no data rows."), code="empty_file")
    with transaction.atomic():
        existing = {
            (r.currency, r.date): r
            for r in ExchangeRate.objects.filter(currency__in={c for c, _d in rows}).select_for_update()
        }
        new, changed = [], []
        for (currency, day), (_n, rate) in rows.items():
            row = existing.get((currency, day))
            if row is None:
                new.append(ExchangeRate(currency=currency, date=day, cny_per_unit=rate))
            elif row.cny_per_unit != rate:
                row.cny_per_unit = rate
                changed.append(row)
        ExchangeRate.objects.bulk_create(new, batch_size=2000)
        ExchangeRate.objects.bulk_update(changed, ["cny_per_unit"], batch_size=2000)
        audit_record(
            actor=acting_user,
            action="stats.rates.imported",
            object_type="statistics.exchangerate",
            summary=filename[:200],
            data={"sha256": digest, "created": len(new), "updated": len(changed)},
        )
    return ImportResult(created=len(new), updated=len(changed))


PARAMETER_FIELDS = (
    "cutoff_month",
    "cutoff_day",
    "staffing_period_months",
    "goal_base_year",
    "goal_target_year",
    "goal_multiple",
    "goal_base_amount_usd",
    "revenue_measure",
    "dates_years_ahead",
    "disclosure_min_enterprises",
    "disclosure_dominance_pct",
)


@transaction.atomic
def parameters_update(*, acting_user: User | None, fields: dict[str, Any]) -> StatisticsParameters:
    """Change the statistics parameters (programme office)."""
    require_office(acting_user)
    params = parameters()
    params = StatisticsParameters.objects.select_for_update().get(pk=params.pk)
    public_cache.changed(public_cache.STATISTICS)
    before = {f: getattr(params, f) for f in PARAMETER_FIELDS}
    for name, value in fields.items():
        if name not in PARAMETER_FIELDS:
            raise DomainError(f"unknown parameter {name}")
        setattr(params, name, value)
    if not 1 <= params.cutoff_month <= 12 or not 1 <= params.cutoff_day <= 31:
        raise DomainError(_("The cut-off must be a valid month and day."), field="cutoff_day", code="cutoff")
    if params.staffing_period_months not in (1, 2, 3, 4, 6, 12):
        raise DomainError(
            _("The staffing period must divide the year: 1, 2, 3, 4, 6 or 12 months."),
            field="staffing_period_months",
            code="period",
        )
    if params.goal_target_year <= params.goal_base_year:
        raise DomainError(_("The target year must come after the base year."), field="goal_target_year", code="goal")
    if params.goal_multiple <= 0:
        raise DomainError(_("The multiple must be above zero."), field="goal_multiple", code="goal")
    if not 0 <= params.dates_years_ahead <= MAX_YEARS_AHEAD:
        raise DomainError(
            _("Dates may be accepted up to at most %(n)s years ahead.") % {"n": MAX_YEARS_AHEAD},
            field="dates_years_ahead",
            code="dates",
        )
    if params.goal_base_amount_usd is not None and params.goal_base_amount_usd < 0:
        raise DomainError(_("The amount may not be negative."), field="goal_base_amount_usd", code="goal")
    if params.disclosure_min_enterprises < 1:
        raise DomainError(
            _("At least one enterprise must be behind a published figure."),
            field="disclosure_min_enterprises",
            code="disclosure",
        )
    if not 0 < params.disclosure_dominance_pct <= 100:
        raise DomainError(
            _("The largest share must be above 0 and at most 100 %."),
            field="disclosure_dominance_pct",
            code="disclosure",
        )
    params.save()
    after = {f: getattr(params, f) for f in PARAMETER_FIELDS}
    audit_record(
        actor=acting_user,
        action="stats.parameters.updated",
        obj=params,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return params


# --- bulk imports ------------------------------------------------------------------------------------

CONTRACT_COLUMNS = (
    "credit_code",
    "contract_no",
    "client_name",
    "client_country",
    "category",
    "currency",
    "amount",
    "signed_date",
)
CONTRACT_OPTIONAL_COLUMNS = ("client_industry", "start_date", "end_date")
EXECUTION_COLUMNS = ("credit_code", "contract_no", "date", "currency", "amount", "receipt_ref")
EXECUTION_OPTIONAL_COLUMNS = ("over_reason",)
BATCH = 2_000


def import_scope(acting_user: User | None, approve: bool) -> int | None:
    """Who may import: the programme office (any enterprise) or a verified enterprise's user (its own, as drafts).

    A self-registered enterprise that staff have not verified may not import (issue 9: an import is the
    heaviest thing a user can ask of the platform).
    """
    if acting_user is None:
        return None
    if approve and acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError(_("Only the programme office may import records as approved."))
    if acting_user.role == Role.PROGRAMME_OFFICE:
        return None
    if acting_user.role == Role.ENTERPRISE and acting_user.enterprise_id:
        enterprise = acting_user.enterprise
        if enterprise is None or enterprise.status not in {EnterpriseStatus.VERIFIED, EnterpriseStatus.RECOGNISED}:
            raise PermissionDeniedError(_("Only a verified enterprise may import records."))
        return int(acting_user.enterprise_id)
    raise PermissionDeniedError()


def _enterprise_for(raw: Any, enterprises: dict[str, int], own: int | None) -> int:
    code = str(raw or "").strip().upper().replace(" ", "")
    pk = enterprises.get(code)
    if pk is None:
        raise DomainError(
            _("No registered enterprise has this credit code: %(value)s") % {"value": raw or ""}, code="enterprise"
        )
    if own is not None and pk != own:
        raise DomainError(_("You may import records only for your own enterprise."), code="enterprise")
    return pk


def contracts_import(
    *,
    acting_user: User | None,
    stream: IO[bytes],
    filename: str,
    approve: bool = False,
    progress: ImportProgress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import contracts from CSV/XLSX: all or nothing, every bad row listed with its column.

    Without `approve` the contracts are drafts (the year's cut-off applies). With `approve` (historical
    data already reviewed elsewhere, programme office or command line only) they count at once.
    """
    own = import_scope(acting_user, approve)
    digest = _digest(stream)
    enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
    categories = {c.code: c for c in ServiceCategory.objects.filter(parent__isnull=False)}
    book = RateBook()
    params = parameters()
    window = date_window(years_ahead=params.dates_years_ahead)
    errors = RowErrors()
    seen: dict[tuple[int, str], int] = {}  # (enterprise, contract number) → row: duplicates in the file
    # Checked rows wait on disk, not in memory (`Spool`), as the values of their insert; the zone and
    # ownership of each enterprise (the rollup's keys) are read once, before the rows.
    dims = {
        pk: (zone or "", ownership or "")
        for pk, zone, ownership in Enterprise.objects.values_list("id", "zone__code", "ownership_type_id")
    }
    ops = connection.ops
    deltas = rollup.Deltas()
    with Spool() as pending:
        reader = read_table(
            stream, filename=filename, required_columns=CONTRACT_COLUMNS, errors=errors, progress=progress
        )
        for number, values in reader:
            if errors.full:
                break
            enterprise_id = None
            try:
                enterprise_id = _enterprise_for(values.get("credit_code"), enterprises, own)
            except DomainError as exc:
                errors.append(RowError(number, "credit_code", str(exc.message)))
            cleaned, row_errors = _clean_contract(values, book=book, categories=categories, window=window)
            for problem in row_errors:
                errors.append(RowError(number, problem.field or "", str(problem.message)))
            if row_errors or enterprise_id is None:
                continue
            if not approve:
                try:
                    check_year_open(cleaned["signed_date"], on=today, params=params)
                except DomainError as exc:
                    errors.append(RowError(number, "signed_date", str(exc.message)))
                    continue
            key = (enterprise_id, cleaned["contract_no"])
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "contract_no",
                        _("The same contract number is already in row %(row)d.") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = number
            if not errors:  # once a row is refused nothing is written: only the checks go on
                pending.append(_contract_values(cleaned, enterprise_id, dims, deltas, approve=approve, ops=ops))
        if seen and not errors.full:
            numbers_by_enterprise: dict[int, set[str]] = {}
            for enterprise_id, contract_no in seen:
                numbers_by_enterprise.setdefault(enterprise_id, set()).add(contract_no)
            ids = list(numbers_by_enterprise)
            taken: list[int] = []
            for start in range(0, len(ids), 500):
                for found in Contract.objects.filter(enterprise_id__in=ids[start : start + 500]).values_list(
                    "enterprise_id", "contract_no"
                ):
                    if found in seen:
                        taken.append(seen[found])
            for number in sorted(taken):  # in the file's order
                errors.append(
                    RowError(number, "contract_no", _("This enterprise already has a contract with this number."))
                )
        if errors:
            errors.refuse(reader)
        if not pending:
            raise DomainError(_("The file has no data rows."), code="empty_file")
        now = ops.adapt_datetimefield_value(timezone.now())
        status = RecordStatus.APPROVED if approve else RecordStatus.DRAFT
        reviewed = now if approve else None
        reviewer_id = acting_user.pk if approve and acting_user is not None else None
        head = (now, now, status, "", reviewed, reviewed, reviewer_id)
        with transaction.atomic():
            insert_rows(Contract, CONTRACT_INSERT_COLUMNS, ((*head, *row) for row in pending))
            rollup.apply(deltas)
            audit_record(
                actor=acting_user,
                action="stats.contracts.imported",
                object_type="statistics.contract",
                summary=filename[:200],
                data={"sha256": digest, "created": len(pending), "approved": approve},
            )
        return ImportResult(created=len(pending))


def _contract_values(
    c: dict[str, Any],
    enterprise_id: int,
    dims: dict[int, tuple[str, str]],
    deltas: rollup.Deltas,
    *,
    approve: bool,
    ops: Any,
) -> tuple[Any, ...]:
    """A checked contract row as the values of its insert (all but the first seven columns: times, status and
    reviewer, added when it is written); an approved one adds its amounts to the rollup deltas."""
    category = c["category"]
    signed = c["signed_date"]
    rates: tuple[Any, ...] = (None, None, None, None)
    key: tuple[Any, ...] = ("", "", "", "", "", False, False)
    if approve:
        conversion = c["conversion"]
        rates = (conversion.cny_rate, conversion.usd_rate, conversion.amount_cny, conversion.amount_usd)
        zone, ownership = dims[enterprise_id]
        offshore = is_offshore(c["client_country"])
        key = (zone, ownership, category.code, category.top_level, c["client_country"], offshore, True)
        deltas.add(
            (signed.year, signed.month, enterprise_id, zone, category.top_level, category.code,
             c["client_country"], ownership, offshore),
            (1, conversion.amount_cny, conversion.amount_usd, 0, 0, 0),
        )  # fmt: skip
    start, end = c["start_date"], c["end_date"]
    return (
        enterprise_id, c["contract_no"], c["client_name"], c["client_country"], category.code, c["client_industry"],
        c["currency"], c["amount"], ops.adapt_datefield_value(signed),
        ops.adapt_datefield_value(start) if start else None, ops.adapt_datefield_value(end) if end else None,
        *rates, *key,
    )  # fmt: skip


CONTRACT_INSERT_COLUMNS = (
    "created_at", "updated_at", "status", "return_reason", "submitted_at", "reviewed_at", "reviewed_by_id",
    "enterprise_id", "contract_no", "client_name", "client_country", "category_id", "client_industry", "currency",
    "amount", "signed_date", "start_date", "end_date", "cny_rate", "usd_rate", "amount_cny", "amount_usd",
    "k_zone", "k_ownership", "k_category", "k_top_level", "k_country", "k_offshore", "k_set",
)  # fmt: skip
EXECUTION_INSERT_COLUMNS = (
    "created_at", "updated_at", "status", "return_reason", "submitted_at", "reviewed_at", "reviewed_by_id",
    "contract_id", "enterprise_id", "date", "currency", "amount", "receipt_ref", "over_reason", "cny_rate",
    "usd_rate", "amount_cny", "amount_usd",
)  # fmt: skip


def executions_import(
    *,
    acting_user: User | None,
    stream: IO[bytes],
    filename: str,
    approve: bool = False,
    progress: ImportProgress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import execution records from CSV/XLSX: all or nothing, like the contract import.

    Each row names its contract by the enterprise's credit code and the contract number. With `approve`
    the contract must already be approved. A row that takes a contract's executions past its amount needs
    an `over_reason`.
    """
    own = import_scope(acting_user, approve)
    digest = _digest(stream)
    enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
    book = RateBook()
    params = parameters()
    window = date_window(years_ahead=params.dates_years_ahead)
    errors = RowErrors()
    parsed: list[tuple[int, int, str, dict[str, Any]]] = []
    reader = read_table(stream, filename=filename, required_columns=EXECUTION_COLUMNS, errors=errors, progress=progress)
    for number, values in reader:
        if errors.full:
            break
        cleaned: dict[str, Any] = {}
        row_ok = True
        for column, fn in (
            ("credit_code", lambda v=values: _enterprise_for(v.get("credit_code"), enterprises, own)),
            (
                "contract_no",
                lambda v=values: _text(
                    v.get("contract_no"), field="contract_no", label=_("The contract number"), limit=64
                ),
            ),
            ("date", lambda v=values: _required_date(v.get("date"), field="date", window=window)),
            ("currency", lambda v=values: clean_currency(v.get("currency"), book)),
            ("amount", lambda v=values: _positive_amount(v.get("amount"), field="amount")),
            (
                "receipt_ref",
                lambda v=values: _text(v.get("receipt_ref"), field="receipt_ref", label="", limit=100, required=False),
            ),
            (
                "over_reason",
                lambda v=values: _text(v.get("over_reason"), field="over_reason", label="", limit=500, required=False),
            ),
        ):
            try:
                cleaned[column] = fn()
            except DomainError as exc:
                errors.append(RowError(number, column, str(exc.message)))
                row_ok = False
        if not row_ok:
            continue
        try:
            book.convert(cleaned["amount"], cleaned["currency"], cleaned["date"])
            if not approve:
                check_year_open(cleaned["date"], on=today, params=params)
        except DomainError as exc:
            errors.append(RowError(number, "date" if exc.code == "year_frozen" else "currency", str(exc.message)))
            continue
        parsed.append((number, cleaned["credit_code"], cleaned["contract_no"], cleaned))
    if errors.full:
        errors.refuse(reader)
    contracts: dict[tuple[int, str], Contract] = {}
    keys = {(e, n) for _r, e, n, _c in parsed}
    ids = sorted({e for e, _n in keys})
    for start in range(0, len(ids), 500):
        for contract in Contract.objects.filter(enterprise_id__in=ids[start : start + 500]):
            if (contract.enterprise_id, contract.contract_no) in keys:
                contracts[(contract.enterprise_id, contract.contract_no)] = contract
    executed: dict[int, Decimal] = {}
    by_id = {c.pk: c for c in contracts.values()}
    if contracts:
        for contract_id, amount, currency, day in (
            Execution.objects.filter(contract_id__in=[c.pk for c in contracts.values()])
            .exclude(status=RecordStatus.RETURNED)
            .values_list("contract_id", "amount", "currency", "date")
        ):
            executed[contract_id] = executed.get(contract_id, Decimal(0)) + _limit_cny(
                book, by_id[contract_id], amount, currency, day
            )
    pending: list[tuple[Contract, dict[str, Any]]] = []
    for number, enterprise_id, contract_no, cleaned in parsed:
        if errors.full:
            break
        found = contracts.get((enterprise_id, contract_no))
        if found is None:
            errors.append(RowError(number, "contract_no", _("This enterprise has no contract with this number.")))
            continue
        contract = found
        if approve and contract.status != RecordStatus.APPROVED:
            errors.append(
                RowError(
                    number, "contract_no", _("The contract is not approved: executions cannot be approved before it.")
                )
            )
            continue
        limit = _limit_cny(book, contract, contract.amount, contract.currency, contract.signed_date)
        total = executed.get(contract.pk, Decimal(0)) + _limit_cny(
            book, contract, cleaned["amount"], cleaned["currency"], cleaned["date"]
        )
        executed[contract.pk] = total
        if total > limit and not cleaned["over_reason"]:
            errors.append(
                RowError(
                    number,
                    "over_reason",
                    _("With this record the executions exceed the contract amount: state the reason."),
                )
            )
            continue
        pending.append((contract, cleaned))
    if errors:
        errors.refuse(reader)
    if not pending:
        raise DomainError(_("The file has no data rows."), code="empty_file")
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    status = RecordStatus.APPROVED if approve else RecordStatus.DRAFT
    reviewer_id = acting_user.pk if approve and acting_user is not None else None
    deltas = rollup.Deltas()

    def rows() -> Iterator[tuple[Any, ...]]:
        for contract, c in pending:
            reviewed = None
            rates: tuple[Any, ...] = (None, None, None, None)
            if approve:
                conversion = book.convert(c["amount"], c["currency"], c["date"])
                rates = (conversion.cny_rate, conversion.usd_rate, conversion.amount_cny, conversion.amount_usd)
                reviewed = now
                deltas.add(
                    (c["date"].year, c["date"].month, *rollup.contract_key(contract)[2:]),
                    (0, 0, 0, 1, conversion.amount_cny, conversion.amount_usd),
                )
            yield (
                now, now, status, "", reviewed, reviewed, reviewer_id, contract.pk, contract.enterprise_id,
                ops.adapt_datefield_value(c["date"]), c["currency"], c["amount"], c["receipt_ref"], c["over_reason"],
                *rates,
            )  # fmt: skip

    with transaction.atomic():
        insert_rows(Execution, EXECUTION_INSERT_COLUMNS, rows())
        rollup.apply(deltas)
        audit_record(
            actor=acting_user,
            action="stats.executions.imported",
            object_type="statistics.execution",
            summary=filename[:200],
            data={"sha256": digest, "created": len(pending), "approved": approve},
        )
    return ImportResult(created=len(pending))
