from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from cami.languages import localized

from . import money, services
from .models import (
    Assignment, CountryReport, Evidence, ExchangeRate, ExportJob, Profile, ProgressChange, ProgressReport, ReportEvent,
    ReportingRound,
)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Who reports for which country: focal points, and contributors with what was handed to them."""

    list_display = ["user", "role", "country", "plan", "conservation_unit", "granted_by", "created_at"]
    list_filter = ["role", "country", "plan"]
    list_select_related = ["user", "country", "plan", "conservation_unit", "granted_by"]
    search_fields = ["user__username", "user__email", "country__name", "country__code"]
    autocomplete_fields = ["user", "country", "plan", "conservation_unit", "activities"]
    ordering = ["country__name", "user__username"]

    def save_model(self, request, obj, form, change):
        if not obj.granted_by_id:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    search_fields = ["user__username"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    """Rounds open on the Rounds page (with their carry-over); here they are edited, closed and reopened."""

    list_display = ["title", "plan", "opens_on", "due_on", "status", "closed_at"]
    list_filter = ["plan", "status"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    readonly_fields = ["status", "edition", "opened_by", "closed_by", "closed_at"]  # edition: set by round_open
    actions = ["close_rounds", "reopen_rounds"]

    def has_add_permission(self, request):
        # New rounds open on the Rounds page, through the service that carries the last statuses over.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A round's country reports point at its plan's activities: moved to another plan, they would
        # report on activities that plan does not have.
        if obj is not None and obj.pk:
            return [*self.readonly_fields, "plan"]
        return self.readonly_fields

    @admin.action(description=_("Close the selected rounds"))
    def close_rounds(self, request, queryset):
        self._each(request, queryset, lambda round: services.round_close(round=round, closed_by=request.user))

    @admin.action(description=_("Reopen the selected rounds"))
    def reopen_rounds(self, request, queryset):
        self._each(request, queryset, lambda round: services.round_reopen(round=round, opened_by=request.user))

    def _each(self, request, queryset, action):
        for round in queryset:
            try:
                action(round)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{round}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.ERROR)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "comment", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CountryReport)
class CountryReportAdmin(admin.ModelAdmin):
    list_display = ["country", "round", "state", "updated_at"]
    list_filter = ["state", "round__plan", "round", "country"]
    list_select_related = ["country", "round"]
    readonly_fields = ["round", "country", "state", "return_comment"]
    ordering = ["-round__opens_on", "-round_id", "country__name"]
    inlines = [ReportEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgressChangeInline(admin.TabularInline):
    model = ProgressChange
    extra = 0
    can_delete = False
    readonly_fields = ["version", "changed_by", "changed_at", "source", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ["title", "kind", "url", "file", "visibility", "added_by", "added_at", "removed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Read-only here: reports change through the report pages and the API, which keep the history."""

    list_display = ["activity", "country_name", "round_title", "status", "carried_over", "version", "updated_by",
                    "updated_at"]
    list_filter = ["status", "country_report__state", "country_report__round", "country_report__country"]
    list_select_related = ["activity__plan", "country_report__country", "country_report__round", "updated_by"]
    search_fields = ["activity__code", *localized("activity__text"), "narrative", "obstacles"]
    inlines = [EvidenceInline, ProgressChangeInline]
    # What the model's ordering used to give: newest round first, then country and the plan's order.
    ordering = ["-country_report__round__opens_on", "-country_report__round_id", "country_report__country__name",
                "activity__position"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("country"), ordering="country_report__country__name")
    def country_name(self, report):
        return report.country_report.country

    @admin.display(description=_("round"), ordering="country_report__round__opens_on")
    def round_title(self, report):
        return report.country_report.round


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["round", "currency", "usd_per_unit"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("currency") and cleaned.get("usd_per_unit") is not None:
            # The service's own check (services.exchange_rate_clean), shown under its field.
            cleaned["currency"], cleaned["usd_per_unit"] = services.exchange_rate_clean(
                currency=cleaned["currency"], usd_per_unit=cleaned["usd_per_unit"])
        return cleaned


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """The rates reports are converted to USD at, per round and currency. A changed rate converts the
    reports saved from then on: reports saved before keep the USD amount they were saved with."""

    form = ExchangeRateForm
    list_display = ["round", "currency", "usd_per_unit", "set_by", "set_at"]
    list_filter = ["round__plan", "round", "currency"]
    list_select_related = ["round__plan", "set_by"]
    search_fields = ["currency", "round__title"]
    readonly_fields = ["set_by", "set_at"]

    def get_readonly_fields(self, request, obj=None):
        # A rate is of one round and one currency: changing either would be another rate.
        return [*self.readonly_fields, "round", "currency"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = services.exchange_rate_set(round=obj.round, currency=obj.currency, usd_per_unit=obj.usd_per_unit,
                                           user=request.user)
        obj.pk, obj.set_by, obj.set_at = saved.pk, saved.set_by, saved.set_at


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Background exports, read only: the worker writes them, exports_cleanup removes them."""

    list_display = ["id", "requester", "format", "status", "created_at", "finished_at", "attempts"]
    list_filter = ["status", "format"]
    list_select_related = ["requester"]
    search_fields = ["requester__username"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
