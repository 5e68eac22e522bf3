"""The rules of money in a progress report: ISO 4217 currencies, sources of funds, the conversion to USD.

Funds are what a country spent or mobilised for one activity during one round: an amount in a currency,
its source and (optionally) the funder's name. The amount in USD is computed when the report is saved,
at the rate the Secretariat set for the round and the currency (``ExchangeRate``), and stored with the
report, so that a rate changed later rewrites no report saved before. A currency without a rate for
the round is accepted: the USD amount stays empty ("no rate") until the report is saved again with one.

The totals of planned against mobilised are ``reporting.funds_totals``.
"""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

USD = "USD"
# Up to a thousand billion in any currency, to the cent: far above any plan's budget (20 M USD the largest).
AMOUNT_MAX_DIGITS, AMOUNT_DECIMALS = 15, 2
RATE_MAX_DIGITS, RATE_DECIMALS = 20, 10  # 1 IRR is about 0.0000238 USD
FUNDER_MAX_CHARS = 200
CENT = Decimal("0.01")


class FundsSource(models.TextChoices):
    GOVERNMENT = "government", gettext_lazy("Government")
    DONOR = "donor", gettext_lazy("Donor")
    NGO = "ngo", gettext_lazy("NGO")
    CMS = "cms", gettext_lazy("CMS")
    PRIVATE = "private", gettext_lazy("Private sector")
    OTHER = "other", gettext_lazy("Other")


@functools.lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes (Babel's list, from the Unicode CLDR)."""
    return frozenset(list_currencies())


def validate_currency(value: str):
    if value and value not in currency_codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (three capital letters such as USD, EUR, KZT)."),
            code="unknown_currency", params={"value": value})


def parse_amount(value) -> Decimal | None:
    """An amount as typed or read from a cell ("12 500,50", 12500.5) as a Decimal, None if empty;
    ValueError for what is not a number. Negative amounts come back negative: the model refuses them."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Russian spreadsheets type it
    else:
        text = text.replace(",", "")  # thousands separators
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def usd_of(amount: Decimal | None, currency: str, rate: Decimal | None) -> Decimal | None:
    """``amount`` of ``currency`` in USD at ``rate`` (USD per unit), to the cent; None without a rate."""
    if amount is None or not currency:
        return None
    if currency == USD:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
