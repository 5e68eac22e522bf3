"""Reads of reporting shared by the pages, the API and the exports."""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField, CharField, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.filtersets import outline_selects
from actionplans.models import Activity
from actionplans.selectors import outline_filter_elements
from conservation_units.models import Country

from . import permissions, rules
from .money import FundsSource
from .filtersets import CountryActivityFilterSet, ProgressReportFilterSet
from .models import (
    ActivityComment,
    Assignment,
    CountryReport,
    Evidence,
    ProgressChange,
    ProgressReport,
    ReportEvent,
    ReportingRound,
    sees_restricted_evidence,
)


NO_INFORMATION = rules.NO_INFORMATION
VALIDATED = CountryReport.State.VALIDATED
DONE = (ProgressReport.Status.COMPLETED, ProgressReport.Status.ONGOING)


# --- Activity × country pairs and their tallies ------------------------------------------------------
# What every figure counts (home cards, the country report page, dashboards, exports, reminders).

Pair = Activity.countries.through  # one row per activity and country it applies to


def activity_country_pairs(*, round_ids=None, activities=None) -> QuerySet:
    """Each activity with each range state of its plan it applies to: of the rounds' plans, or of
    ``activities`` (a queryset). The range-state join keeps a country the admin added to an activity
    without making it a range state out, as the country report page only opens for range states."""
    pairs = Pair.objects.filter(country__action_plans=F("activity__plan_id"))
    if round_ids is not None:
        pairs = pairs.filter(activity__edition__rounds__in=round_ids)
    if activities is not None:
        pairs = pairs.filter(activity__in=activities.values("pk"))
    return pairs


def pair_queryset(*, user, round_ids) -> QuerySet:
    """Pairs of the rounds' plans, each annotated with its report in that round that the user may see
    (``user`` None: every report, for the reminders, which no one in particular reads).

    ``round_ids`` holds at most one round per plan: a pair is then matched by one round and one report.

    ``report_status`` is the status or "no_information"; ``report_carried_over`` and ``report_state`` are
    null where there is no report. A reader of published versions counts their values, each validated.
    """
    reports = ProgressReport.objects.all() if user is None else ProgressReport.objects.visible_to(user)
    # order_by(): a subquery read for its one row sorts nothing; an inherited Meta.ordering here would join
    # and sort the report's country report and round for each of the three subqueries, for every pair.
    reports = reports.filter(
        country_report__round_id__in=round_ids, country_report__country_id=OuterRef("country_id"),
        activity_id=OuterRef("activity_id"),
    ).order_by()
    state = Value(VALIDATED) if reports.reads_published else F("country_report__state")
    return activity_country_pairs(round_ids=round_ids).annotate(
        report_status=Coalesce(Subquery(reports.values(reports.seen("status"))[:1]), Value(NO_INFORMATION),
                               output_field=CharField()),
        report_carried_over=Subquery(reports.values(reports.seen("carried_over"))[:1], output_field=BooleanField()),
        report_state=Subquery(reports.annotate(seen_state=state).values("seen_state")[:1], output_field=CharField()),
    )


CUBE_FIELDS = {
    "country": "country_id", "plan": "activity__plan_id", "unit": "activity__conservation_unit_id",
    "objective": "activity__objective_id", "priority": "activity__priority_level", "status": "report_status",
    "carried_over": "report_carried_over", "state": "report_state",
}


def pair_counts(*, user, round_ids, countries=None, keys=tuple(CUBE_FIELDS)) -> list[dict]:
    """Pairs counted in the database, grouped by ``keys`` (of CUBE_FIELDS): one query, a few rows."""
    pairs = pair_queryset(user=user, round_ids=round_ids)
    if countries is not None:
        pairs = pairs.filter(country__in=countries)
    columns = {key: CUBE_FIELDS[key] for key in keys}
    rows = pairs.values(*columns.values()).annotate(n=Count("id")).order_by()
    return [{key: row[column] for key, column in columns.items()} | {"n": row["n"]} for row in rows]


@dataclass
class Tally:
    """Pairs counted by status, with how many were reported in the round (rules.is_reported), carried
    over and not confirmed, and validated."""

    counts: Counter = field(default_factory=Counter)
    reported: int = 0
    carried: int = 0
    validated: int = 0

    def add(self, row: dict):
        """Count a row of ``pair_counts``."""
        self.count(row["status"], row["carried_over"], row["state"], row["n"])

    def count(self, status: str, carried_over: bool | None, state: str | None, n: int = 1):
        """Count ``n`` pairs of a status, their report's carried_over and state (None: no report)."""
        self.counts[status] += n
        if status == NO_INFORMATION:
            return
        if rules.is_said_in_round(carried_over):
            self.reported += n
        else:
            self.carried += n
        if state == VALIDATED:
            self.validated += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts[status] for status in DONE)


