from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import normalise
from .commitments import CommitmentItem, CommitmentScheme  # noqa: F401  (models of this app)


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


validate_level = RegexValidator(
    r"^[a-z][a-z0-9_]*\Z",
    _("A level is written in lower case letters, digits and underscores, starting with a letter (e.g. goal)."),
)


class PlanElementQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, level, code):
        return self.get(plan__slug=plan_slug, level=level, code=code)

    def ids_under(self, level: str, code: str) -> set[int]:
        """The ids of the elements ``level`` ``code`` (of every plan that has one) and of every element below
        them, at any depth: one query, an outline being a few hundred rows at most."""
        rows = self.filter(plan__in=self.filter(level=level, code=code).values("plan")).values_list(
            "id", "parent_id", "level", "code")
        children: dict = {}
        found = []
        for element_id, parent_id, element_level, element_code in rows:
            children.setdefault(parent_id, []).append(element_id)
            if (element_level, element_code) == (level, code):
                found.append(element_id)
        under: set[int] = set()
        while found:
            element_id = found.pop()
            if element_id not in under:
                under.add(element_id)
                found += children.get(element_id, [])
        return under


class PlanElement(models.Model):
    """A heading of a plan's outline, at any depth: a part, theme, section, objective or result, or a
    level the plan names itself (a goal, a target, ...).

    Plans differ in shape (Argali: sections of measures and an annex of objectives and results;
    Persian leopard: themes, objectives, results), so the outline is one tree of levels; a plan of
    yet another shape needs rows, not tables.
    """

    class Level(models.TextChoices):
        """The levels the tracker names itself (in every interface language) and filters by name
        (``?section=2.0``); a plan's own levels carry their printed name in ``level_name``."""

        PART = "part", _("Part")
        THEME = "theme", _("Theme")
        SECTION = "section", _("Section")
        OBJECTIVE = "objective", _("Objective")
        RESULT = "result", _("Result")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="elements", verbose_name=_("plan"))
    level = models.CharField(
        _("level"), max_length=20, validators=[validate_level],
        help_text=_("part, theme, section, objective, result, or a level of the plan's own in lower case "
                    "letters, digits and underscores (e.g. goal, sub_target)."),
    )
    level_name = models.CharField(
        _("level name"), max_length=60, blank=True,
        help_text=_("The plan's own name for the level, as printed (e.g. Goal); empty for part, theme, section, "
                    "objective and result, which the tracker names itself."),
    )
    code = models.CharField(_("code"), max_length=30, help_text=_("Number as printed, e.g. 1.1 or 2.0."))
    title = models.TextField(_("title"), help_text=_("Text as printed."))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("Order in the document."))
    conservation_unit = models.ForeignKey(
        "conservation_units.ConservationUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elements",
        verbose_name=_("conservation unit"),
    )
    footnotes = models.ManyToManyField(Footnote, blank=True, related_name="elements", verbose_name=_("footnotes"))
    linked_activities = models.ManyToManyField(
        "actionplans.Activity",
        blank=True,
        related_name="referenced_by_elements",
        verbose_name=_("activities referred to"),
    )
    linked_elements = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="referenced_by_elements", verbose_name=_("elements referred to")
    )

    objects = PlanElementQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("plan element")
        verbose_name_plural = _("plan elements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "level", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(fields=["plan", "position"], name="%(app_label)s_%(class)s_unique_position"),
        ]

    def __str__(self):
        if self.level == self.Level.PART:
            return self.title
        return f"{self.level_label} {self.code}"

    @property
    def level_label(self) -> str:
        """The level's name in the interface language: the plan's own (translated where it is), else the
        tracker's for its five levels, else the level itself."""
        if self.level_name:
            return self.level_name
        if self.level in self.Level.values:
            return self.Level(self.level).label
        return self.level.replace("_", " ").capitalize()

    def natural_key(self):
        return (self.plan.slug, self.level, self.code)

    natural_key.dependencies = ["actionplans.actionplan", "conservation_units.conservationunit"]

    def clean(self):
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent belongs to another plan.")})

    def get_absolute_url(self):
        return reverse("actionplans:actionplan_detail", args=[self.plan.slug]) + f"#{self.level}-{self.code}"

    @property
    def activity_filter(self):
        """Query string of the activity list showing this element's activities: by its level's own filter
        where the lists have one (section=2.0), else by the outline filter (outline=goal:1)."""
        if self.level in OUTLINE_FIELDS:
            return urlencode({self.level: self.code})
        return urlencode({"outline": f"{self.level}:{self.code}"})


