"""The admin for focal points and contributors: their countries' progress reports, and nothing else.

The Secretariat's admin (``/admin/``) is for staff. Range states' people sign in to ``/country-admin/``
with their usual account and see the progress reports of the countries they report for, with the
list filters of the admin (plan, round, status, conservation unit, priority level) and search. They
change status, what was done, obstacles and expected year where they may draft now, through
``services.progress_report_record`` like every other path (version check, row lock, history source
"admin", the same refusal sentences); accounts, plans, rounds and assignments are not here.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from cami.languages import localized

from . import permissions, selectors, services
from .models import Assignment, Evidence, ProgressChange, ProgressReport
from .services import ProgressInput, StaleEdit

EDITABLE = services.TRACKED_FIELDS  # status, texts, year and the funds: what ProgressInput takes


class CountryAdminSite(admin.AdminSite):
    site_header = _("CAMI tracker: your countries' reports")
    site_title = _("Country reports")
    index_title = _("Progress reports of the countries you report for")
    site_url = "/home/"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and (
            user.is_staff or Assignment.objects.filter(user=user).exists())


country_admin_site = CountryAdminSite(name="country_admin")


class CountryProgressForm(forms.ModelForm):
    """The values a country reports, and the version they were read at (a stale save is refused)."""

    version_read = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ProgressReport
        fields = EDITABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.fields["version_read"].initial = self.instance.version

    def clean(self):
        """Save here, through the service, so that a refusal is shown on the form like any field error.

        The admin validates the form, then saves with no way back to the form; the service's checks
        (lock, version, permission) can only be made by writing, on the locked row. The admin's view
        runs in one transaction, so a refused save leaves nothing behind."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        report, country_report = self.instance, self.instance.country_report
        values = ProgressInput(**{field: cleaned[field] for field in EDITABLE})
        try:
            self.saved = services.progress_report_record(
                round=country_report.round, activity=report.activity, country=country_report.country,
                user=self.user, values=values, expected_version=cleaned["version_read"],
                source=ProgressChange.Source.ADMIN)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        except (PermissionDenied, StaleEdit) as error:
            raise ValidationError(str(error)) from error
        return cleaned


    def _post_clean(self):
        pass  # the model's own validation ran in the service, on the values it saved


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ["title", "kind", "url", "visibility", "added_by", "added_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).filter(removed_at__isnull=True)

    def has_add_permission(self, request, obj=None):
        return False  # files and links are added on the activity's page (the upload checks live there)


class CountryProgressAdmin(admin.ModelAdmin):
    form = CountryProgressForm
    change_form_template = "reporting/country_admin/change_form.html"  # says why a report is read-only
    list_display = ["activity", "country_report", "status", "carried_over", "version", "updated_by", "updated_at"]
    list_filter = ["activity__plan", "country_report__round", "status", "activity__conservation_unit",
                   "activity__priority_level"]
    list_select_related = ["activity__plan", "country_report__country", "country_report__round__plan", "updated_by"]
    search_fields = ["activity__code", *localized("activity__text"), "narrative", "obstacles"]
    readonly_fields = ["activity", "country_report", "version", "updated_by", "updated_at"]
    fieldsets = [(None, {"fields": ["activity", "country_report", *EDITABLE, "version_read", "version", "updated_by",
                                    "updated_at"]})]
    inlines = [EvidenceInline]
    ordering = ["-country_report__round__opens_on", "country_report__country__name", "activity__position"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            country_report__country__in=selectors.countries_of(request.user))

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return False  # a report starts on the country report page, where the activity is chosen

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.admin_site.has_permission(request)
        return self._why_not(request, obj) is None

    def _why_not(self, request, report) -> str | None:
        country_report = report.country_report
        return (permissions.why_cannot_draft(request.user, activity=report.activity, country=country_report.country,
                                             round=country_report.round)
                or permissions.why_locked_for_editing(request.user, country_report=country_report))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        report = self.get_object(request, object_id) if object_id else None
        if report is not None:
            why_not = self._why_not(request, report)
            if why_not and request.method == "POST":
                raise PermissionDenied(why_not)  # the 403 says why, as the pages and the API do
            extra_context = {**(extra_context or {}), "why_not": why_not}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        return type(form_class.__name__, (form_class,), {"user": request.user})

    def save_form(self, request, form, change):
        return form.saved  # written by the form's clean(), through the service

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass  # evidence is read-only here


country_admin_site.register(ProgressReport, CountryProgressAdmin)
