"""What a country says about one activity in one round, its evidence, and the history of its changes."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import money, rules
from ..published import PublishedEvidence, PublishedVersionQuerySet, sees_drafts
from .base import USER
from .people import Assignment
from .rounds import CountryReport


class ProgressReportQuerySet(PublishedVersionQuerySet):
    def with_related(self):
        return self.select_related(
            "country_report__round__plan", "country_report__country", "activity__plan", "updated_by"
        )

    def visible_to(self, user):
        """What ``user`` reads: working copies for readers of drafts, else published versions."""
        return self if sees_drafts(user) else self.published_version()


class ProgressReport(models.Model):
    """What a country says about one activity in one round: status, what was done, obstacles."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        ONGOING = "ongoing", _("Ongoing (recurring)")
        NOT_APPLICABLE = "not_applicable", _("Not applicable for this country")

    country_report = models.ForeignKey(
        CountryReport, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("country report")
    )
    activity = models.ForeignKey(
        "actionplans.Activity", on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("activity")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # A TextField's max_length reaches forms, DRF and the schema, but the model does not check it:
    # the validator makes full_clean() (every service save) refuse longer text on every path.
    narrative = models.TextField(
        _("what was done"), blank=True, max_length=rules.NARRATIVE_MAX_CHARS,
        validators=[MaxLengthValidator(rules.NARRATIVE_MAX_CHARS)],
    )
    obstacles = models.TextField(
        _("obstacles"), blank=True, max_length=rules.OBSTACLES_MAX_CHARS,
        validators=[MaxLengthValidator(rules.OBSTACLES_MAX_CHARS)],
    )
    expected_year = models.PositiveSmallIntegerField(
        _("expected completion year"), null=True, blank=True,
        validators=[MinValueValidator(rules.EXPECTED_YEAR_MIN), MaxValueValidator(rules.EXPECTED_YEAR_MAX)],
    )
    funds_amount = models.DecimalField(
        _("funds spent or mobilised"), max_digits=money.AMOUNT_MAX_DIGITS, decimal_places=money.AMOUNT_DECIMALS,
        null=True, blank=True, validators=[MinValueValidator(0)],
        help_text=_("Spent or mobilised for the activity in the country during the round, in the currency given."),
    )
    funds_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[money.validate_currency],
        help_text=_("ISO 4217 code, e.g. USD, EUR, KZT."),
    )
    funds_usd = models.DecimalField(
        _("funds in USD"), max_digits=money.AMOUNT_MAX_DIGITS, decimal_places=money.AMOUNT_DECIMALS,
        null=True, blank=True,
        help_text=_("Converted when the report was saved, at the round's rate for the currency; empty where the "
                    "round has no rate for it."),
    )
    funds_source = models.CharField(_("source of funds"), max_length=20, blank=True,
                                    choices=money.FundsSource.choices)
    funds_funder = models.CharField(_("funder"), max_length=money.FUNDER_MAX_CHARS, blank=True,
                                    help_text=_("Optional: the name of the government body, donor or organisation."))
    carried_over = models.BooleanField(
        _("carried over"), default=False,
        help_text=_("Copied from the previous round and not yet changed or confirmed."),
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried from")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        # No Meta.ordering: "country report, activity position" chained to the country report's and the
        # round's orderings, four tables joined and sorted for every plain filter. Lists order explicitly.
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "completed", "ongoing", "not_applicable"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.UniqueConstraint(
                fields=["country_report", "activity"], name="%(app_label)s_%(class)s_one_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(expected_year__isnull=True)
                | Q(expected_year__gte=rules.EXPECTED_YEAR_MIN, expected_year__lte=rules.EXPECTED_YEAR_MAX),
                name="%(app_label)s_%(class)s_expected_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(funds_amount__isnull=True) | Q(funds_amount__gte=0),
                name="%(app_label)s_%(class)s_funds_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(funds_source__in=["", *money.FundsSource.values]),
                name="%(app_label)s_%(class)s_funds_source_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="progress_status_idx"),
            # The progress API's order (latest change first, the id breaking ties) read off the index, and
            # "updated since" filters on its first column: it replaces the index on updated_at alone.
            models.Index(fields=["updated_at", "id"], name="progress_updated_id_idx"),
        ]

    def __str__(self):
        return f"{self.activity} — {self.country_report.country}"

    def clean(self):
        """Funds come as an amount with its currency; a currency, source or funder alone says nothing."""
        if self.funds_amount is not None and not self.funds_currency:
            raise ValidationError({"funds_currency": _("Give the currency of the amount (an ISO 4217 code).")})
        if self.funds_amount is None and (self.funds_currency or self.funds_source or self.funds_funder):
            raise ValidationError({"funds_amount": _(
                "Give the amount spent or mobilised, or leave currency, source and funder empty.")})

    @property
    def round(self):
        return self.country_report.round

    @property
    def country(self):
        return self.country_report.country

    def get_absolute_url(self):
        return reverse(
            "reporting:progress_detail",
            args=[self.country_report.round_id, self.country_report.country.code, self.activity_id],
        )


def evidence_upload_path(evidence, filename):
    report = evidence.progress_report.country_report
    return f"evidence/round-{report.round_id}/{report.country.code}/{filename}"


def sees_restricted_evidence(user, country_id) -> bool:
    """The Secretariat and the country's own people see its restricted evidence."""
    return user.is_authenticated and (
        user.is_staff or Assignment.objects.filter(user=user, country_id=country_id).exists())


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True)

    def published(self):
        """Evidence of the published versions: public at validation (removed since or not)."""
        return self.filter(Exists(PublishedEvidence.objects.filter(evidence=OuterRef("pk"))))

    def visible_to(self, user):
        """Restricted evidence (den sites, poaching cases) only for the country's own people and the Secretariat."""
        public = Q(visibility=Evidence.Visibility.PUBLIC)
        if not sees_drafts(user):
            return self.published()
        if user.is_staff:
            return self.current()
        own_country = Exists(
            Assignment.objects.filter(user=user, country_id=OuterRef("progress_report__country_report__country_id"))
        )
        return self.current().filter(public | own_country)


