"""Every way money moves in the special-fund ledger: budget, commitment, payment, release, reversal.

Each service is one transaction that locks the budget line (the applications area locks the application
before calling in, then the line, then the commitment: one order, so two writers never wait on each other
crosswise), checks the rule, writes the audit event and then one `LedgerEntry` tied to it, and moves the
line's running totals and the commitment's amounts by the entry's deltas. Writers on different lines do not
wait for each other: the audit chain is sealed after the commit (`audit.services`). The database
constraints on `BudgetLine` and `Commitment` refuse any result that
breaks "committed + paid ≤ budget" or "paid + released ≤ committed" even if a check here were wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record, audit_record_many
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.money import ZERO, MoneyError, format_money, parse_money
from waibao.common.plain_sql import RowInsert, RowQuery, RowUpdate
from waibao.ledger.models import (
    BudgetLine,
    Commitment,
    CommitmentStatus,
    EntryKind,
    Fund,
    FundSource,
    LedgerEntry,
    RuleEarmark,
    UseCategory,
)

# Who may do what (the programme office commits at final approval; finance records the money moving).
COMMIT_ROLES = frozenset({Role.PROGRAMME_OFFICE})
PAY_ROLES = frozenset({Role.FINANCE_OFFICER})
RELEASE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICE})
REVERSE_ROLES = frozenset({Role.FINANCE_OFFICER})
BUDGET_ROLES = frozenset({Role.FINANCE_OFFICER})

MAX_KEY_LENGTH = 100


def _condition_hire_confirmed(application: Any) -> bool:
    return getattr(application, "hire_confirmed_at", None) is not None


# Payment conditions named in the data set (funds.yaml `payment_condition`): name → test on the application.
PAYMENT_CONDITIONS: dict[str, tuple[Callable[[Any], bool], Any]] = {
    "hire_confirmed": (
        _condition_hire_confirmed,
        gettext_lazy(
            "The hire has not been recorded and confirmed yet: this reward is paid only once the trainee is hired."
        ),
    ),
}


# --- helpers --------------------------------------------------------------------------------------------


def _require_role(acting_user: User | None, roles: frozenset[str]) -> User:
    if acting_user is None or not getattr(acting_user, "is_authenticated", False) or acting_user.role not in roles:
        raise PermissionDeniedError()
    return acting_user


def clean_amount(value: Any, *, field: str = "amount") -> Decimal:
    """A positive amount to the fen, read by `common.money.parse_money`: anything else is refused with a
    message (never rounded silently, never beyond `MONEY_MAX`)."""
    try:
        return parse_money(value, allow_zero=False)
    except MoneyError as exc:
        raise DomainError(exc.message, field=field, code="amount") from None


def _clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = str(key).strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(_("The idempotency key is too long."), field="idempotency_key", code="key")
    return key


# The reads of every commitment and payment, their SQL built once (common.plain_sql.RowQuery).
_LINE_BY_ID = RowQuery(BudgetLine, lock=True)
_LINE_OF = RowQuery(BudgetLine, where=("source", "category", "year"), lock=True)
_COMMITMENT = RowQuery(Commitment, related=("application",), lock=True)
_ENTRY_FOR_KEY = RowQuery(LedgerEntry, where=("idempotency_key",))
_EARMARK = RowQuery(RuleEarmark, where=("rule_id",), related=("category",))
# …and its writes (no signals: nobody listens to these models).
_INSERT_ENTRY = RowInsert(LedgerEntry)
_INSERT_COMMITMENT = RowInsert(Commitment)
_SAVE_LINE_TOTALS = RowUpdate(BudgetLine, ("budgeted", "committed", "paid"))
_SAVE_COMMITMENT_MONEY = RowUpdate(Commitment, ("paid", "released", "status"))


def _lock_where(*, pk: int | None = None, source_id: int = 0, category_id: int = 0, year: int = 0) -> BudgetLine | None:
    """Lock the budget line named by its id, or by its source, category and year, for the rest of the
    transaction (its row alone: the writers read only its totals; a refusal that names the line reads its source
    and category then)."""
    if pk is not None:
        return _LINE_BY_ID.get(pk)
    return _LINE_OF.get(source_id, category_id, year)


def _lock(budget_line_id: int) -> BudgetLine:
    line = _lock_where(pk=budget_line_id)
    if line is None:
        raise DomainError(_("The budget line does not exist."), code="not_found")
    return line


def _commitment_status(commitment: Commitment) -> str:
    if commitment.open_amount > ZERO:
        return CommitmentStatus.PARTLY_PAID if commitment.paid > ZERO else CommitmentStatus.OPEN
    return CommitmentStatus.SETTLED if commitment.paid > ZERO else CommitmentStatus.RELEASED


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """A payment as finance records it: the voucher, the date the bank paid, the payee's account and the
    bank's reference (the person who entered it is the entry's `actor`)."""

    voucher_number: str
    paid_on: date
    payee_account: str
    bank_reference: str = ""

    def cleaned(self) -> PaymentRecord:
        voucher = self.voucher_number.strip()
        account = "".join(self.payee_account.split())
        if not voucher:
            raise DomainError(_("Enter the voucher number."), field="voucher_number", code="voucher_required")
        if not account:
            raise DomainError(_("Enter the payee's account."), field="payee_account", code="payee_required")
        if self.paid_on > timezone.localdate():
            raise DomainError(_("The payment date cannot be in the future."), field="paid_on", code="paid_on_future")
        return PaymentRecord(voucher[:64], self.paid_on, account[:64], self.bank_reference.strip()[:100])


def _append(
    *,
    acting_user: User | None,
    kind: str,
    line: BudgetLine,
    amount: Decimal,
    delta_budgeted: Decimal = ZERO,
    delta_committed: Decimal = ZERO,
    delta_paid: Decimal = ZERO,
    commitment: Commitment | None = None,
    reverses: LedgerEntry | None = None,
    idempotency_key: str | None = None,
    reason: str = "",
    record: PaymentRecord | None = None,
) -> LedgerEntry:
    """Write the audit event, then the entry tied to it, and move the line's totals (the caller holds the line)."""
    # Computed in Decimal from the locked row (exact on every database); the CheckConstraints refuse an
    # overdrawn line whatever the arithmetic here.
    line.budgeted += delta_budgeted
    line.committed += delta_committed
    line.paid += delta_paid
    obj: Any = commitment.application if commitment is not None else line
    event = audit_record(
        actor=acting_user,
        action=f"ledger.{kind}",
        obj=obj,
        summary=format_money(amount),
        changes={
            "budget_line": {
                "budgeted": str(line.budgeted),
                "committed": str(line.committed),
                "paid": str(line.paid),
            }
        },
        data={
            "budget_line_id": line.pk,
            "commitment_id": commitment.pk if commitment is not None else None,
            "amount": str(amount),
            "reverses": reverses.pk if reverses is not None else None,
            "idempotency_key": idempotency_key,
            "reason": reason.strip()[:500],
            **(
                {
                    "voucher_number": record.voucher_number,
                    "paid_on": record.paid_on.isoformat(),
                    "bank_reference": record.bank_reference,
                }
                if record
                else {}
            ),
        },
    )
    entry = LedgerEntry(
        voucher_number=record.voucher_number if record else "",
        paid_on=record.paid_on if record else None,
        payee_account=record.payee_account if record else "",
        bank_reference=record.bank_reference if record else "",
        kind=kind,
        budget_line=line,
        commitment=commitment,
        amount=amount,
        delta_budgeted=delta_budgeted,
        delta_committed=delta_committed,
        delta_paid=delta_paid,
        reverses=reverses,
        idempotency_key=idempotency_key,
        reason=reason.strip()[:500],
        actor=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        created_at=timezone.now(),
        audit_event=event,
    )
    _INSERT_ENTRY.insert(entry)
    _SAVE_LINE_TOTALS.save(line)
    return entry


