"""What a plan asks range states to do: its activities, and the querysets the pages, the API and the
exports read them with."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import normalise
from ..commitments import CommitmentItem
from .outline import OUTLINE_FIELDS, PlanElement
from .plans import ActionPlan, Footnote, PlanEdition


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
