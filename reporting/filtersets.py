"""Every filter of reporting, for the pages, the API and the exports: one FilterSet per list.

- ``ProgressReportFilterSet``: the progress list (/progress/, /api/v1/progress/); the exports' progress
  filters are the same (``ExportProgressFilterSet``), over pairs, so "No information" too.
- ``ReportingRoundFilterSet``, ``CountryReportFilterSet``: the API's rounds and country reports.
- ``CountryActivityFilterSet``: the activities of one country report page, with their status.
- ``PairFilterSet``: the list of activity × country pairs behind a dashboard's figures.

The parameter names are the public contract of the API and of saved addresses: keep them.
"""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from actionplans.filtersets import TAG_HELP, ActivityFilterSet, TagFilter, outline_label, outline_languages
from actionplans.models import ActionPlan, Activity
from cami.filters import LabelledSelect, PlainFilterSet, WholeNumberFilter
from cami.languages import any_language_contains
from conservation_units.models import Country

from . import rules
from .models import CountryReport, ProgressReport, ReportingRound, sees_drafts

# A pair's status: what its report says, or "No information" where there is none the reader may see
# (last, as the dashboards' columns show it).
PAIR_STATUS_CHOICES = [*ProgressReport.Status.choices, (rules.NO_INFORMATION, rules.NO_INFORMATION_LABEL)]
NONE = "none"  # filter value: activities without a unit, objective or priority level


class ProgressReportFilterSet(PlainFilterSet):
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
    # Status, state, date and search read the version the queryset reads (ProgressReport.objects.seen):
    # a reader of published versions finds what they are shown, never a correction in review.
    status = django_filters.MultipleChoiceFilter(choices=ProgressReport.Status.choices, label=_("Status"),
                                                 method="filter_seen")
    state = django_filters.MultipleChoiceFilter(
        field_name="country_report__state", choices=CountryReport.State.choices, label=_("Report state"),
        method="filter_state",
    )
    activity = django_filters.ModelChoiceFilter(
        queryset=Activity.objects.all(), label=_("Activity"), help_text=_("Activity id."),
        widget=forms.NumberInput,  # a select of every activity of every plan would weigh down the page
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since"), method="filter_seen",
        help_text=_("ISO 8601 date-time, e.g. 2026-05-01T00:00:00Z."),
    )
    search = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                       help_text=_("Words in the activity code or text, the narrative or obstacles."))
    tag = TagFilter(activity="activity_id", label=_("Commitment"), help_text=TAG_HELP)

    class Meta:
        model = ProgressReport
        fields = ["plan", "country", "round", "status", "state", "activity", "updated_since", "search", "tag"]

    def filter_seen(self, queryset, name, value):
        """``name`` is the field: status (a list of values) or updated_at (since a date-time)."""
        if value in (None, "", []):
            return queryset
        lookup = "in" if name == "status" else "gte"
        return queryset.filter(**{f"{queryset.seen(name)}__{lookup}": value})

    def filter_state(self, queryset, name, states):
        if not states:
            return queryset
        if queryset.reads_published:  # every published version is validated
            return queryset if CountryReport.State.VALIDATED in states else queryset.none()
        return queryset.filter(country_report__state__in=states)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(activity__code__icontains=value) | any_language_contains(value, "activity__text")
            | Q(**{f"{queryset.seen('narrative')}__icontains": value})
            | Q(**{f"{queryset.seen('obstacles')}__icontains": value})
        )


class ExportProgressFilterSet(ProgressReportFilterSet):
    """The progress filters of an export: those of the progress list, read over activity × country pairs,
    so a status may also be "No information". ``plan`` and ``country`` are the activity filters'."""

    plan = country = tag = None  # the activity filters (actionplans.filtersets.ActivityFilterSet) read these
    round = django_filters.ModelChoiceFilter(
        field_name="country_report__round", queryset=ReportingRound.objects.select_related("plan"),
        label=_("Round"), help_text=_("Round id."),
        error_messages={"invalid_choice": _("There is no round %(value)s.")},
    )
    status = django_filters.MultipleChoiceFilter(choices=PAIR_STATUS_CHOICES, label=_("Status"))
    activity = WholeNumberFilter(min_value=1, label=_("Activity"), help_text=_("Activity id."))

    class Meta(ProgressReportFilterSet.Meta):
        fields = ["round", "status", "state", "activity", "updated_since", "search"]


class ReportingRoundFilterSet(PlainFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="plan", to_field_name="slug", queryset=ActionPlan.objects.all(), label=_("Plan"),
        help_text=_("Plan slug."),
    )
    status = django_filters.MultipleChoiceFilter(choices=ReportingRound.Status.choices, label=_("Status"))

    class Meta:
        model = ReportingRound
        fields = ["plan", "status"]