def _save_commitment(commitment: Commitment, *, paid: Decimal, released: Decimal) -> None:
    commitment.paid = paid
    commitment.released = released
    commitment.status = _commitment_status(commitment)
    _SAVE_COMMITMENT_MONEY.save(commitment)


def _existing_for_key(key: str, *, kind: str, matches: Callable[[LedgerEntry], bool]) -> LedgerEntry | None:
    existing: LedgerEntry | None = _ENTRY_FOR_KEY.get(key)
    if existing is None:
        return None
    if existing.kind != kind or not matches(existing):
        raise DomainError(
            _("This request key was already used for a different ledger entry."),
            code="idempotency_conflict",
            field="idempotency_key",
        )
    return existing


# --- budget ---------------------------------------------------------------------------------------------


def budget_line_ensure(
    *, acting_user: User | None, source: FundSource, category: UseCategory, year: int, is_demo_allocation: bool = False
) -> BudgetLine:
    """The budget line of (source, category, year), created empty if missing. `acting_user=None`: the system."""
    if acting_user is not None:
        _require_role(acting_user, BUDGET_ROLES)
    if not 1990 <= int(year) <= 2200:
        raise DomainError(_("Enter a year between 1990 and 2200."), field="year", code="year")
    with transaction.atomic():
        line, created = BudgetLine.objects.get_or_create(
            source=source, category=category, year=year, defaults={"is_demo_allocation": is_demo_allocation}
        )
        if created:
            audit_record(actor=acting_user, action="ledger.budget_line.created", obj=line, summary=str(line))
    return line