class Evidence(models.Model):
    """A link or file backing a progress report; restricted evidence is not shown outside the country."""

    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        FILE = "file", _("File")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        RESTRICTED = "restricted", _("Restricted to the country and the Secretariat")

    progress_report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("progress report")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=rules.EVIDENCE_TITLE_MAX_CHARS)
    url = models.URLField(_("link"), max_length=rules.EVIDENCE_URL_MAX_CHARS, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    added_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="")) | (Q(kind="file") & ~Q(file="")),
                name="%(app_label)s_%(class)s_link_or_file",
            ),
            # Outside the country, lists show only "public" evidence and the history hides only the titles
            # of "restricted" evidence: a third value would be hidden by one and shown by the other.
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "restricted"]),
                name="%(app_label)s_%(class)s_visibility_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.kind == self.Kind.LINK:
            return self.url
        return reverse("reporting:evidence_download", args=[self.pk])


class ProgressChange(models.Model):
    """One saved change of a progress report: who, when, from where, each field's old and new value."""

    class Source(models.TextChoices):
        BROWSER = "browser", _("Browser")
        API = "api", _("API")
        WORKBOOK = "workbook", _("Offline workbook")
        CARRY_OVER = "carry_over", _("Carried over from the previous round")
        ADMIN = "admin", _("Admin")

    progress_report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="changes", verbose_name=_("progress report")
    )
    version = models.PositiveIntegerField(_("version"))
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    changed_at = models.DateTimeField(_("when"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("progress change")
        verbose_name_plural = _("progress changes")
        indexes = [models.Index(fields=["progress_report", "changed_at"], name="change_report_time_idx")]
        constraints = [
            # One history entry per saved version: two would mean two saves from one copy got through.
            models.UniqueConstraint(
                fields=["progress_report", "version"], name="%(app_label)s_%(class)s_one_per_version"
            ),
        ]


