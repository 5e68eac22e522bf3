"""One FilterSet per resource, shared by the HTML lists and the API."""
import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Exists, OuterRef, Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from cami.filters import PlainFilterSet, WholeNumberFilter, offer_choices
from cami.languages import active_language, any_language_contains, shown_language
from conservation_units.models import Country

from .commitments import CommitmentItem, tags_split, validate_tags
from .editions import edition_lookup
from .models import ActionPlan, Activity, PlanElement


class EditionField(forms.CharField):
    """An edition's id or slug; one no edition has is refused (a 400 naming the filter in the API)."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if value and not edition_lookup(value).exists():
            raise ValidationError(_("No edition “%(value)s”: give an edition's id or slug (e.g. draft)."),
                                  code="invalid", params={"value": value})
        return value


class EditionFilter(django_filters.CharFilter):
    field_class = EditionField


class OutlineField(forms.CharField):
    """A heading of a plan's outline as ``level:code`` (objective:1, goal:G1), cleaned to (level, code)."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        level, colon, code = value.partition(":")
        if not (colon and level.strip() and code.strip()):
            raise ValidationError(
                _("Write the heading as level:code, e.g. objective:1 or goal:G1 (not “%(value)s”)."),
                code="invalid", params={"value": value})
        return level.strip().lower(), code.strip()


OUTLINE_HELP = _("A heading of the plan's outline as level:code, e.g. objective:1 or goal:G1: the activities under it, "
                 "at any depth. For the levels a plan names itself.")


# A level and a code on either side of the first colon: what OutlineField accepts.
@extend_schema_field({"type": "string", "pattern": r"^[^:\x00]*[^:\s\x00][^:\x00]*:[^\x00]*[^\s\x00][^\x00]*$",
                      "description": str(OUTLINE_HELP)})
class OutlineFilter(django_filters.CharFilter):
    """Activities under the heading at any depth: those whose parent is it or any element below it."""

    field_class = OutlineField

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(parent_id__in=PlanElement.objects.ids_under(*value))


def tag_choices():
    """Every item, grouped by scheme, for the pages' select; a callable, so only a page that shows the
    select reads them (one query), never the API."""
    groups: dict = {}
    for item in CommitmentItem.objects.select_related("scheme").order_by("scheme__slug", "sort_key", "code"):
        groups.setdefault(item.scheme.title, []).append((item.tag, item.label))
    return list(groups.items())


