"""Currency conversion at the dated rate table: the latest rate on or before a record's date, never zero."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from waibao.common.errors import DomainError
from waibao.common.money import to_money
from waibao.statistics.models import ExchangeRate

CNY = "CNY"
USD = "USD"


@dataclass(frozen=True)
class Conversion:
    cny_rate: Decimal  # CNY per unit of the record's currency
    usd_rate: Decimal  # CNY per USD on the same date
    amount_cny: Decimal
    amount_usd: Decimal


def normalise_currency(raw: object) -> str | None:
    code = str(raw or "").strip().upper()
    return code if len(code) == 3 and code.isascii() and code.isalpha() else None


class RateBook:
    """The rate table for some currencies, loaded once, answering by binary search."""

    def __init__(self, currencies: Iterable[str] | None = None) -> None:
        wanted = None if currencies is None else {c for c in currencies if c != CNY} | {USD}
        qs = ExchangeRate.objects.order_by("currency", "date")
        if wanted is not None:
            qs = qs.filter(currency__in=wanted)
        self._dates: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, day, rate in qs.values_list("currency", "date", "cny_per_unit"):
            self._dates.setdefault(currency, []).append(day)
            self._rates.setdefault(currency, []).append(rate)

    def known(self, currency: str) -> bool:
        return currency == CNY or currency in self._dates

    def rate(self, currency: str, on: date) -> Decimal:
        """CNY per unit of `currency` in force on `on`; DomainError when there is none."""
        if currency == CNY:
            return Decimal(1)
        dates = self._dates.get(currency)
        index = bisect.bisect_right(dates, on) - 1 if dates else -1
        if index < 0:
            raise DomainError(
                _(
                    "There is no %(currency)s exchange rate on or before %(date)s: "
                    "ask the programme office to enter one."
                )
                % {"currency": currency, "date": on.isoformat()},
                code="no_rate",
                field="currency",
            )
        assert dates is not None
        return self._rates[currency][index]

    def convert(self, amount: Decimal, currency: str, on: date) -> Conversion:
        cny_rate = self.rate(currency, on)
        usd_rate = self.rate(USD, on)
        if currency == USD:
            amount_usd = to_money(amount)
            amount_cny = to_money(amount * usd_rate)
        else:
            amount_cny = to_money(amount * cny_rate)
            amount_usd = to_money(amount * cny_rate / usd_rate)
        return Conversion(cny_rate=cny_rate, usd_rate=usd_rate, amount_cny=amount_cny, amount_usd=amount_usd)


def convert(amount: Decimal, currency: str, on: date) -> Conversion:
    """Convert one amount (loads only the rates it needs)."""
    return RateBook([currency]).convert(amount, currency, on)