def tallies(rows: list[dict], *keys: str) -> dict:
    """Rows of ``pair_counts`` added up per value of ``keys`` (a tuple of values for several keys)."""
    result = defaultdict(Tally)
    for row in rows:
        result[row[keys[0]] if len(keys) == 1 else tuple(row[key] for key in keys)].add(row)
    return result


def progress_queryset(user):
    """Reports as ``user`` reads them (working copies or published versions), each with its published
    version at hand (the API's ``published``) and the evidence the user may see; latest changes first."""
    reports = ProgressReport.objects.visible_to(user).with_related().select_related("published")
    return (
        reports.prefetch_related(Prefetch("evidence", queryset=Evidence.objects.visible_to(user),
                                          to_attr="visible_evidence"))
        .order_by(f"-{reports.seen('updated_at')}", "-id")
    )


def progress_filterset(*, user, data=None) -> ProgressReportFilterSet:
    return ProgressReportFilterSet(data=data, queryset=progress_queryset(user))


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
    why_locked: str | None = None  # to a user who drafts here, why the report cannot change now


def country_report_page(*, round: ReportingRound, country: Country, user, data) -> CountryReportPage:
    """The activities of the round's plan that apply to the country, each with its report (or none)."""
    country_report = CountryReport.objects.select_related("round__plan", "country").filter(
        round=round, country=country).first()
    reports = ProgressReport.objects.visible_to(user).filter(country_report=country_report).select_related("updated_by")
    if not reports.reads_published:
        reports = reports.select_related("published")  # to mark what changed since the last validation
    filterset = _country_filterset(
        round=round, country=country, user=user, data=data, country_report=country_report,
        # Not with_related(): the rows show no range states, and their ~7 Country instances a row were a
        # third of the page's time on the Argali plan (issue #11).
        activities=Activity.objects.with_outline().prefetch_related(
            Prefetch("progress_reports", queryset=reports, to_attr="reports")))
    outline_selects(filterset.form, outline_filter_elements(plan=round.plan))
    applicable = filterset.queryset
    activities = list(filterset.qs)
    for activity in activities:
        activity.report = activity.reports[0] if activity.reports else None
    if not reports.reads_published:
        from .versions import mark_changes_since_validation  # versions reads this module's labels
        # A filtered page may list none of the published reports: reopened says it was validated too.
        mark_changes_since_validation([activity.report for activity in activities if activity.report],
                                      validated_before=country_report is not None and country_report.state in (
                                          VALIDATED, CountryReport.State.REOPENED))
    _mark_return_notes(activities, None if reports.reads_published else country_report)
    access = permissions.editing_access(user, round=round, country=country, country_report=country_report)
    editable = set(applicable.filter(access.scope).values_list("pk", flat=True)) if access.scope is not None else set()
    total = Activity.objects.of_round(round).filter(countries=country).count()
    reported = reports.filter(rules.reported_q("published__" if reports.reads_published else ""),
                              activity__countries=country).count() if country_report else 0
    return CountryReportPage(round, country, country_report, filterset, activities, editable, total, reported,
                             access.why_locked)


def _mark_return_notes(activities: list, country_report: CountryReport | None):
    """``activity.return_note``: the Secretariat's comment on the activity at the report's last return, while
    the country has not changed that activity since (one query)."""
    notes = {}
    if country_report is not None and country_report.state != VALIDATED:  # a validated report has none open
        notes = return_comments(country_report_ids=[country_report.pk])
    for activity in activities:
        note = notes.get((country_report.pk if country_report else None, activity.pk))
        activity.return_note = _open_note(note, activity.report)


def return_comments(*, country_report_ids, user=None) -> dict:
    """(country report id, activity id) → (comment, returned at): the Secretariat's comments on single
    activities at each report's last return, unless a validation came after it; with ``user``, only those
    of countries the user reports for (the Secretariat: all). One query."""
    last_move = ReportEvent.objects.filter(
        country_report=OuterRef("event__country_report"),
        action__in=(ReportEvent.Action.RETURNED, ReportEvent.Action.VALIDATED)).order_by("-at", "-id").values("pk")[:1]
    comments = ActivityComment.objects.filter(event__country_report__in=country_report_ids, event=Subquery(last_move))
    if user is not None and not user.is_staff:
        comments = comments.filter(Exists(Assignment.objects.filter(
            user=user, country_id=OuterRef("event__country_report__country_id"))))
    return {(report_id, activity_id): (comment, at) for report_id, activity_id, comment, at in comments.values_list(
        "event__country_report_id", "activity_id", "comment", "event__at")}


