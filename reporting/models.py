"""Who reports for which country, reporting rounds, progress reports, their evidence and history."""
from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import rules
# The published versions live in their own module (this one is at its length); imported so Django finds them.
from .published import PublishedEvidence, PublishedProgress, PublishedVersionQuerySet, sees_drafts  # noqa: F401

USER = settings.AUTH_USER_MODEL


class Profile(models.Model):
    """What the tracker remembers about a user: the interface language they chose, whether they want mail."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    mail_on_workflow = models.BooleanField(
        _("mail me about reports"), default=True,
        help_text=_("A mail when a report is submitted, returned or validated, or drafting is handed to you."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def covering(self, *, plan_id, country_id):
        """Assignments that reach a plan's activities in a country (plan left empty: every plan)."""
        return self.filter(Q(plan_id=plan_id) | Q(plan__isnull=True), country_id=country_id)


class Assignment(models.Model):
    """A user's right to report for a country: as its focal point, or as a contributor.

    A focal point edits and submits the country's reports (of every plan, or only of ``plan``).
    A contributor drafts only what a focal point handed over: the activities listed, else those of
    ``conservation_unit``, else every activity of ``plan``; a contributor never submits.
    """

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("National focal point")
        CONTRIBUTOR = "contributor", _("Contributor")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user"))
    country = models.ForeignKey(
        "conservation_units.Country", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("country")
    )
    plan = models.ForeignKey(
        "actionplans.ActionPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="assignments",
        verbose_name=_("plan"), help_text=_("Leave empty for every plan."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FOCAL_POINT)
    conservation_unit = models.ForeignKey(
        "conservation_units.ConservationUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="assignments", verbose_name=_("conservation unit"),
        help_text=_("Contributors only: the unit whose activities they draft."),
    )
    activities = models.ManyToManyField(
        "actionplans.Activity", blank=True, related_name="assignments", verbose_name=_("activities"),
        help_text=_("Contributors only: the activities they draft."),
    )
    granted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        # No Meta.ordering: sorting by country and user names joined two tables into every permission
        # check. Lists order explicitly (the admin, the account page).
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["user", "country"], name="assignment_user_country_idx")]
        constraints = [
            # Meta cannot read the model's TextChoices: the "*_valid" constraints spell the values out, and
            # tests/reporting/test_models.py checks that they match the choices.
            models.CheckConstraint(
                condition=Q(role__in=["focal_point", "contributor"]), name="%(app_label)s_%(class)s_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role="focal_point") | Q(conservation_unit__isnull=True),
                name="%(app_label)s_%(class)s_focal_point_has_no_unit",
                violation_error_message=_("A focal point reports for the whole country."),
            ),
            # A focal point's scope is its country and plan (empty: every plan), so it is unique in the
            # database. A NULL plan is never equal to another in SQL and SQLite has no NULLS NOT DISTINCT:
            # hence one constraint for "every plan" and one for a given plan. A contributor's scope also
            # holds the activities handed over (a many-to-many the database cannot compare), and a
            # focal point may hand a colleague some activities of a plan and later others: two rows.
            models.UniqueConstraint(
                fields=["user", "country"], condition=Q(role="focal_point", plan__isnull=True),
                name="%(app_label)s_%(class)s_focal_point_once_for_every_plan",
                violation_error_message=_("This user is already focal point of this country for every plan."),
            ),
            models.UniqueConstraint(
                fields=["user", "country", "plan"], condition=Q(role="focal_point", plan__isnull=False),
                name="%(app_label)s_%(class)s_focal_point_once_per_plan",
                violation_error_message=_("This user is already focal point of this country for this plan."),
            ),
        ]

    def __str__(self):
        scope = self.plan.short_title if self.plan_id else _("all plans")
        return f"{self.user} — {self.get_role_display()}, {self.country} ({scope})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == self.Role.FOCAL_POINT and self.conservation_unit_id:
            raise ValidationError({"conservation_unit": _("A focal point reports for the whole country.")})
        if self.conservation_unit_id and self.conservation_unit.plan_id != self.plan_id:
            raise ValidationError({"conservation_unit": _("Choose a unit of the assignment's plan.")})


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
        ]
        indexes = [
            models.Index(fields=["status"], name="progress_status_idx"),
            models.Index(fields=["updated_at"], name="progress_updated_at_idx"),
        ]

    def __str__(self):
        return f"{self.activity} — {self.country_report.country}"

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


class ReportEvent(models.Model):
    """A workflow step of a country report, with who took it and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned with a comment")
        REOPENED = "reopened", _("Reopened by an edit")

    country_report = models.ForeignKey(
        CountryReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("country report")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    comment = models.TextField(
        _("comment"), blank=True, max_length=rules.COMMENT_MAX_CHARS,
        validators=[MaxLengthValidator(rules.COMMENT_MAX_CHARS)],
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")


class ReminderLog(models.Model):
    """A reminder mailed, so that the daily command sends each one once."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "kind"], name="%(app_label)s_%(class)s_once")
        ]