OUTLINE_FIELDS = ("section", "theme", "objective", "result")  # the levels an activity has a field (and a filter) for


class WithOutlineIterable(ModelIterable):
    """Activities with their outline elements (parent, section, theme, objective, result) read in one more query
    rather than joined: PostgreSQL spent 10-30 ms *planning* the four self-joins of plan elements on every
    page of the activity API and the country report (issue #11), for rows it then read in 2 ms."""

    batch_size = 2000  # an .iterator() reads its rows in batches: each batch gets its elements at once

    def __iter__(self):
        batch = []
        for activity in super().__iter__():
            batch.append(activity)
            if len(batch) == self.batch_size:
                yield from self._with_elements(batch)
                batch = []
        yield from self._with_elements(batch)

    def _with_elements(self, activities: list):
        names = ("parent",) + OUTLINE_FIELDS
        ids = {getattr(activity, f"{name}_id") for activity in activities for name in names} - {None}
        elements = PlanElement.objects.using(self.queryset.db).in_bulk(ids) if ids else {}
        fields = [(Activity._meta.get_field(name), f"{name}_id") for name in names]
        for activity in activities:
            for field, attname in fields:
                field.set_cached_value(activity, elements.get(getattr(activity, attname)))
        return activities


class ActivityQuerySet(models.QuerySet):
    def with_outline(self):
        """What a row of a country's report shows: the plan, edition, outline and unit, no countries."""
        clone = self.select_related("plan", "edition", "conservation_unit")
        clone._iterable_class = WithOutlineIterable
        return clone

    def with_edition_flag(self):
        """``edition_is_current`` on each row: no newer edition of its plan exists."""
        return self.annotate(edition_is_current=~Exists(
            PlanEdition.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("edition__number"))))

    def with_related(self):
        """Everything the lists, the API and the exports show, in a constant number of queries."""
        return self.with_outline().with_edition_flag().prefetch_related(
            Prefetch("countries", queryset=_country_model().objects.order_by("code")),
            "footnotes",
        )

    def with_tags(self):
        """Each activity's commitment tags with their schemes (``activity.tags.all()``): one query more."""
        return self.prefetch_related(
            Prefetch("tags", queryset=CommitmentItem.objects.select_related("scheme").order_by(
                "scheme__slug", "sort_key", "code")))

    def in_document_order(self):
        return self.order_by("plan__slug", "edition__number", "position")

    def current(self):
        """The activities of each plan's current edition: what lists show and plan-wide figures count."""
        return self.filter(edition__in=PlanEdition.objects.current().values("pk"))

    def of_round(self, round):
        """The activities a reporting round reports on: those of the edition it opened on."""
        return self.filter(edition_id=round.edition_id)

    def get_by_natural_key(self, plan_slug, key):
        return self.current().get(plan__slug=plan_slug, key=key)


def _country_model():
    from conservation_units.models import Country

    return Country