def _open_note(note: tuple | None, report) -> str | None:
    """The comment of ``note`` unless the country changed the activity's report since the return."""
    if note is None:
        return None
    comment, at = note
    return None if report is not None and report.updated_at > at else comment


def progress_return_comments_mark(reports, user):
    """``report.return_comment`` on each of ``reports`` (working copies): the Secretariat's comment on its
    activity at the last return, while not changed since, for the country's own people and the Secretariat;
    None for everyone else (observers, anonymous visitors). One query at most, whatever the number of reports."""
    reports = list(reports)
    notes = {}
    if user.is_authenticated and reports:
        notes = return_comments(country_report_ids={report.country_report_id for report in reports}, user=user)
    for report in reports:
        report.return_comment = _open_note(notes.get((report.country_report_id, report.activity_id)), report)


def report_filter_query(data) -> str:
    """The country report's filters in ``data`` (a QueryDict), as a query string to carry to an activity's
    page and back: a focal point working through unit 2 does not filter again after each activity."""
    kept = QueryDict(mutable=True)
    for name in CountryActivityFilterSet.Meta.fields:
        values = [value for value in data.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


@dataclass
class ReportNeighbours:
    """An activity's place in the country report as filtered: where previous / next lead."""

    previous: tuple | None  # (pk, kind label, code) or None at the start
    next: tuple | None
    position: int | None  # 1-based; None if the filters leave this activity out
    count: int


def _country_filterset(*, round, country, user, data, country_report, activities) -> CountryActivityFilterSet:
    """The country report's filters over ``activities`` of the round's edition that apply to the country,
    in the report's order: the report page and its previous / next ask the same one."""
    units = round.plan.conservation_units.filter(countries=country).order_by("number")
    applicable = activities.of_round(round).filter(countries=country).order_by("position")
    return CountryActivityFilterSet(data=data, queryset=applicable, country_report=country_report, user=user,
                                    units=units)


def report_neighbours(*, round: ReportingRound, country: Country, user, data, activity,
                      country_report: CountryReport | None) -> ReportNeighbours:
    """The activities before and after ``activity`` in the country's report filtered by ``data``, in
    the report's order. Two queries: the country's units (the filter's choices) and the filtered list."""
    filterset = _country_filterset(round=round, country=country, user=user, data=data,
                                   country_report=country_report, activities=Activity.objects.all())
    rows = [(pk, Activity.Kind(kind).label, code) for pk, kind, code in filterset.qs.values_list("pk", "kind", "code")]
    index = next((i for i, row in enumerate(rows) if row[0] == activity.pk), None)
    if index is None:
        return ReportNeighbours(None, None, None, len(rows))
    return ReportNeighbours(rows[index - 1] if index > 0 else None, rows[index + 1] if index + 1 < len(rows) else None,
                            index + 1, len(rows))


@dataclass
class RoundCard:
    round: ReportingRound
    country: Country
    state: str
    total: int
    reported: int
    carried_over: int
    today: datetime.date | None = None

    @property
    def state_label(self):
        return CountryReport.State(self.state).label if self.state else ""

    @property
    def percent(self):
        return round(100 * self.reported / self.total) if self.total else 0

    @property
    def overdue(self):
        return rules.is_overdue(round=self.round, state=self.state, activities=self.total,
                                today=self.today or timezone.localdate())


def countries_of(user):
    """The countries a user reports for (every range state with a round, for the Secretariat)."""
    if not user.is_authenticated:
        return Country.objects.none()
    if user.is_staff:
        return Country.objects.filter(action_plans__rounds__status=ReportingRound.Status.OPEN).distinct()
    return Country.objects.filter(assignments__user=user).distinct()


def home_cards(user, *, today: datetime.date | None = None) -> list[RoundCard]:
    """For each of the user's countries and each open round of a plan it reports on: how far it is."""
    countries = list(countries_of(user).order_by("name"))
    rounds = list(ReportingRound.objects.open().select_related("plan").prefetch_related("plan__range_states")
                  .order_by("due_on"))
    assignments = list(Assignment.objects.for_user(user)) if not user.is_staff else []
    # One open round per plan: a pair's plan names its round.
    counts = tallies(pair_counts(user=user, round_ids=[r.pk for r in rounds], countries=countries,
                                 keys=("plan", "country", "status", "carried_over", "state")), "plan", "country")
    states = {
        (round_id, country_id): state
        for round_id, country_id, state in CountryReport.objects.filter(round__in=rounds, country__in=countries)
        .values_list("round_id", "country_id", "state")
    }
    cards = []
    for round in rounds:
        range_state_ids = {country.pk for country in round.plan.range_states.all()}
        for country in countries:
            if country.pk not in range_state_ids or not _covers(user, assignments, round.plan_id, country.pk):
                continue
            tally = counts.get((round.plan_id, country.pk), Tally())
            cards.append(RoundCard(round, country, states.get((round.pk, country.pk), ""), tally.total,
                                   tally.reported, tally.carried, today))
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


def recent_messages(user, *, limit=10):
    """The workflow moves the user was (or would have been) mailed about, newest first: submissions for
    the Secretariat; returns, with the comment, and validations for the people of the country."""
    events = ReportEvent.objects.select_related("actor", "country_report__round__plan", "country_report__country")
    if user.is_staff:
        events = events.filter(action=ReportEvent.Action.SUBMITTED)
    else:
        events = events.filter(action__in=(ReportEvent.Action.RETURNED, ReportEvent.Action.VALIDATED),
                               country_report__country__in=countries_of(user))
    return events.order_by("-at", "-id")[:limit]


def reported_count(published: bool = False) -> Coalesce:
    """On a CountryReport queryset: the activities REPORTED in its round that apply to its country, the
    pairs every dashboard, export and home card counts (a report on an activity that no longer applies
    to the country is left out, as there); ``published``: in the published versions.

    A correlated subquery rather than ``Count`` over a join: it is computed for the rows a page shows
    only, where a grouped join counted every report of every listed country report first."""
    reports = ProgressReport.objects.filter(
        rules.reported_q("published__" if published else ""),
        country_report=OuterRef("pk"), activity__countries=OuterRef("country_id"),
    ).order_by().values("country_report").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(reports, output_field=IntegerField()), Value(0))


