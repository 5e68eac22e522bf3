import functools

import babel
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """A country, named by its ISO 3166-1 alpha-2 code: a range state of one or more plans."""

    code = models.CharField(
        _("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. KZ.")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("English short name."))

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the interface language: the CLDR's where it differs from English (Казахстан),
        else the English name stored here (also for test countries on codes no locale names)."""
        return cldr_country_name(self.code, translation.get_language()) or self.name

    def natural_key(self):
        return (self.code,)


def _user_assigned(code: str) -> bool:
    """ISO 3166-1 leaves AA, QM-QZ, XA-XZ and ZZ to users; the CLDR names some of them (XA "Pseudo-Accents",
    ZZ "Unknown Region"), which are no country's names."""
    code = code.upper()
    return code in ("AA", "ZZ") or code.startswith("X") or "QM" <= code <= "QZ"


@functools.lru_cache(maxsize=2048)
def cldr_country_name(code: str, language: str | None) -> str | None:
    """``code``'s name in ``language`` from the Unicode CLDR (through Babel); None in English, whose
    names are the ones stored, and where the CLDR has none."""
    if not language or language.split("-")[0] == settings.LANGUAGE_CODE or _user_assigned(code):
        return None
    try:
        return babel.Locale.parse(language, sep="-").territories.get(code.upper())
    except (ValueError, babel.UnknownLocaleError):
        return None


class ConservationUnitQuerySet(models.QuerySet):
    def with_related(self):
        return (
            self.select_related("plan")
            .prefetch_related("countries")
            .annotate(activity_count=models.Count("activities", distinct=True))
        )

    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class ConservationUnit(models.Model):
    """A part of a species' range that a plan sets measures for.

    In the Argali plan: a transboundary hotspot (units 1-19) or a population restricted to one
    country (units 20-23). In the Persian leopard strategy: a region/metapopulation (Figure 1).
    """

    class Kind(models.TextChoices):
        TRANSBOUNDARY = "transboundary", _("Transboundary hotspot")
        SINGLE_COUNTRY = "single_country", _("Single-country population")
        REGION = "region", _("Region / metapopulation")

    plan = models.ForeignKey(
        "actionplans.ActionPlan",
        on_delete=models.PROTECT,
        related_name="conservation_units",
        verbose_name=_("plan"),
    )
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Number as printed in the plan."))
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hotspot_id = models.CharField(
        _("hotspot ID"),
        max_length=20,
        blank=True,
        help_text=_("ID in the report 'Mapping Transboundary Conservation Hotspots', where the plan gives one."),
    )
    subspecies = models.CharField(_("subspecies"), max_length=200, blank=True)
    geographic_area = models.TextField(_("geographic area"), blank=True)
    countries_as_printed = models.CharField(_("countries as printed"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        "conservation_units.Country", related_name="conservation_units", verbose_name=_("countries")
    )

    objects = ConservationUnitQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("conservation unit")
        verbose_name_plural = _("conservation units")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.number}) {self.name}"

    def natural_key(self):
        return (self.plan.slug, self.number)

    natural_key.dependencies = ["actionplans.actionplan"]
