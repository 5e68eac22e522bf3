"""The published version of a progress report: its values as they stood when the Secretariat last validated it.

Readers who may not see drafts (permissions.sees_drafts) read only published versions, so a correction of a
validated report changes nothing for them until it is validated again. ``services.country_report_validate``
writes them (``publish_country_report``); ``ProgressReport.objects.published_version()`` reads them.

Kept beside the models package (reporting/models/), which imports and re-exports these models.
The relations are DO_NOTHING: progress reports and evidence are never deleted (the history keeps them), and
a cascade would make Django look for these tables when rows are deleted at an older migration (the
migration tests step the database back).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from . import money

def sees_drafts(user) -> bool:
    """Who reads working copies (drafts, corrections in review): every signed-in user, as the README's
    table of roles says (observers read everything). Others read published versions only.
    (Here rather than in permissions.py, which imports the models that ask it.)"""
    return user.is_authenticated


# Fields of a report its published version keeps, under the same names.
FUNDS_FIELDS = ("funds_amount", "funds_currency", "funds_usd", "funds_source", "funds_funder")
PUBLISHED_VALUES = ("status", "narrative", "obstacles", "expected_year", *FUNDS_FIELDS, "carried_over", "version",
                    "updated_at", "updated_by_id")
# What the validation queue compares and the country report page marks as "changed since validation".
COMPARED_FIELDS = ("status", "narrative", "obstacles", "expected_year", *FUNDS_FIELDS)


class PublishedProgress(models.Model):
    """What the public reads of one progress report: its values at the Secretariat's last validation."""

    progress_report = models.OneToOneField(
        "reporting.ProgressReport", on_delete=models.DO_NOTHING, primary_key=True, related_name="published",
        verbose_name=_("progress report"),
    )
    status = models.CharField(_("status"), max_length=20)
    narrative = models.TextField(_("what was done"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    expected_year = models.PositiveSmallIntegerField(_("expected completion year"), null=True, blank=True)
    # The funds as validated: the public sees validated amounts only (their USD as computed at the save).
    funds_amount = models.DecimalField(_("funds spent or mobilised"), max_digits=money.AMOUNT_MAX_DIGITS,
                                       decimal_places=money.AMOUNT_DECIMALS, null=True, blank=True)
    funds_currency = models.CharField(_("currency"), max_length=3, blank=True)
    funds_usd = models.DecimalField(_("funds in USD"), max_digits=money.AMOUNT_MAX_DIGITS,
                                    decimal_places=money.AMOUNT_DECIMALS, null=True, blank=True)
    funds_source = models.CharField(_("source of funds"), max_length=20, blank=True)
    funds_funder = models.CharField(_("funder"), max_length=money.FUNDER_MAX_CHARS, blank=True)
    carried_over = models.BooleanField(_("carried over"), default=False)
    version = models.PositiveIntegerField(_("version"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"))
    validated_at = models.DateTimeField(_("validated at"))
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validated by"))

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        # The public's progress list is ordered by the published version's change (issue #11: without it,
        # its first page sorted all 334,398 published versions of the benchmark's million reports).
        indexes = [models.Index(fields=["updated_at", "progress_report"], name="published_updated_idx")]

    def __str__(self):
        return f"{self.progress_report_id} v{self.version}"

    def get_status_display(self):
        from .models import ProgressReport  # the models package imports this module

        return ProgressReport.Status(self.status).label

    def get_funds_source_display(self):
        source = money.FundsSource
        return source(self.funds_source).label if self.funds_source in source.values else self.funds_source

    def differences(self, report) -> list[tuple[str, object, object]]:
        """(field, published, working) for each compared field the working copy ``report`` changed."""
        return [(name, getattr(self, name), getattr(report, name)) for name in COMPARED_FIELDS
                if getattr(self, name) != getattr(report, name)]


class PublishedEvidence(models.Model):
    """A piece of public evidence that was part of a report's published version."""

    published = models.ForeignKey(PublishedProgress, on_delete=models.DO_NOTHING, related_name="evidence_links")
    evidence = models.ForeignKey("reporting.Evidence", on_delete=models.DO_NOTHING, related_name="published_in")

    class Meta:
        verbose_name = _("published evidence")
        verbose_name_plural = _("published evidence")
        constraints = [
            models.UniqueConstraint(fields=["published", "evidence"], name="%(app_label)s_%(class)s_once"),
        ]


class PublishedValuesIterable(ModelIterable):
    """Each progress report as its published version has it: the working values replaced by the published
    ones on the instance, so that every page, serializer and template reads them without knowing.

    Only for readers who never write (a report read so is never saved): see ProgressReport.published_version."""

    def __iter__(self):
        for report in super().__iter__():
            published = report.published
            for name in PUBLISHED_VALUES:
                setattr(report, name, getattr(published, name))
            if "updated_by" in published._state.fields_cache:
                report.updated_by = published.updated_by
            report.shows_published = True
            yield report


class PublishedVersionQuerySet(models.QuerySet):
    """ProgressReport's queryset, reading working copies or (``published_version``) published versions."""

    # Which version a queryset reads, kept through filters and values() (Django copies no attribute itself).
    reads_published = False

    def _clone(self):
        clone = super()._clone()
        clone.reads_published = self.reads_published
        return clone

    def published_version(self):
        """Reports that have a published version, with its values (PublishedValuesIterable)."""
        clone = self.filter(published__isnull=False).select_related("published__updated_by")
        clone.reads_published = True
        clone._iterable_class = PublishedValuesIterable
        return clone

    def seen(self, name: str) -> str:
        """The path of field ``name`` in the version this queryset reads, for filters and values()."""
        return f"published__{name}" if self.reads_published else name