class CountryReportFilterSet(PlainFilterSet):
    round = django_filters.ModelChoiceFilter(queryset=ReportingRound.objects.all(), label=_("Round"),
                                             help_text=_("Round id."))
    country = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=Country.objects.all(), label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code."),
    )
    state = django_filters.MultipleChoiceFilter(choices=CountryReport.State.choices, label=_("State"),
                                                method="filter_state")

    class Meta:
        model = CountryReport
        fields = ["round", "country", "state"]

    def filter_state(self, queryset, name, states):
        """The state as the reader sees it: to readers of published versions each report is validated."""
        if not states:
            return queryset
        if self.request is None or not sees_drafts(self.request.user):
            return queryset if CountryReport.State.VALIDATED in states else queryset.none()
        return queryset.filter(state__in=states)


class CountryActivityFilterSet(ActivityFilterSet):
    """The activity filters plus the status reported for one country in one round."""

    status = django_filters.MultipleChoiceFilter(
        choices=PAIR_STATUS_CHOICES,
        method="filter_status", label=_("Status"),
    )

    class Meta(ActivityFilterSet.Meta):
        fields = ["conservation_unit", "priority_level", "section", "objective", "result", "outline", "search", "tag",
                  "status"]

    def __init__(self, *args, country_report, user, units=(), **kwargs):
        # The page's rows are already its round's edition (Activity.objects.of_round).
        super().__init__(*args, every_edition=True, **kwargs)
        self.country_report, self.user = country_report, user
        for name in ("plan", "plan_id", "edition", "country", "country_id", "kind", "theme", "target_year_min",
                     "target_year_max"):
            self.filters.pop(name, None)
        # The country's units by name rather than a bare number to type.
        self.filters["conservation_unit"] = django_filters.ChoiceFilter(
            field_name="conservation_unit__number", label=_("Conservation unit"), empty_label=_("All units"),
            choices=[(unit.number, str(unit)) for unit in units],
        )

    def filter_status(self, queryset, name, statuses):
        if not statuses:
            return queryset
        # Only reports the user may see: an anonymous visitor's filter must not reveal a draft's statuses.
        reports = ProgressReport.objects.visible_to(self.user).filter(
            country_report=self.country_report, activity=OuterRef("pk"))
        condition = Exists(reports.filter(**{f"{reports.seen('status')}__in": statuses}))
        if rules.NO_INFORMATION in statuses:
            condition |= ~Exists(reports)
        return queryset.filter(condition)


class PairFilterSet(PlainFilterSet):
    """Filters of the list behind a dashboard's figures (kept beside them: they filter the same pairs)."""

    country = django_filters.ChoiceFilter(field_name="country__code", label=_("Country"))
    status = django_filters.MultipleChoiceFilter(
        field_name="report_status", label=_("Status"), choices=PAIR_STATUS_CHOICES)
    conservation_unit = django_filters.ChoiceFilter(method="filter_unit", label=_("Conservation unit"))
    objective = django_filters.ChoiceFilter(method="filter_objective", label=_("Objective"))
    priority_level = django_filters.MultipleChoiceFilter(
        method="filter_priority", label=_("Priority level"),
        choices=[*Activity.PriorityLevel.choices, (NONE, _("No priority printed"))])
    reported = django_filters.ChoiceFilter(
        method="filter_reported", label=_("Reported in the round"),
        choices=[("yes", _("Reported in this round")), ("no", _("Not reported in this round"))])
    state = django_filters.MultipleChoiceFilter(
        field_name="report_state", label=_("Report state"), choices=CountryReport.State.choices)

    class Meta:
        model = Activity.countries.through  # one row per activity and country it applies to (selectors.Pair)
        fields = ["country", "status", "conservation_unit", "objective", "priority_level", "reported", "state"]

    def __init__(self, *args, countries, units, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = [(country.code, country.local_name) for country in countries]
        self.filters["conservation_unit"].extra["choices"] = [
            *((unit.number, str(unit)) for unit in units), (NONE, _("No conservation unit"))]
        objectives = list(objectives)
        self.filters["objective"].extra.update(
            choices=[*((element.code, outline_label(element)) for element in objectives), (NONE, _("No objective"))],
            widget=LabelledSelect(option_languages=outline_languages(objectives)))

    def filter_unit(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(activity__conservation_unit__isnull=True)
        return queryset.filter(activity__conservation_unit__number=value)

    def filter_objective(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(activity__objective__isnull=True)
        return queryset.filter(activity__objective__code=value)

    def filter_priority(self, queryset, name, values):
        if not values:
            return queryset
        levels = ["" if value == NONE else value for value in values]
        return queryset.filter(activity__priority_level__in=levels)

    def filter_reported(self, queryset, name, value):
        reported = rules.reported_q("report_")
        if value == "yes":
            return queryset.filter(reported)
        # No report (null) or one carried over and not yet confirmed: spelt out, as NOT on null is null.
        return queryset.filter(Q(report_carried_over__isnull=True) | ~reported)