def budget_allocate(
    *,
    acting_user: User | None,
    budget_line: BudgetLine,
    amount: Decimal,
    reason: str = "",
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """Put money on a budget line (a `budget` entry). `acting_user=None` is the system (data-set loader)."""
    if acting_user is not None:
        _require_role(acting_user, BUDGET_ROLES)
    amount = clean_amount(amount)
    key = _clean_key(idempotency_key)
    with transaction.atomic():
        line = _lock(budget_line.pk)
        if key is not None:
            existing = _existing_for_key(
                key, kind=EntryKind.BUDGET, matches=lambda e: e.budget_line_id == line.pk and e.amount == amount
            )
            if existing is not None:
                return existing
        return _append(
            acting_user=acting_user,
            kind=EntryKind.BUDGET,
            line=line,
            amount=amount,
            delta_budgeted=amount,
            idempotency_key=key,
            reason=reason,
        )


@dataclass(frozen=True)
class Allocation:
    """One yearly amount for a (source, category, year) budget line, as the data set gives it."""

    source: FundSource
    category: UseCategory
    year: int
    amount: Decimal
    idempotency_key: str
    is_demo_allocation: bool = False


def budget_load(*, acting_user: User | None, allocations: Sequence[Allocation], reason: str) -> int:
    """Create missing budget lines and budget each allocation once (keyed), in one transaction.

    The bulk path of `budget_allocate` for data-set loads: the same entries, deltas and audit events
    (one per entry), written in a few statements. Returns the number of budget entries added.
    """
    if acting_user is not None:
        _require_role(acting_user, BUDGET_ROLES)
    with transaction.atomic():
        keys = [a.idempotency_key for a in allocations]
        done = set(LedgerEntry.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        todo = [a for a in allocations if a.idempotency_key not in done and a.amount > ZERO]
        if not todo:
            return 0
        wanted = {(a.source.pk, a.category.pk, a.year): a for a in todo}
        existing = {
            (x.source_id, x.category_id, x.year): x
            for x in BudgetLine.objects.filter(
                source__in={a.source.pk for a in todo}, year__in={a.year for a in todo}
            ).select_for_update()
        }
        new_lines = [
            BudgetLine(source=a.source, category=a.category, year=a.year, is_demo_allocation=a.is_demo_allocation)
            for k, a in wanted.items()
            if k not in existing
        ]
        BudgetLine.objects.bulk_create(new_lines)
        lines = {
            (x.source_id, x.category_id, x.year): x
            for x in BudgetLine.objects.filter(source__in={a.source.pk for a in todo}, year__in={a.year for a in todo})
        }
        now = timezone.now()
        audit_record_many(actor=acting_user, action="ledger.budget_line.created", objects=new_lines)
        amounts = [clean_amount(a.amount) for a in todo]
        targets = [lines[(a.source.pk, a.category.pk, a.year)] for a in todo]
        events = audit_record_many(
            actor=acting_user,
            action="ledger.budget",
            objects=targets,
            summary=reason[:500],
            data=[
                {"budget_line_id": line.pk, "amount": str(amount), "idempotency_key": a.idempotency_key}
                for a, line, amount in zip(todo, targets, amounts, strict=True)
            ],
        )
        entries = []
        for a, line, amount, event in zip(todo, targets, amounts, events, strict=True):
            entries.append(
                LedgerEntry(
                    kind=EntryKind.BUDGET,
                    budget_line=line,
                    amount=amount,
                    delta_budgeted=amount,
                    idempotency_key=a.idempotency_key,
                    reason=reason[:500],
                    actor=acting_user,
                    created_at=now,
                    audit_event=event,
                )
            )
            line.budgeted += amount
            line.save(update_fields=["budgeted"])
        LedgerEntry.objects.bulk_create(entries)
    return len(entries)


# --- commitments ----------------------------------------------------------------------------------------


def earmark_for(rule_id: str) -> RuleEarmark:
    earmark: RuleEarmark | None = _EARMARK.get(rule_id)
    if earmark is None:
        raise DomainError(
            _("Rule %(rule)s has no earmarked use in the fund: it cannot be committed.") % {"rule": rule_id},
            code="no_earmark",
        )
    return earmark


def budget_line_for_application(
    *, application: Any, budget_line: BudgetLine | None = None, earmark: RuleEarmark | None = None
) -> BudgetLine:
    """The budget line an application's commitment goes on (checked when one is given).

    The rule: the application's year; the fund named by `application.fund_code`; the use category the
    rule is earmarked for; the fund's source tied to the enterprise's zone if there is one, else the fund's
    default source (funds.yaml: `zone:` and `default:` on each source). `earmark`: the rule's, when the caller
    has read it already.
    """
    earmark = earmark or earmark_for(application.rule_id)
    if budget_line is None:
        source, where = _line_where(application=application, earmark=earmark)
        found = BudgetLine.objects.select_related("source__fund", "category").filter(**where).first()
        if found is None:
            raise _no_line(application=application, earmark=earmark, source=source)
        return found
    fund = Fund.objects.filter(code=application.fund_code).first()
    if fund is None:
        raise _no_fund(application.fund_code)
    line = BudgetLine.objects.select_related("source__fund", "category").get(pk=budget_line.pk)
    if line.source.fund_id != fund.pk or line.category_id != earmark.category_id:
        raise DomainError(
            _(
                "Rule %(rule)s may only be paid from “%(category)s” of %(fund)s; "
                "this budget line is not earmarked for it."
            )
            % {"rule": application.rule_id, "category": earmark.category.name, "fund": fund.name},
            code="earmark",
            field="budget_line",
        )
    if line.year != application.year:
        raise DomainError(
            _("The budget line is for %(line_year)s but the application is for %(year)s.")
            % {"line_year": line.year, "year": application.year},
            code="earmark",
            field="budget_line",
        )
    return line


def _line_where(*, application: Any, earmark: RuleEarmark) -> tuple[FundSource, dict[str, Any]]:
    """The source an application is paid from, and the filter that names its budget line (one query when the
    fund has the source; the refusals say which of fund and source is missing)."""
    enterprise = getattr(application, "enterprise", None)
    zone_id = enterprise.zone_id if enterprise is not None else None
    candidates = FundSource.objects.filter(fund__code=application.fund_code).order_by("pk")
    if zone_id is not None:
        candidates = candidates.filter(Q(zone_id=zone_id) | Q(is_default=True))
    else:
        candidates = candidates.filter(is_default=True)
    sources = list(candidates)
    # The zone's source if the fund has one, else its default source.
    source = next((s for s in sources if zone_id is not None and s.zone_id == zone_id), None) or next(
        (s for s in sources if s.is_default), None
    )
    if source is None:
        fund = Fund.objects.filter(code=application.fund_code).first()
        if fund is None:
            raise _no_fund(application.fund_code)
        raise DomainError(_("The fund %(fund)s has no source to pay from.") % {"fund": fund.name}, code="no_source")
    return source, {"source_id": source.pk, "category_id": earmark.category_id, "year": application.year}


def _no_fund(code: str) -> DomainError:
    return DomainError(_("The fund “%(fund)s” is not kept in the ledger.") % {"fund": code or "—"}, code="no_fund")


def _no_line(*, application: Any, earmark: RuleEarmark, source: FundSource) -> DomainError:
    return DomainError(
        _("There is no %(year)s budget line for “%(category)s” from %(source)s.")
        % {"year": application.year, "category": earmark.category.name, "source": source.name},
        code="no_budget_line",
    )


def _check_required_rule(*, application: Any, earmark: RuleEarmark) -> None:
    """HZ-13b: only in the `requires_within_years` years after a year with a live HZ-13a commitment."""
    if not earmark.requires_rule:
        return
    years = range(application.year - earmark.requires_within_years, application.year)
    prior = Commitment.objects.filter(rule_id=earmark.requires_rule, application__year__in=list(years)).exclude(
        status=CommitmentStatus.RELEASED
    )
    if application.enterprise_id is not None:
        prior = prior.filter(application__enterprise_id=application.enterprise_id)
    else:
        prior = prior.filter(application__training_institution_id=application.training_institution_id)
    if getattr(application, "item_key", ""):
        prior = prior.filter(application__item_key=application.item_key)
    if not prior.exists():
        raise DomainError(
            _(
                "Rule %(rule)s is paid only in the %(n)s years after a year in which %(required)s was committed "
                "for the same applicant, and there is none."
            )
            % {"rule": earmark.rule_id, "n": earmark.requires_within_years, "required": earmark.requires_rule},
            code="requires_prior_rule",
        )


def commitment_create(
    *,
    acting_user: User,
    application: Any,
    amount: Decimal,
    budget_line: BudgetLine | None = None,
    idempotency_key: str | None = None,
) -> Commitment:
    """Reserve `amount` for an approved application on its earmarked budget line (or refuse, saying why)."""
    _require_role(acting_user, COMMIT_ROLES)
    amount = clean_amount(amount)
    key = _clean_key(idempotency_key)
    earmark = earmark_for(application.rule_id)
    source: FundSource | None = None
    if budget_line is None:
        source, where = _line_where(application=application, earmark=earmark)
    else:  # the office chose the line: checked against the rule's earmark and the application's year
        chosen = budget_line_for_application(application=application, budget_line=budget_line, earmark=earmark)
        where = {"pk": chosen.pk}
    with transaction.atomic():
        line = _lock_where(**where)
        if line is None:
            if source is None:
                raise DomainError(_("The budget line does not exist."), code="not_found")
            raise _no_line(application=application, earmark=earmark, source=source)
        if key is not None:
            existing = _existing_for_key(
                key,
                kind=EntryKind.COMMITMENT,
                matches=lambda e: (
                    e.commitment is not None and e.commitment.application_id == application.pk and e.amount == amount
                ),
            )
            if existing is not None:
                assert existing.commitment is not None
                return existing.commitment
        if Commitment.objects.filter(application_id=application.pk).exclude(status=CommitmentStatus.RELEASED).exists():
            raise DomainError(_("This application already has money committed."), code="already_committed")
        _check_required_rule(application=application, earmark=earmark)
        if line.available < amount:
            raise DomainError(
                _("Insufficient budget: %(available)s is available on %(line)s, %(amount)s is needed.")
                % {"available": format_money(line.available), "line": str(line), "amount": format_money(amount)},
                code="insufficient_budget",
                field="amount",
            )
        commitment = Commitment(
            budget_line=line,
            application=application,
            rule_id=application.rule_id,
            amount=amount,
            payment_condition=earmark.payment_condition,
        )
        _INSERT_COMMITMENT.insert(commitment)
        _append(
            acting_user=acting_user,
            kind=EntryKind.COMMITMENT,
            line=line,
            amount=amount,
            delta_committed=amount,
            commitment=commitment,
            idempotency_key=key,
        )
    return commitment


# --- payments, releases, reversals ----------------------------------------------------------------------


def _lock_commitment(commitment: Commitment) -> tuple[BudgetLine, Commitment]:
    line = _lock(commitment.budget_line_id)
    # of=("self",): lock the commitment only; the application is locked by its own area, before the line
    # (locking it here, after the line, would be the reverse order and could deadlock).
    locked = _COMMITMENT.get(commitment.pk)
    if locked is None:
        raise Commitment.DoesNotExist(f"commitment {commitment.pk} does not exist")
    return line, locked


def _voucher_recorded(record: PaymentRecord) -> bool:
    return LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, voucher_number=record.voucher_number).exists()


def _voucher_duplicate(record: PaymentRecord) -> DomainError:
    return DomainError(
        _("Voucher %(voucher)s is already recorded.") % {"voucher": record.voucher_number},
        code="voucher_duplicate",
        field="voucher_number",
    )


def payment_create(
    *,
    acting_user: User,
    commitment: Commitment,
    amount: Decimal,
    idempotency_key: str,
    record: PaymentRecord | None = None,
) -> LedgerEntry:
    """Pay (part of) a commitment. Never more than is open on it; the same key twice pays once. `record`: the
    voucher, payment date, payee account and bank reference (the pages require it; scripts may omit it)."""
    _require_role(acting_user, PAY_ROLES)
    amount = clean_amount(amount)
    record = record.cleaned() if record is not None else None
    key = _clean_key(idempotency_key)
    if key is None:
        raise DomainError(_("A payment needs a request key."), field="idempotency_key", code="key")
    try:
        with transaction.atomic():
            line, commitment = _lock_commitment(commitment)
            existing = _existing_for_key(
                key,
                kind=EntryKind.PAYMENT,
                matches=lambda e: e.commitment_id == commitment.pk and e.amount == amount,
            )
            if existing is not None:
                return existing
            if commitment.payment_condition:
                test, message = PAYMENT_CONDITIONS.get(
                    commitment.payment_condition, (lambda _a: False, _("The payment condition is not met."))
                )
                if not test(commitment.application):
                    raise DomainError(message, code="condition_not_met")
            if record is not None and _voucher_recorded(record):
                raise _voucher_duplicate(record)
            if amount > commitment.open_amount:
                raise DomainError(
                    _("The payment exceeds the open commitment: %(open)s is open, %(amount)s was entered.")
                    % {"open": format_money(commitment.open_amount), "amount": format_money(amount)},
                    code="exceeds_commitment",
                    field="amount",
                )
            entry = _append(
                acting_user=acting_user,
                kind=EntryKind.PAYMENT,
                line=line,
                amount=amount,
                delta_committed=-amount,
                delta_paid=amount,
                commitment=commitment,
                idempotency_key=key,
                record=record,
            )
            _save_commitment(commitment, paid=commitment.paid + amount, released=commitment.released)
    except IntegrityError as error:
        # The same voucher paid on two budget lines at once (on PostgreSQL their row locks do not order the two
        # payments, so both pass the check above): the unique index refuses the second; say so as the check does.
        if record is not None and _voucher_recorded(record):
            raise _voucher_duplicate(record) from error
        raise
    return entry


def commitment_release(
    *,
    acting_user: User,
    commitment: Commitment,
    amount: Decimal | None = None,
    reason: str,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """Give back the unpaid remainder of a commitment (or `amount` of it) to its budget line."""
    _require_role(acting_user, RELEASE_ROLES)
    if not reason.strip():
        raise DomainError(_("Please give a reason."), field="reason", code="reason_required")
    key = _clean_key(idempotency_key)
    with transaction.atomic():
        line, commitment = _lock_commitment(commitment)
        if key is not None:
            existing = _existing_for_key(
                key, kind=EntryKind.RELEASE, matches=lambda e: e.commitment_id == commitment.pk
            )
            if existing is not None:
                return existing
        to_release = commitment.open_amount if amount is None else clean_amount(amount)
        if to_release <= ZERO:
            raise DomainError(_("Nothing is open on this commitment."), code="nothing_open")
        if to_release > commitment.open_amount:
            raise DomainError(
                _("Only %(open)s is open on this commitment.") % {"open": format_money(commitment.open_amount)},
                code="exceeds_commitment",
                field="amount",
            )
        entry = _append(
            acting_user=acting_user,
            kind=EntryKind.RELEASE,
            line=line,
            amount=to_release,
            delta_committed=-to_release,
            commitment=commitment,
            idempotency_key=key,
            reason=reason,
        )
        _save_commitment(commitment, paid=commitment.paid, released=commitment.released + to_release)
    return entry


def entry_reverse(*, acting_user: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Undo one entry recorded in error with an opposite entry (the original stays, append-only).

    Payments, releases and budget entries can be reversed, each once. A commitment is undone by releasing it.
    """
    _require_role(acting_user, REVERSE_ROLES)
    if not reason.strip():
        raise DomainError(_("Please give a reason."), field="reason", code="reason_required")
    with transaction.atomic():
        line = _lock(entry.budget_line_id)
        original = LedgerEntry.objects.select_related("commitment").get(pk=entry.pk)
        if original.kind in (EntryKind.REVERSAL, EntryKind.COMMITMENT):
            raise DomainError(
                _("A commitment is undone by releasing it, and a reversal cannot itself be reversed."),
                code="not_reversible",
            )
        if LedgerEntry.objects.filter(reverses=original).exists():
            raise DomainError(_("This entry has already been reversed."), code="already_reversed")
        commitment = None
        if original.commitment_id is not None:
            commitment = Commitment.objects.select_for_update().get(pk=original.commitment_id)
        amount = original.amount
        if original.kind == EntryKind.BUDGET:
            if line.available < amount:
                raise DomainError(
                    _("Only %(available)s of this budget line is uncommitted; commitments must be released first.")
                    % {"available": format_money(line.available)},
                    code="insufficient_budget",
                )
        elif original.kind == EntryKind.RELEASE:
            assert commitment is not None
            if line.available < amount:
                raise DomainError(
                    _("Insufficient budget: %(available)s is available on %(line)s, %(amount)s is needed.")
                    % {"available": format_money(line.available), "line": str(line), "amount": format_money(amount)},
                    code="insufficient_budget",
                )
            if (
                commitment.status == CommitmentStatus.RELEASED
                and Commitment.objects.filter(application_id=commitment.application_id)
                .exclude(status=CommitmentStatus.RELEASED)
                .exists()
            ):
                raise DomainError(
                    _("The application has a newer commitment; this release cannot be reversed."),
                    code="already_committed",
                )
        reversal = _append(
            acting_user=acting_user,
            kind=EntryKind.REVERSAL,
            line=line,
            amount=amount,
            delta_budgeted=-original.delta_budgeted,
            delta_committed=-original.delta_committed,
            delta_paid=-original.delta_paid,
            commitment=commitment,
            reverses=original,
            reason=reason,
        )
        if commitment is not None:
            if original.kind == EntryKind.PAYMENT:
                _save_commitment(commitment, paid=commitment.paid - amount, released=commitment.released)
            else:
                _save_commitment(commitment, paid=commitment.paid, released=commitment.released - amount)
    return reversal
