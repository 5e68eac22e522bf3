import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, Activity
from conservation_units.models import Country

from .models import CountryReport, ProgressReport, ReportingRound


class ProgressReportFilterSet(django_filters.FilterSet):
    """Filters of the progress list, in the browser (/progress/) and the API (/api/v1/progress/)."""

    plan = django_filters.ModelChoiceFilter(
        field_name="country_report__round__plan", to_field_name="slug", queryset=ActionPlan.objects.all(),
        label=_("Plan"), help_text=_("Plan slug."),
    )
    country = django_filters.ModelChoiceFilter(
        field_name="country_report__country", to_field_name="code", queryset=Country.objects.all(),
        label=_("Country"), help_text=_("ISO 3166-1 alpha-2 code."),
    )
    round = django_filters.ModelChoiceFilter(
        field_name="country_report__round", queryset=ReportingRound.objects.all(), label=_("Round"),
        help_text=_("Round id."),
    )
    status = django_filters.MultipleChoiceFilter(choices=ProgressReport.Status.choices, label=_("Status"))
    state = django_filters.MultipleChoiceFilter(
        field_name="country_report__state", choices=CountryReport.State.choices, label=_("Report state"),
    )
    activity = django_filters.ModelChoiceFilter(
        queryset=Activity.objects.all(), label=_("Activity"), help_text=_("Activity id."),
        widget=forms.NumberInput,  # a select of every activity of every plan would weigh down the page
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since"),
        help_text=_("ISO 8601 date-time, e.g. 2026-05-01T00:00:00Z."),
    )
    search = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                       help_text=_("Words in the activity code or text, the narrative or obstacles."))

    class Meta:
        model = ProgressReport
        fields = ["plan", "country", "round", "status", "state", "activity", "updated_since", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(activity__code__icontains=value) | Q(activity__text__icontains=value)
            | Q(narrative__icontains=value) | Q(obstacles__icontains=value)
        )
