"""Who reports: the user's profile (language, mail), and assignments of focal points and contributors."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import USER


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

