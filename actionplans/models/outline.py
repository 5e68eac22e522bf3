"""A plan's outline: its headings, at any depth, of the tracker's levels or of the plan's own."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .plans import ActionPlan, Footnote


validate_level = RegexValidator(
    r"^[a-z][a-z0-9_]*\Z",
    _("A level is written in lower case letters, digits and underscores, starting with a letter (e.g. goal)."),
)


def level_label(level: str, level_name: str = "") -> str:
    """A level's name: ``level_name`` (a plan's own), else the tracker's for its five levels, else the level."""
    if level_name:
        return level_name
    if level in PlanElement.Level.values:
        return str(PlanElement.Level(level).label)
    return level.replace("_", " ").capitalize()


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
        return level_label(self.level, self.level_name)

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
