from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cami.languages import localized

from .models import ConservationUnit, Country


class UnitActivityInline(TranslationTabularInline):
    # The plan's measures for this unit, reached through their relation to the unit: this app does not
    # import actionplans (actionplans builds on countries and units; see the README's layout section).
    model = ConservationUnit.activities.rel.related_model
    fk_name = "conservation_unit"
    extra = 0
    fields = ["code", "kind", "text", "priority", "actor"]
    show_change_link = True
    ordering = ["position"]
    verbose_name_plural = _("measures for this unit")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ConservationUnit)
class ConservationUnitAdmin(TranslationAdmin):
    """Names and areas are entered in each language side by side (see actionplans/admin.py)."""

    list_display = ["number", "name", "plan", "kind", "hotspot_id", "subspecies", "countries_as_printed"]
    list_filter = ["plan", "kind", "countries"]
    list_select_related = ["plan"]
    search_fields = [*localized("name", "subspecies", "geographic_area"), "hotspot_id"]
    autocomplete_fields = ["countries"]
    inlines = [UnitActivityInline]
    ordering = ["plan", "number"]