class TagField(forms.MultipleChoiceField):
    """``scheme:code`` values (repeated, or several in one separated by ``;`` or ``,``), cleaned to the items
    they name; a value that names none is refused with a sentence naming it (400 in the API)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", tag_choices)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return [tag for text in super().to_python(value) for tag in tags_split(text)]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for tag in value:
            ProhibitNullCharactersValidator()(tag)  # PostgreSQL refuses them in a query: a 400, never a 500

    def clean(self, value):
        values = self.to_python(value)
        self.validate(values)
        return validate_tags(values) if values else []


TAG_HELP = _("A commitment item as scheme:code, e.g. cami-pow:19.2 or gbf:4; repeat it for activities with any of "
             "the items.")


# No pattern: whether a value names an item only the database knows (a 400 naming it otherwise).
@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": str(TAG_HELP)})
class TagFilter(django_filters.Filter):
    """Rows whose activity is tagged with any of the items (``activity``: the path to the activity's id)."""

    field_class = TagField

    def __init__(self, *args, activity="pk", **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity

    def filter(self, queryset, items):
        if not items:
            return queryset
        tagged = Activity.tags.through.objects.filter(activity_id=OuterRef(self.activity), commitmentitem__in=items)
        return queryset.filter(Exists(tagged))


# The outline filters: a code in the API, a select of the plan's outline on the pages (outline_selects).
OUTLINE_FILTERS = {"section": PlanElement.Level.SECTION, "theme": PlanElement.Level.THEME,
                   "objective": PlanElement.Level.OBJECTIVE, "result": PlanElement.Level.RESULT}


def outline_label(element: PlanElement) -> str:
    """"Objective 1.2 — To stabilize argali numbers …": the heading as printed and the start of its title."""
    title = Truncator(element.title).words(10)
    return title if element.level == PlanElement.Level.PART else f"{element} — {title}"


def outline_languages(elements, value=lambda element: element.code) -> dict[str, str]:
    """Option value → language of the title shown, for the elements whose title is not in the page's language."""
    shown = {value(element): shown_language(element, "title") for element in elements}
    return {code: language for code, language in shown.items() if language != active_language()}


def outline_value(element: PlanElement) -> str:
    """The heading as the ``outline`` filter names it: level:code."""
    return f"{element.level}:{element.code}"


def outline_selects(form, elements):
    """The outline filters of a page's ``form`` as selects of ``elements`` (with plan and parent; one
    plan's or several plans' outline), grouped by their parent, or by plan and parent; the value stays
    the element's code (without a plan, a code picks that code in every plan, as in the API)."""
    several_plans = len({element.plan_id for element in elements}) > 1
    for name, level in OUTLINE_FILTERS.items():
        if name not in form.fields:
            continue
        groups: dict = {}
        of_level = [element for element in elements if element.level == level]
        for element in of_level:
            group = outline_label(element.parent) if element.parent else ""
            if several_plans:
                group = f"{element.plan.short_title} · {group}" if group else element.plan.short_title
            groups.setdefault(group, []).append((element.code, outline_label(element)))
        offer_choices(form, name, groups, option_languages=outline_languages(of_level))
    # The levels a plan names itself (goal, target) have no filter of their own: one select of their headings.
    if "outline" in form.fields:
        groups = {}
        own = [element for element in elements
               if element.level not in OUTLINE_FILTERS and element.level != PlanElement.Level.PART]
        for element in own:
            group = element.plan.short_title if several_plans else ""
            groups.setdefault(group, []).append((outline_value(element), outline_label(element)))
        offer_choices(form, "outline", groups, option_languages=outline_languages(own, outline_value))


def unit_select(form, units):
    """The activity list's unit filter (a number in the API) as a select of ``units`` (with their plan),
    grouped by plan where there are several."""
    several_plans = len({unit.plan_id for unit in units}) > 1
    groups: dict = {}
    for unit in units:
        groups.setdefault(unit.plan.short_title if several_plans else "", []).append((unit.number, str(unit)))
    offer_choices(form, "conservation_unit", groups)


class ActivityFilterSet(PlainFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="plan", to_field_name="slug", queryset=ActionPlan.objects.all(),
        label=_("Plan"), help_text=_("Plan slug, e.g. argali or persian-leopard."),
    )
    plan_id = WholeNumberFilter(field_name="plan_id", label=_("Plan (ID)"))
    edition = EditionFilter(
        method="filter_edition", label=_("Edition"),
        help_text=_("Edition of the plan, by id or slug (e.g. draft); without it, each plan's current edition."),
    )
    country = django_filters.ModelChoiceFilter(
        field_name="countries", to_field_name="code", queryset=Country.objects.all(),
        label=_("Country"), help_text=_("ISO 3166-1 alpha-2 code: activities that apply to this country."),
    )
    country_id = WholeNumberFilter(field_name="countries", label=_("Country (ID)"))
    kind = django_filters.MultipleChoiceFilter(choices=Activity.Kind.choices, label=_("Kind"))
    conservation_unit = WholeNumberFilter(
        field_name="conservation_unit__number", label=_("Conservation unit"),
        help_text=_("Unit number as printed; combine with plan."),
    )
    priority_level = django_filters.MultipleChoiceFilter(
        choices=Activity.PriorityLevel.choices, label=_("Priority level")
    )
    section = django_filters.CharFilter(field_name="section__code", label=_("Section"), help_text=_("e.g. 2.0"))
    theme = django_filters.CharFilter(field_name="theme__code", label=_("Theme"), help_text=_("Theme number."))
    objective = django_filters.CharFilter(
        field_name="objective__code", label=_("Objective"), help_text=_("Objective number.")
    )
    result = django_filters.CharFilter(field_name="result__code", label=_("Result"), help_text=_("Result code, e.g. 1.1"))
    outline = OutlineFilter(label=_("Heading"), help_text=OUTLINE_HELP)
    target_year_min = WholeNumberFilter(
        field_name="target_year", lookup_expr="gte", label=_("Target year from")
    )
    target_year_max = WholeNumberFilter(
        field_name="target_year", lookup_expr="lte", label=_("Target year to")
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"),
        help_text=_("Words in the code, text, actor or indicator, in English or a translation."),
    )
    tag = TagFilter(label=_("Commitment"), help_text=TAG_HELP)

    class Meta:
        model = Activity
        fields = [
            "plan", "plan_id", "edition", "country", "country_id", "kind", "conservation_unit", "priority_level",
            "section", "theme", "objective", "result", "outline", "target_year_min", "target_year_max", "search",
            "tag",
        ]

    def __init__(self, *args, every_edition: bool = False, **kwargs):
        """``every_edition``: no edition asked for means every edition (the exports, which pick per round)."""
        super().__init__(*args, **kwargs)
        self.every_edition = every_edition

    @property
    def qs(self):
        """The filtered rows; no edition asked for: each plan's current edition (bound or not)."""
        if not hasattr(self, "_edition_qs"):
            queryset = super().qs
            asked = self.is_bound and self.form.is_valid() and (self.form.cleaned_data.get("edition") or "").strip()
            self._edition_qs = queryset if self.every_edition or asked else queryset.current()
        return self._edition_qs

    def filter_edition(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(edition__in=edition_lookup(value).values("pk"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | any_language_contains(value, "text", "actor", "indicator"))