class Activity(models.Model):
    """One thing a plan asks range states to do: an Argali measure or annex action, a leopard activity.

    Every field is kept as printed in the document; ``priority_level``, ``target_year`` and
    ``budget_usd`` are read out of the printed text by ``clean()`` (rules in ``normalise``).
    """

    class Kind(models.TextChoices):
        MEASURE = "measure", _("Measure")
        ACTION = "action", _("Action")
        ACTIVITY = "activity", _("Activity")

    class PriorityScale(models.TextChoices):
        RANK = "rank", _("Rank: 1 high, 2 medium, 3 low")
        WORD = "word", _("Word: Essential, High, Medium, Low")
        SCORE = "score", _("Average score: 1.00 low to 3.00 high")

    class PriorityLevel(models.TextChoices):
        HIGH = normalise.HIGH, _("High")
        MEDIUM = normalise.MEDIUM, _("Medium")
        LOW = normalise.LOW, _("Low")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="activities", verbose_name=_("plan"))
    edition = models.ForeignKey(
        PlanEdition, on_delete=models.PROTECT, related_name="activities", verbose_name=_("edition"),
        help_text=_("The edition of the plan this wording and number belong to."),
    )
    continues = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="continued_by", verbose_name=_("continues"),
        help_text=_("The activities of the previous edition it carries on (two or more: they were merged)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=30, help_text=_("Number as printed, e.g. 2.1 or 1.1.1."))
    key = models.CharField(
        _("key"),
        max_length=30,
        help_text=_("Unique within the edition: the code, except where the document prints a code twice."),
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("Order in the document."))
    text = models.TextField(_("text"), help_text=_("Full text as printed."))
    section = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="section_activities",
        limit_choices_to={"level": PlanElement.Level.SECTION}, verbose_name=_("section"),
    )
    theme = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="theme_activities",
        limit_choices_to={"level": PlanElement.Level.THEME}, verbose_name=_("theme"),
    )
    objective = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="objective_activities",
        limit_choices_to={"level": PlanElement.Level.OBJECTIVE}, verbose_name=_("objective"),
    )
    result = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="result_activities",
        limit_choices_to={"level": PlanElement.Level.RESULT}, verbose_name=_("result"),
    )
    parent = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="child_activities",
        verbose_name=_("outline element"),
        help_text=_("The heading it sits directly under, at any level of the outline; where it is a section, "
                    "theme, objective or result, it is filled from those fields."),
    )
    conservation_unit = models.ForeignKey(
        "conservation_units.ConservationUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="activities", verbose_name=_("conservation unit"),
    )
    priority = models.CharField(_("priority"), max_length=20, blank=True, help_text=_("As printed."))
    priority_scale = models.CharField(_("priority scale"), max_length=10, choices=PriorityScale.choices)
    priority_level = models.CharField(
        _("priority level"), max_length=10, choices=PriorityLevel.choices, blank=True,
        help_text=_("Read from the printed priority; blank where none is printed."),
    )
    actor = models.TextField(_("actor"), blank=True, help_text=_("Responsibility / organisations responsible, as printed."))
    indicator = models.TextField(_("indicator"), blank=True)
    timeline = models.CharField(_("timeline"), max_length=100, blank=True, help_text=_("Timeline or time scale as printed."))
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, help_text=_("Read from the timeline where it names a year.")
    )
    budget = models.CharField(_("budget"), max_length=100, blank=True, help_text=_("As printed."))
    budget_usd = models.PositiveBigIntegerField(
        _("budget (USD)"), null=True, blank=True, help_text=_("Read from the budget where it prints an amount.")
    )
    budget_basis = models.CharField(
        _("budget basis"), max_length=60, blank=True, help_text=_("What the amount is counted per, e.g. 'per country'.")
    )
    cami_pow = models.JSONField(
        _("CAMI Programme of Work"), default=list, blank=True, help_text=_("Activity numbers of the CAMI PoW it serves.")
    )
    applicability = models.CharField(_("applicable to"), max_length=200, blank=True, help_text=_("As printed."))
    countries = models.ManyToManyField(
        "conservation_units.Country", related_name="activities", verbose_name=_("countries"),
        help_text=_("Range states the activity applies to."),
    )
    footnotes = models.ManyToManyField(Footnote, blank=True, related_name="activities", verbose_name=_("footnotes"))
    linked_activities = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="referenced_by_activities",
        verbose_name=_("activities referred to"),
    )
    linked_elements = models.ManyToManyField(
        PlanElement, blank=True, related_name="referenced_by_activities", verbose_name=_("elements referred to")
    )
    editorial_note = models.TextField(
        _("editorial note"), blank=True, help_text=_("Where the tracker corrected the printed text, and why.")
    )
    tags = models.ManyToManyField(
        CommitmentItem, blank=True, related_name="activities", verbose_name=_("commitments"),
        help_text=_("The commitment items it serves: the CAMI PoW items it prints, and those the Secretariat enters."),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["plan__slug", "edition__number", "position"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="%(app_label)s_%(class)s_unique_key"),
            models.UniqueConstraint(fields=["edition", "position"], name="%(app_label)s_%(class)s_unique_position"),
        ]
        indexes = [
            models.Index(fields=["priority_level"], name="activity_priority_level_idx"),
            models.Index(fields=["target_year"], name="activity_target_year_idx"),
            models.Index(fields=["plan", "code"], name="activity_plan_code_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}"

    def natural_key(self):
        return (self.plan.slug, self.key)

    natural_key.dependencies = ["actionplans.actionplan", "actionplans.planelement", "conservation_units.conservationunit"]

    def get_absolute_url(self):
        return reverse("actionplans:activity_detail", args=[self.pk])

    @property
    def parent_of_own_level(self):
        """The heading it sits under where that is of a level the plan names itself (a target), else None:
        the others are shown as its section, theme, objective or result."""
        if self.parent is not None and self.parent.level not in OUTLINE_FIELDS:
            return self.parent
        return None

    def fill_parent(self):
        """``parent`` from the section, theme, objective and result fields where it is one of them: what the
        fixtures and older code set. A parent of a level of the plan's own (or deeper than any of them) is
        the one the workbook names, and is kept."""
        innermost_id = self.result_id or self.objective_id or self.section_id or self.theme_id
        if innermost_id is None or self.parent_id == innermost_id:
            return
        if self.parent_id is None or self.parent.level in OUTLINE_FIELDS:
            self.parent_id = innermost_id
            # The instance where it is at hand: the pages read parent.level and parent.code from it.
            for name in ("result", "objective", "section", "theme"):
                if getattr(self, f"{name}_id") == innermost_id and Activity._meta.get_field(name).is_cached(self):
                    self.parent = getattr(self, name)
                    break

    def save(self, *args, **kwargs):
        self.fill_parent()
        super().save(*args, **kwargs)

    def derive_normalised_fields(self, scale_values=None):
        """Priority level, target year and budget in USD from the printed values.

        The priority is read on the plan's declared scale for this kind of activity
        (``scale_values``: its ``PriorityScaleValue`` rows, looked up when not given), which also sets
        ``priority_scale``; a plan that declares none keeps the rules of ``normalise``.
        """
        if scale_values is None:
            # all(), filtered below: a plan whose values were prefetched (load_plans) is read without a query.
            scale_values = list(self.plan.priority_scale_values.all()) if self.plan_id else []
        scale_values = [value for value in scale_values if value.kind == self.kind]
        if scale_values:
            self.priority_scale = scale_values[0].scale
            self.priority_level = normalise.priority_level_on_scale(
                self.priority, self.priority_scale, [(value.printed, value.level) for value in scale_values]
            )
        else:
            self.priority_level = normalise.priority_level_from(self.priority, self.priority_scale)
        self.target_year = normalise.target_year_from(self.timeline)
        self.budget_usd, self.budget_basis = normalise.budget_from(self.budget)

    def clean(self):
        self.derive_normalised_fields()
        if self.priority.strip() and not self.priority_level:
            raise ValidationError(
                {"priority": _("'%(priority)s' is not a priority on the %(scale)s scale.")
                 % {"priority": self.priority, "scale": self.get_priority_scale_display()}}
            )
        errors = {}
        if self.edition_id and self.edition.plan_id != self.plan_id:
            errors["edition"] = _("This edition belongs to another plan.")
        self.fill_parent()
        for field in ("parent", "section", "theme", "objective", "result"):
            element = getattr(self, field)
            if element is not None and element.plan_id != self.plan_id:
                errors[field] = _("This element belongs to another plan.")
        if not self.parent_id:
            errors["parent"] = _("An activity sits under a heading of the plan's outline.")
        if self.conservation_unit_id and self.conservation_unit.plan_id != self.plan_id:
            errors["conservation_unit"] = _("This conservation unit belongs to another plan.")
        if errors:
            raise ValidationError(errors)