def validation_queue():
    """Submitted country reports, the soonest due first (the page shows them 25 at a time), each with when
    it was last submitted and how many of its activities are reported, of how many."""
    submitted = ReportEvent.objects.filter(country_report=OuterRef("pk"), action=ReportEvent.Action.SUBMITTED)
    activities = (Activity.objects.filter(edition_id=OuterRef("round__edition_id"), countries=OuterRef("country_id"))
                  .order_by().values("edition_id").annotate(n=Count("pk")).values("n"))
    return (
        CountryReport.objects.filter(state=CountryReport.State.SUBMITTED)
        .select_related("round__plan", "country")
        .annotate(reported=reported_count(), validated_before=CountryReport.objects.published(),
                  submitted_at=Subquery(submitted.order_by("-at", "-id").values("at")[:1]),
                  activity_total=Coalesce(Subquery(activities, output_field=IntegerField()), Value(0)))
        .order_by("round__due_on", "country__name", "pk")
    )


HISTORY_FIELD_LABELS = {
    "status": _("Status"),
    "narrative": _("What was done"),
    "obstacles": _("Obstacles"),
    "expected_year": _("Expected completion year"),
    "funds_amount": _("Funds spent or mobilised"),
    "funds_currency": _("Currency"),
    "funds_usd": _("Funds in USD"),
    "funds_source": _("Source of funds"),
    "funds_funder": _("Funder"),
    "carried_over": _("Carried over"),
    "carried_over_from_round": _("Carried over from"),
    "edition": _("Edition of the plan"),
    "code": _("Activity number"),
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
    if field == "funds_source":
        return FundsSource(value).label if value in FundsSource.values else value
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


def history_queryset(report: ProgressReport):
    """The report's changes, newest first; read as its published version, those up to that version only."""
    changes = report.changes.select_related("changed_by").order_by("-changed_at", "-id")
    return changes.filter(version__lte=report.version) if getattr(report, "shows_published", False) else changes


def progress_history(report: ProgressReport, user) -> list[HistoryEntry]:
    changes = history_queryset(report)
    entries = []
    for change in changes:
        readable = history_changes_for(user, report, change.changes)
        entries.append(HistoryEntry(change, [
            (HISTORY_FIELD_LABELS.get(field, field), _readable(field, old), _readable(field, new))
            for field, (old, new) in readable.items()]))
    return entries
