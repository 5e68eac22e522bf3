"""The Secretariat's exchange rates: what one unit of a currency is worth in USD for one reporting round."""
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import money
from .base import USER
from .rounds import ReportingRound


class ExchangeRate(models.Model):
    """The rate at which funds reported in a currency are converted to USD in one round (set by the Secretariat).

    A report's USD amount is computed when the report is saved and stored with it: changing a rate
    here converts the reports saved afterwards, never those saved before."""

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="exchange_rates",
                              verbose_name=_("round"))
    currency = models.CharField(_("currency"), max_length=3, validators=[money.validate_currency],
                                help_text=_("ISO 4217 code, e.g. EUR, KZT."))
    usd_per_unit = models.DecimalField(
        _("USD per unit"), max_digits=money.RATE_MAX_DIGITS, decimal_places=money.RATE_DECIMALS,
        validators=[MinValueValidator(0)], help_text=_("What one unit of the currency is worth in US dollars."),
    )
    set_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["round", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["round", "currency"], name="%(app_label)s_%(class)s_one_per_currency"),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="%(app_label)s_%(class)s_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.usd_per_unit.normalize():f} USD ({self.round})"
