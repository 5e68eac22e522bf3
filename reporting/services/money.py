"""The Secretariat's exchange rates per round: what reports saved from now on are converted to USD at."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import money, permissions
from ..models import ExchangeRate, ReportingRound
from .common import deny_if


def exchange_rate_clean(*, currency: str, usd_per_unit) -> tuple[str, Decimal]:
    """The currency and rate as stored, or ValidationError naming the field: the service's check, which
    the admin's form asks too (so that its page shows the sentence under the field)."""
    currency = (currency or "").strip().upper()
    try:
        rate = money.parse_amount(usd_per_unit)
    except ValueError:
        raise ValidationError({"usd_per_unit": _("“%(value)s” is not a number.") % {"value": usd_per_unit}}) from None
    if rate is None or rate <= 0:
        raise ValidationError({"usd_per_unit": _("Give what one unit of the currency is worth in USD: a number "
                                                 "above zero.")})
    if currency == money.USD:
        raise ValidationError({"currency": _("Amounts in USD need no rate.")})
    return currency, Decimal(rate)


def exchange_rate_set(*, round: ReportingRound, currency: str, usd_per_unit, user) -> ExchangeRate:
    """Set (or change) the rate of ``currency`` in ``round`` (Secretariat only).

    Reports keep the USD amount computed when they were saved: a changed rate converts the reports
    saved afterwards, and those that had no rate when they are saved again."""
    deny_if(permissions.why_cannot_set_rates(user))
    currency, rate = exchange_rate_clean(currency=currency, usd_per_unit=usd_per_unit)
    with transaction.atomic():
        existing = ExchangeRate.objects.select_for_update().filter(round=round, currency=currency).first()
        exchange_rate = existing or ExchangeRate(round=round, currency=currency)
        exchange_rate.usd_per_unit, exchange_rate.set_by = rate, user
        exchange_rate.full_clean()
        exchange_rate.save()
    return exchange_rate
