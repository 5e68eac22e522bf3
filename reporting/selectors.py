"""Reads of reporting shared by the pages, the API and the exports."""
from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import Activity
from conservation_units.models import Country

from . import permissions
from .filtersets import ProgressReportFilterSet
from .models import (
    Assignment,
    CountryReport,
    Evidence,
    ProgressChange,
    ProgressReport,
    ReportingRound,
    sees_restricted_evidence,
)

NO_INFORMATION = "no_information"


def progress_queryset(user):
    return (
        ProgressReport.objects.visible_to(user).with_related()
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.visible_to(user), to_attr="visible_evidence"))
        .order_by("-updated_at", "-id")
    )


def progress_filterset(*, user, data=None) -> ProgressReportFilterSet:
    return ProgressReportFilterSet(data=data, queryset=progress_queryset(user))


class CountryActivityFilterSet(ActivityFilterSet):
    """The activity filters plus the status reported for one country in one round."""

    status = django_filters.MultipleChoiceFilter(
        choices=[(NO_INFORMATION, _("No information")), *ProgressReport.Status.choices],
        method="filter_status", label=_("Status"),
    )

    class Meta(ActivityFilterSet.Meta):
        fields = ["conservation_unit", "priority_level", "section", "objective", "result", "search", "status"]

    def __init__(self, *args, country_report: CountryReport | None, user, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country_report, self.user = country_report, user
        for name in ("plan", "plan_id", "country", "country_id", "kind", "theme", "target_year_min", "target_year_max"):
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
        condition = Exists(reports.filter(status__in=statuses))
        if NO_INFORMATION in statuses:
            condition |= ~Exists(reports)
        return queryset.filter(condition)


@dataclass
class CountryReportPage:
    round: ReportingRound
    country: Country
    country_report: CountryReport | None
    filterset: CountryActivityFilterSet
    activities: list
    editable_ids: set
    total: int
    reported: int


def country_report_page(*, round: ReportingRound, country: Country, user, data) -> CountryReportPage:
    """The activities of the round's plan that apply to the country, each with its report (or none)."""
    country_report = CountryReport.objects.select_related("round__plan", "country").filter(
        round=round, country=country).first()
    reports = ProgressReport.objects.visible_to(user).filter(country_report=country_report).select_related("updated_by")
    applicable = (
        Activity.objects.with_related().filter(plan=round.plan, countries=country).order_by("position")
        .prefetch_related(Prefetch("progress_reports", queryset=reports, to_attr="reports"))
    )
    units = round.plan.conservation_units.filter(countries=country).order_by("number")
    filterset = CountryActivityFilterSet(data=data, queryset=applicable, country_report=country_report, user=user,
                                         units=units)
    activities = list(filterset.qs)
    for activity in activities:
        activity.report = activity.reports[0] if activity.reports else None
    scope = permissions.drafting_scope(user, plan=round.plan, country=country) if round.is_open else None
    editable = set(applicable.filter(scope).values_list("pk", flat=True)) if scope is not None else set()
    total = Activity.objects.filter(plan=round.plan, countries=country).count()
    reported = reports.filter(carried_over=False).count() if country_report else 0
    return CountryReportPage(round, country, country_report, filterset, activities, editable, total, reported)


@dataclass
class RoundCard:
    round: ReportingRound
    country: Country
    state: str
    total: int
    reported: int
    carried_over: int

    @property
    def state_label(self):
        return CountryReport.State(self.state).label if self.state else ""

    @property
    def percent(self):
        return round(100 * self.reported / self.total) if self.total else 0

    @property
    def overdue(self):
        return self.round.is_open and self.round.due_on < timezone.localdate() and self.state in ("", "draft", "returned")


def countries_of(user):
    """The countries a user reports for (every range state with a round, for the Secretariat)."""
    if not user.is_authenticated:
        return Country.objects.none()
    if user.is_staff:
        return Country.objects.filter(action_plans__rounds__status=ReportingRound.Status.OPEN).distinct()
    return Country.objects.filter(assignments__user=user).distinct()


def home_cards(user) -> list[RoundCard]:
    """For each of the user's countries and each open round of a plan it reports on: how far it is."""
    countries = list(countries_of(user).order_by("name"))
    rounds = list(ReportingRound.objects.open().select_related("plan").prefetch_related("plan__range_states")
                  .order_by("due_on"))
    assignments = list(Assignment.objects.for_user(user)) if not user.is_staff else []
    totals = dict(
        ((row["plan"], row["countries"]), row["n"])
        for row in Activity.objects.filter(plan__rounds__in=rounds, countries__in=countries)
        .values("plan", "countries").annotate(n=Count("id", distinct=True))
    )
    reports = {
        (cr.round_id, cr.country_id): cr
        for cr in CountryReport.objects.filter(round__in=rounds, country__in=countries).annotate(
            reported=Count("progress_reports", filter=Q(progress_reports__carried_over=False)),
            carried=Count("progress_reports", filter=Q(progress_reports__carried_over=True)),
        )
    }
    cards = []
    for round in rounds:
        range_state_ids = {country.pk for country in round.plan.range_states.all()}
        for country in countries:
            if country.pk not in range_state_ids or not _covers(user, assignments, round.plan_id, country.pk):
                continue
            report = reports.get((round.pk, country.pk))
            cards.append(RoundCard(
                round, country, report.state if report else "", totals.get((round.plan_id, country.pk), 0),
                report.reported if report else 0, report.carried if report else 0,
            ))
    return cards


def _covers(user, assignments, plan_id, country_id) -> bool:
    if user.is_staff:
        return True
    return any(a.country_id == country_id and a.plan_id in (None, plan_id) for a in assignments)


def recent_changes(user, *, limit=10):
    countries = countries_of(user)
    return (
        ProgressChange.objects.filter(progress_report__country_report__country__in=countries)
        .select_related("changed_by", "progress_report__activity", "progress_report__country_report__country",
                        "progress_report__country_report__round")
        .order_by("-changed_at", "-id")[:limit]
    )


def validation_queue():
    return (
        CountryReport.objects.filter(state=CountryReport.State.SUBMITTED)
        .select_related("round__plan", "country")
        .annotate(reported=Count("progress_reports"))
        .order_by("round__due_on", "country__name")
    )


HISTORY_FIELD_LABELS = {
    "status": _("Status"),
    "narrative": _("What was done"),
    "obstacles": _("Obstacles"),
    "expected_year": _("Expected completion year"),
    "carried_over": _("Carried over"),
    "carried_over_from_round": _("Carried over from"),
    "evidence": _("Evidence"),
    "restricted_evidence": _("Restricted evidence"),
}


@dataclass
class HistoryEntry:
    change: ProgressChange
    rows: list  # (field label, before, after) in words a reader understands


def _readable(field, value):
    if value is None or value == "":
        return "—"
    if field == "status":
        return ProgressReport.Status(value).label if value in ProgressReport.Status.values else value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def history_changes_for(user, report: ProgressReport, changes: dict) -> dict:
    """A change's {field: [old, new]} as ``user`` may read it: restricted evidence titles hidden."""
    if "restricted_evidence" not in changes or sees_restricted_evidence(user, report.country_report.country_id):
        return changes
    hidden = str(_("(restricted)"))
    old, new = changes["restricted_evidence"]
    return {**changes, "restricted_evidence": [hidden if old else None, hidden if new else None]}


def progress_history(report: ProgressReport, user) -> list[HistoryEntry]:
    changes = report.changes.select_related("changed_by").order_by("-changed_at", "-id")
    entries = []
    for change in changes:
        readable = history_changes_for(user, report, change.changes)
        entries.append(HistoryEntry(change, [
            (HISTORY_FIELD_LABELS.get(field, field), _readable(field, old), _readable(field, new))
            for field, (old, new) in readable.items()]))
    return entries
