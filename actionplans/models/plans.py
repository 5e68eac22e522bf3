"""A plan as a whole: the plan, its editions, its priority scale, its imports and its footnotes."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import normalise


class ActionPlanQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            activity_count=Count("activities", distinct=True,
                                 filter=Q(activities__edition__in=PlanEdition.objects.current().values("pk"))),
            conservation_unit_count=Count("conservation_units", distinct=True),
        ).prefetch_related("range_states")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ActionPlan(models.Model):
    """A species action plan or strategy adopted under CMS CAMI, e.g. the Argali Action Plan."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True, help_text=_("Short name used in URLs and the API."))
    title = models.CharField(_("title"), max_length=300, help_text=_("Title as printed in the document."))
    short_title = models.CharField(_("short title"), max_length=100)
    species_common_name = models.CharField(_("species (common name)"), max_length=100)
    species_scientific_name = models.CharField(_("species (scientific name)"), max_length=100)
    period_start = models.PositiveSmallIntegerField(_("period start"))
    period_end = models.PositiveSmallIntegerField(_("period end"))
    document_symbol = models.CharField(_("document symbol"), max_length=100, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    range_states = models.ManyToManyField(
        "conservation_units.Country", related_name="action_plans", verbose_name=_("range states")
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="%(app_label)s_%(class)s_period_ordered",
            )
        ]

    def __str__(self):
        return self.short_title or self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actionplans:actionplan_detail", args=[self.slug])

    @property
    def period(self):
        return f"{self.period_start}-{self.period_end}"

    @property
    def current_edition(self):
        """The edition rounds open on and lists show by default: the highest number (None before any)."""
        return self.editions.order_by("-number").first()


class PlanEditionQuerySet(models.QuerySet):
    def current(self):
        """Each plan's current edition: the one no edition of the same plan numbers above."""
        later = PlanEdition.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
        return self.filter(~Exists(later))

    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class PlanEdition(models.Model):
    """One version of a plan's activities, e.g. the Argali plan's "Draft" and "Adopted by the range states, 2026".

    Rounds open on the plan's current edition (the highest number); the activities of older editions
    keep their reports and pages. A new edition is made by importing a workbook with ``--new-edition``.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="editions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("1 for the first edition, then 2, 3 ..."))
    title = models.CharField(
        _("title"), max_length=200, help_text=_("e.g. Draft, or Adopted by the range states, 2026.")
    )
    slug = models.SlugField(_("slug"), max_length=60, help_text=_("Names the edition in URLs and the API."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    source_import = models.ForeignKey(
        "actionplans.PlanImport", on_delete=models.PROTECT, null=True, blank=True, related_name="editions",
        verbose_name=_("imported from"), help_text=_("The workbook import that made it; empty for the first edition."),
    )

    objects = PlanEditionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan edition")
        verbose_name_plural = _("plan editions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.UniqueConstraint(fields=["plan", "slug"], name="%(app_label)s_%(class)s_unique_slug"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.title}"

    def natural_key(self):
        return (self.plan.slug, self.number)

    natural_key.dependencies = ["actionplans.actionplan"]


class PriorityScaleValueQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, kind, printed):
        return self.get(plan__slug=plan_slug, kind=kind, printed=printed)


class PriorityScaleValue(models.Model):
    """One value of a plan's priority scale as the document prints it, and the level it means.

    The Argali measures print 1, 2, 3 (rank); its Annex 1 prints Essential, High, Medium, Low (word);
    the leopard strategy prints average scores, declared as ranges such as 2.50-3.00. A plan with
    another scale (A/B/C, 1-5) declares its values here: no code needed.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="priority_scale_values", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind of activity"), max_length=20, help_text=_("The activities that print it."))
    scale = models.CharField(
        _("scale"), max_length=10, help_text=_("rank, word or score (a score value may be a range, e.g. 2.50-3.00).")
    )
    printed = models.CharField(_("printed value"), max_length=30, help_text=_("As printed, e.g. 1, Essential, 2.50-3.00."))
    level = models.CharField(_("priority level"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PriorityScaleValueQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "kind", "position"]
        verbose_name = _("priority scale value")
        verbose_name_plural = _("priority scale values")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "printed"], name="%(app_label)s_%(class)s_unique_printed"),
            models.CheckConstraint(
                condition=models.Q(level__in=[normalise.HIGH, normalise.MEDIUM, normalise.LOW]),
                name="%(app_label)s_%(class)s_known_level",
            ),
        ]

    def __str__(self):
        return f"{self.printed} = {self.level}"

    def natural_key(self):
        return (self.plan.slug, self.kind, self.printed)

    natural_key.dependencies = ["actionplans.actionplan"]

    def clean(self):
        if self.scale == "score" and normalise.score_bounds(self.printed) is None:
            raise ValidationError({"printed": _("A score is a number or a range such as 2.50-3.00.")})


class PlanImport(models.Model):
    """One import of a plan workbook: who, when, which file and what it changed."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Plan created")
        CORRECTED = "corrected", _("Current plan corrected")
        NEW_EDITION = "new_edition", _("New edition")
        UNCHANGED = "unchanged", _("Nothing changed")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="imports", verbose_name=_("plan"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_imports",
        verbose_name=_("imported by"), help_text=_("Empty when imported from the command line without --user."),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    changes = models.JSONField(
        _("changes"), default=list, blank=True,
        help_text=_("Each changed value: sheet, key, field, old and new value."),
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        indexes = [models.Index(fields=["plan", "imported_at"], name="planimport_plan_date_idx")]

    def __str__(self):
        return f"{self.plan} {self.imported_at:%Y-%m-%d %H:%M} {self.file_name}"


class FootnoteQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class Footnote(models.Model):
    """A footnote of the plan document, linked to the items it qualifies."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="footnotes", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"), blank=True)

    objects = FootnoteQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("footnote")
        verbose_name_plural = _("footnotes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number_per_plan")
        ]

    def __str__(self):
        return f"[{self.number}] {self.text[:60]}"

    def natural_key(self):
        return (self.plan.slug, self.number)

    natural_key.dependencies = ["actionplans.actionplan"]
