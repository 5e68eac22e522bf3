"""Reporting rounds of a plan, and each country's report in a round with its workflow state."""
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import rules
from ..published import PublishedProgress, sees_drafts
from .base import USER


# Said by the database constraint (so forms and the admin show it) and by round_open naming the field.
DUE_BEFORE_OPENING = _("The due date comes before the opening date.")


class ReportingRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ReportingRound.Status.OPEN)

    def newest_first(self):
        return self.order_by("-opens_on", "-id")

    def latest_for(self, plan):
        """The plan's latest round (the last to open), or None: what pages show when no round is asked for."""
        return self.filter(plan=plan).newest_first().first()


class ReportingRound(models.Model):
    """A round of national reporting on one plan, e.g. '2026 report to the meeting of the range states'."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("round", "Open")
        CLOSED = "closed", pgettext_lazy("round", "Closed")

    plan = models.ForeignKey(
        "actionplans.ActionPlan", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("plan")
    )
    edition = models.ForeignKey(
        "actionplans.PlanEdition", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("edition"),
        help_text=_("The plan's edition when the round opened: its activities are the ones reported on."),
    )
    title = models.CharField(_("title"), max_length=rules.ROUND_TITLE_MAX_CHARS)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        # One table, so cheap; but "latest" is asked for by name (ReportingRound.objects.latest_for).
        ordering = ["-opens_on", "-id"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        indexes = [models.Index(fields=["plan", "status"], name="round_plan_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opens_on")), name="%(app_label)s_%(class)s_due_after_opening",
                violation_error_message=DUE_BEFORE_OPENING,
            ),
            # A round is named by its title wherever it is chosen (filters, exports, the workbook's "for
            # the round X, not X"): two alike would be told apart by nobody.
            models.UniqueConstraint(fields=["plan", "title"], name="%(app_label)s_%(class)s_title_unique_per_plan"),
            # Carry-over and the focal points' home page assume one open round per plan.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="open"), name="%(app_label)s_%(class)s_one_open_per_plan"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class CountryReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers of drafts see every report; others a country's report once validated (still while a
        correction is in review: they read its published version)."""
        if sees_drafts(user):
            return self
        return self.filter(self.published())

    @staticmethod
    def published() -> Exists:
        """True for a country report validated at least once: it has a published version."""
        return Exists(PublishedProgress.objects.filter(progress_report__country_report=OuterRef("pk")))


class CountryReport(models.Model):
    """One country's report for one round: what is submitted, validated or returned as a whole.

    Reopened: validated, then corrected by the country, which goes on correcting it until its focal
    point submits it again (it is not in the Secretariat's validation queue meanwhile).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned")
        REOPENED = "reopened", _("Reopened for corrections")

    round = models.ForeignKey(
        ReportingRound, on_delete=models.PROTECT, related_name="country_reports", verbose_name=_("round")
    )
    country = models.ForeignKey(
        "conservation_units.Country", on_delete=models.PROTECT, related_name="country_reports",
        verbose_name=_("country"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    return_comment = models.TextField(
        _("Secretariat's comment"), blank=True, max_length=rules.COMMENT_MAX_CHARS,
        validators=[MaxLengthValidator(rules.COMMENT_MAX_CHARS)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CountryReportQuerySet.as_manager()

    class Meta:
        # No Meta.ordering: "round, country name" joined the round and country tables into every filter
        # (the workbook, the dashboards' subqueries). Lists order explicitly.
        verbose_name = _("country report")
        verbose_name_plural = _("country reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "country"], name="%(app_label)s_%(class)s_one_per_round"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted", "validated", "returned", "reopened"]),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="countryreport_state_idx")]

    def __str__(self):
        return f"{self.country} — {self.round}"

    def get_absolute_url(self):
        return reverse("reporting:country_report", args=[self.round_id, self.country.code])


