from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cami.languages import localized

from .models import (
    ActionPlan, Activity, CommitmentItem, CommitmentScheme, Footnote, PlanEdition, PlanElement, PlanImport,
    PriorityScaleValue,
)
from .services import activity_tags_from_cami_pow


# Plan texts are entered in each language side by side (text [en], text [ru]): TranslationAdmin puts each
# language's field where the text was. Its tabbed variant is not used: it loads jQuery UI from outside.


class ActivityInline(TranslationTabularInline):
    """Activities under an outline element (fk_name set per level in subclasses)."""

    model = Activity
    extra = 0
    fields = ["code", "key", "kind", "text", "priority", "priority_scale", "actor", "timeline", "budget"]
    show_change_link = True
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        # An activity belongs to an edition, which a workbook import makes (import_plan).
        return False


class SectionActivityInline(ActivityInline):
    fk_name = "section"
    verbose_name_plural = _("measures of this section")


class ResultActivityInline(ActivityInline):
    fk_name = "result"
    verbose_name_plural = _("activities of this result")


class ObjectiveActivityInline(ActivityInline):
    fk_name = "objective"
    verbose_name_plural = _("activities of this objective")


class HeadingActivityInline(ActivityInline):
    """Under a heading of a level the plan names itself (a target), which has no field of its own."""

    fk_name = "parent"
    verbose_name_plural = _("activities directly under this heading")


INLINES_BY_LEVEL = {
    PlanElement.Level.SECTION: [SectionActivityInline],
    PlanElement.Level.RESULT: [ResultActivityInline],
}


class PriorityScaleValueInline(admin.TabularInline):
    """Read-only: the scale comes with the plan's workbook (import_plan), which derives every level from it."""

    model = PriorityScaleValue
    extra = 0
    fields = ["kind", "scale", "printed", "level"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("priority scale (from the plan workbook)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(TranslationAdmin):
    list_display = ["short_title", "slug", "species_scientific_name", "period_start", "period_end", "document_symbol"]
    search_fields = [*localized("title", "short_title", "species_common_name"), "slug", "species_scientific_name"]
    filter_horizontal = ["range_states"]
    readonly_fields = ["slug"]
    inlines = [PriorityScaleValueInline]


@admin.register(PlanEdition)
class PlanEditionAdmin(admin.ModelAdmin):
    """Editions are made by importing a workbook (import_plan --new-edition): read-only here."""

    list_display = ["plan", "number", "title", "slug", "created_at", "created_by"]
    list_filter = ["plan"]
    list_select_related = ["plan", "created_by"]
    readonly_fields = ["plan", "number", "title", "slug", "created_at", "created_by", "source_import"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    """The record of every plan workbook import; written only by action_plan_import."""

    list_display = ["imported_at", "plan", "outcome", "file_name", "imported_by"]
    list_filter = ["plan", "outcome"]
    list_select_related = ["plan", "imported_by"]
    readonly_fields = ["plan", "imported_by", "imported_at", "file_name", "outcome", "summary", "changes"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanElement)
class PlanElementAdmin(TranslationAdmin):
    list_display = ["__str__", "plan", "level", "level_name", "code", "short_title", "conservation_unit"]
    list_filter = ["plan", "level"]
    list_select_related = ["plan", "conservation_unit"]
    search_fields = ["code", *localized("title")]
    autocomplete_fields = ["parent", "conservation_unit", "footnotes", "linked_activities", "linked_elements"]
    ordering = ["plan", "position"]

    @admin.display(description=_("title"))
    def short_title(self, element):
        return Truncator(element.title).words(12)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        # An objective holds activities directly only in plans without results under it.
        if obj.level == PlanElement.Level.OBJECTIVE and not obj.children.exists():
            return [ObjectiveActivityInline]
        if obj.level not in PlanElement.Level.values:
            return [HeadingActivityInline]
        return INLINES_BY_LEVEL.get(obj.level, [])


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    list_display = ["code", "kind", "plan", "short_text", "priority", "priority_level", "conservation_unit", "timeline"]
    list_filter = ["plan", "edition", "kind", "priority_level", "conservation_unit", "countries"]
    list_select_related = ["plan", "conservation_unit"]
    search_fields = ["code", "key", *localized("text", "actor", "indicator")]
    autocomplete_fields = [
        "section", "theme", "objective", "result", "parent", "conservation_unit", "countries", "footnotes",
        "linked_activities", "linked_elements", "tags",
    ]
    readonly_fields = ["edition", "continues", "priority_level", "target_year", "budget_usd", "budget_basis"]
    ordering = ["plan__slug", "edition__number", "position"]

    def has_add_permission(self, request):
        # An activity belongs to an edition, which a workbook import makes (import_plan).
        return False
    fieldsets = [
        (None, {"fields": ["plan", "edition", "continues", "kind", "code", "key", "position", "text",
                           "editorial_note"]}),
        (_("Place in the plan"), {"fields": ["section", "theme", "objective", "result", "conservation_unit"]}),
        (_("As printed"), {"fields": [
            "priority", "priority_scale", "actor", "indicator", "timeline", "budget", "cami_pow", "applicability",
        ]}),
        (_("Read from the printed text"), {"fields": ["priority_level", "target_year", "budget_usd", "budget_basis"]}),
        (_("Links"), {"fields": ["countries", "footnotes", "linked_activities", "linked_elements"]}),
        (_("Commitments"), {"fields": ["tags"], "description": _(
            "The CAMI PoW items its CAMI Programme of Work prints are added on saving; tag it with other items "
            "(GBF targets, CMS Resolutions and Decisions) here.")}),
    ]

    @admin.display(description=_("text"))
    def short_text(self, activity):
        return Truncator(activity.text).words(15)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The PoW items the corrected cami_pow prints follow the edit, as the values read from the text do.
        activity_tags_from_cami_pow(activities=Activity.objects.filter(pk=form.instance.pk))


class CommitmentItemInline(TranslationTabularInline):
    model = CommitmentItem
    extra = 1
    fields = ["code", "title"]
    ordering = ["sort_key", "code"]


@admin.register(CommitmentScheme)
class CommitmentSchemeAdmin(TranslationAdmin):
    """The schemes and their items: the Secretariat enters CMS Resolutions and Decisions here."""

    list_display = ["title", "slug"]
    search_fields = ["slug", *localized("title")]
    inlines = [CommitmentItemInline]


@admin.register(CommitmentItem)
class CommitmentItemAdmin(TranslationAdmin):
    list_display = ["code", "title", "scheme"]
    list_filter = ["scheme"]
    list_select_related = ["scheme"]
    search_fields = ["code", "scheme__slug", *localized("title")]
    ordering = ["scheme__slug", "sort_key", "code"]


@admin.register(Footnote)
class FootnoteAdmin(TranslationAdmin):
    list_display = ["number", "plan", "text"]
    list_filter = ["plan"]
    search_fields = localized("text")
