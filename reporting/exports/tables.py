"""The tables of an export: its rounds, the activity × country pairs of each plan with their report in the
round and the status before (``progress_tables``), and the Summary's figures per plan (``plan_summary``)."""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import Activity
from conservation_units.models import Country

from ..filtersets import ProgressReportFilterSet
from ..models import Evidence, ProgressReport, ReportingRound, sees_drafts
from ..published import FUNDS_FIELDS
from ..selectors import NO_INFORMATION, VALIDATED, Tally, activity_country_pairs, progress_queryset
from .columns import labels
from .scope import Scope, export_scope


# --- The tables: plans, rounds, activity × country pairs --------------------------------------------

@dataclass(slots=True)
class ReportRow:
    """What an export shows of one progress report, read as plain values: an export reads tens of
    thousands, and a model instance (with its country report, round, plan...) per report costs ten times more."""

    id: int
    activity_id: int
    country_id: int
    state: str
    status: str
    narrative: str
    obstacles: str
    expected_year: int | None
    carried_over: bool
    updated_at: datetime.datetime
    updated_by: str | None
    funds_amount: Decimal | None
    funds_currency: str
    funds_usd: Decimal | None
    funds_source: str
    funds_funder: str
    search_hit: bool = False
    evidence: tuple = ()  # URLs of its public evidence (a tuple: most reports have none)


REPORT_VALUES = {
    "id": "id", "activity_id": "activity_id", "country_id": "country_report__country_id",
    "state": "seen_state", "status": "status",
    "narrative": "narrative", "obstacles": "obstacles", "expected_year": "expected_year",
    "carried_over": "carried_over", "updated_at": "updated_at", "updated_by": "updated_by__username",
    **{name: name for name in FUNDS_FIELDS},
}
# Values a published version has of its own (ProgressReport.objects.seen).
SEEN_VALUES = {"status", "narrative", "obstacles", "expected_year", "carried_over", "updated_at",
               "updated_by__username", *FUNDS_FIELDS}


@dataclass(slots=True)
class Pair:
    """One activity in one country: its report in the exported round (or none), and the status before."""

    activity: Activity
    country: Country
    report: ReportRow | None
    previous_status: str | None  # None: the plan has no earlier round to compare with
    selected: bool = True

    @property
    def status(self) -> str:
        return self.report.status if self.report else NO_INFORMATION

    @property
    def changed(self) -> bool:
        return self.previous_status is not None and self.previous_status != self.status


@dataclass
class MatrixRow:
    activity: Activity
    cells: list  # per country column: a Pair, or None where the activity does not apply
    applies_to: int = 0  # countries the activity applies to, in the export or not (its planned budget)


@dataclass
class PlanTable:
    plan: object
    round: ReportingRound
    previous: ReportingRound | None
    countries: list
    rows: list[MatrixRow] = field(default_factory=list)
    tags: list = field(default_factory=list)  # the commitment tags of its exported activities (commitments.py)

    def pairs(self):
        """The pairs the filters keep, in document order and by country."""
        for row in self.rows:
            yield from (cell for cell in row.cells if cell is not None and cell.selected)


@dataclass
class ProgressTables:
    """An export: which rounds, and each plan's table read when it is written (``each_table``)."""

    user: object
    scope: Scope
    chosen: list  # (round, the round before it or None) per plan, by plan slug
    made_at: datetime.datetime

    def each_table(self):
        """The PlanTable of each chosen round, one plan at a time: only that plan's activities, pairs and
        reports are in memory at once, whatever the number of plans. The same queries however many plans
        (see the tests): each reads every plan's rows in plan order, fetched a chunk at a time, and is
        taken plan by plan. Each call reads the tables again."""
        yield from _each_table(self)


# Rows fetched at a time by each of an export's queries: what sits in memory of a query at once. An
# activity row is wide (its plan, unit, objective... joined), a report row holds its narrative.
CHUNK, REPORT_CHUNK, ACTIVITY_CHUNK = 2000, 500, 100
NOTHING: dict = {}
_END = object()


class _ByPlan:
    """Rows ordered by plan as the chosen rounds are (by plan slug), taken one plan's rows at a time; the
    rows of a plan not taken are passed over. The query runs when rows are first taken."""

    def __init__(self, rows, order: dict, plan_of=itemgetter(0)):
        self._rows, self._order, self._plan_of, self._next = rows, order, plan_of, None

    def take(self, plan_id) -> list:
        self._rows = iter(self._rows)
        wanted, taken = self._order[plan_id], []
        while True:
            if self._next is None:
                self._next = next(self._rows, _END)
            if self._next is _END:
                return taken
            place = self._order[self._plan_of(self._next)]
            if place > wanted:
                return taken
            if place == wanted:
                taken.append(self._next)
            self._next = None


def _chosen_rounds(scope: Scope) -> list[tuple[ReportingRound, ReportingRound | None]]:
    """Per plan: the round asked for or else the latest, and the round before it (if any)."""
    rounds = (
        ReportingRound.objects.select_related("plan")
        .prefetch_related(Prefetch("plan__range_states", queryset=Country.objects.order_by("code")))
        .order_by("plan__slug", "opens_on", "id")
    )
    if scope.plan:
        rounds = rounds.filter(plan=scope.plan)
    if scope.plan_id:
        rounds = rounds.filter(plan_id=scope.plan_id)
    if scope.round:
        rounds = rounds.filter(plan_id=scope.round.plan_id)
    if scope.country:
        rounds = rounds.filter(plan__range_states=scope.country)
    by_plan: dict[int, list] = {}
    for round in rounds:
        by_plan.setdefault(round.plan_id, []).append(round)
    chosen = []
    for plan_rounds in by_plan.values():
        index = len(plan_rounds) - 1
        if scope.round:
            index = next(i for i, round in enumerate(plan_rounds) if round.pk == scope.round.pk)
        chosen.append((plan_rounds[index], plan_rounds[index - 1] if index else None))
    return chosen


def _reports(user, scope: Scope, round_ids: list[int], also_activities=()):
    """The reports of the rounds the user may read, for the activities the filters picked (and
    ``also_activities``): their published versions, or (``scope.working``) the working copies."""
    reports = progress_queryset(user).prefetch_related(None)
    if not scope.working:
        reports = reports.published_version()
    picked = Q(activity__in=scope.activities.values("pk"))
    if also_activities:
        picked |= Q(activity_id__in=list(also_activities))
    reports = reports.filter(picked, country_report__round__in=round_ids)
    if scope.country:
        reports = reports.filter(country_report__country=scope.country)
    return reports


def _current_reports(user, scope: Scope, round_ids: list[int]):
    """(plan id, ReportRow) of the rounds' reports, by plan; and (plan id, report id, URL) of their
    public evidence, by plan."""
    reports = _reports(user, scope, round_ids)
    # Every published version is validated, whatever its report's state now.
    reports = reports.annotate(seen_state=Value(VALIDATED) if reports.reads_published else F("country_report__state"))
    names = list(REPORT_VALUES)
    paths = [reports.seen(path) if path in SEEN_VALUES else path for path in REPORT_VALUES.values()]
    if scope.search:
        # The progress list's search: the activity's code and text, the narrative and obstacles.
        base = ProgressReport.objects.published_version() if reports.reads_published else ProgressReport.objects.all()
        hits = ProgressReportFilterSet(data={"search": scope.search}, queryset=base).qs
        reports = reports.annotate(search_hit=Exists(hits.filter(pk=OuterRef("pk"))))
        names.append("search_hit")
        paths.append("search_hit")
    rows = (reports.values_list("country_report__round__plan_id", *paths)
            .order_by("country_report__round__plan__slug").iterator(chunk_size=REPORT_CHUNK))
    return _report_rows(rows, names), _public_evidence(user, reports, published=reports.reads_published)


SHARED_VALUES = ("activity_id", "country_id", "state", "status", "funds_currency", "funds_source", "updated_by")


def _report_rows(rows, names: list):
    """An activity, a country, a choice or a user name is one object shared by every report that has it,
    not one copy each."""
    shared: dict = {}
    positions = [names.index(name) for name in SHARED_VALUES]
    for plan_id, *values in rows:
        for position in positions:
            values[position] = shared.setdefault(values[position], values[position])
        yield plan_id, ReportRow(**dict(zip(names, values)))


def _public_evidence(user, reports, published: bool):
    """(report id, URL) of each piece of public evidence (of the published versions, if ``published``):
    links as given, files by their download address.

    The selector's evidence prefetch is not used: restricted evidence is never even loaded."""
    site = settings.SITE_URL.rstrip("/")
    evidence = (
        (Evidence.objects.published() if published else Evidence.objects.visible_to(user))
        .filter(visibility=Evidence.Visibility.PUBLIC, progress_report__in=reports.values("pk"))
        .order_by("progress_report__country_report__round__plan__slug", "added_at", "id")
        .values_list("progress_report__country_report__round__plan_id", "progress_report_id", "pk", "kind", "url")
    )
    for plan_id, report_id, pk, kind, url in evidence.iterator(chunk_size=CHUNK):
        yield plan_id, report_id, (url if kind == Evidence.Kind.LINK
                                   else site + reverse("reporting:evidence_download", args=[pk]))


def _previous_statuses(user, scope: Scope, round_ids: list[int], successors: dict):
    """(plan id, activity id, country id, status) in the rounds, by plan; with the reports on the earlier
    edition's activities that ``successors`` continue, oldest report first (of merged ones, the newest wins,
    as in the carry-over)."""
    if not round_ids:
        return []
    reports = _reports(user, scope, round_ids, also_activities=successors)
    order = ("country_report__round__plan__slug", "pk") if successors else ("country_report__round__plan__slug",)
    return (reports.values_list("country_report__round__plan_id", "activity_id", "country_report__country_id",
                                reports.seen("status"))
            .order_by(*order).iterator(chunk_size=CHUNK))


def _successors(scope: Scope, chosen: list, edition_ids: list[int]) -> dict[int, list[int]]:
    """{activity of an earlier edition: the exported activities that continue it}, where a plan's round before
    the exported one is of an earlier edition (its reports are on that edition's activities); else {}."""
    if all(prev is None or prev.edition_id == round.edition_id for round, prev in chosen):
        return {}
    successors: dict[int, list[int]] = {}
    links = Activity.continues.through.objects.filter(
        from_activity__in=scope.activities.filter(edition__in=edition_ids).values("pk"))
    for old_id, new_id in links.values_list("to_activity_id", "from_activity_id"):
        successors.setdefault(old_id, []).append(new_id)
    return successors


def _activities(scope: Scope, edition_ids: list[int]):
    activities = scope.activities.filter(edition__in=edition_ids)
    if scope.search:
        # The activity list's search: code, text, actor, indicator.
        hits = ActivityFilterSet(data={"search": scope.search}, queryset=Activity.objects.all(),
                                every_edition=True).qs
        activities = activities.annotate(search_hit=Exists(hits.filter(pk=OuterRef("pk"))))
    return activities.iterator(chunk_size=ACTIVITY_CHUNK)


def _applies(scope: Scope, edition_ids: list[int]):
    """(plan id, activity id, country id) of each country an activity applies to, by plan: plain ids rather
    than a Country per pair; the pairs the dashboards and the home page count (selectors.activity_country_pairs)."""
    pairs = activity_country_pairs(activities=scope.activities.filter(edition__in=edition_ids))
    return (pairs.values_list("activity__plan_id", "activity_id", "country_id").order_by("activity__plan__slug")
            .iterator(chunk_size=CHUNK))


def _tags(scope: Scope, edition_ids: list[int]):
    """The commitment tags of the exported activities, by plan (the Summary's "By commitment")."""
    return (Activity.tags.through.objects.filter(activity__in=scope.activities.filter(edition__in=edition_ids)
                                                 .values("pk"))
            .annotate(export_plan_id=F("activity__plan_id")).select_related("commitmentitem__scheme")
            .order_by("activity__plan__slug").iterator(chunk_size=CHUNK))


def _keeps(scope: Scope, pair: Pair) -> bool:
    report = pair.report
    if scope.statuses and pair.status not in scope.statuses:
        return False
    if scope.states and (report is None or report.state not in scope.states):
        return False
    if scope.updated_since and (report is None or report.updated_at < scope.updated_since):
        return False
    if scope.search and not (pair.activity.search_hit or (report is not None and report.search_hit)):
        return False
    return True


def _fill_table(table: PlanTable, activities, applies: dict, scope: Scope, current: dict, previous: dict | None):
    """``current``: {activity id: {country id: ReportRow}} of the round; ``previous``: the same of statuses
    in the round before (None: no round before)."""
    columns = [(country, country.pk) for country in table.countries]  # .pk is slow over 100,000 pairs
    for activity in activities:
        activity_id = activity.id
        countries = applies.get(activity_id, ())
        reports = current.get(activity_id, NOTHING)
        statuses = previous.get(activity_id, NOTHING) if previous is not None else None
        cells = []
        for country, country_id in columns:
            if country_id not in countries:
                cells.append(None)
                continue
            before = statuses.get(country_id, NO_INFORMATION) if statuses is not None else None
            pair = Pair(activity, country, reports.get(country_id), before)
            pair.selected = _keeps(scope, pair)
            cells.append(pair)
        if any(cell is not None and cell.selected for cell in cells):
            table.rows.append(MatrixRow(activity, cells, len(countries)))


def progress_tables(*, user, params) -> ProgressTables:
    """An export's tables, its filters checked (a bad one raises ValidationError now); they are read
    when written, one plan at a time (``ProgressTables.each_table``), in a constant number of queries."""
    scope = export_scope(params)
    if scope.working and not sees_drafts(user):
        raise ValidationError({"version": [_("Sign in to export the working copies: visitors read the "
                                             "published versions (as last validated).")]})
    return ProgressTables(user, scope, _chosen_rounds(scope), timezone.now())


def _each_table(tables: ProgressTables):
    user, scope, chosen = tables.user, tables.scope, tables.chosen
    if not chosen:
        return
    # Each round's activities are those of its edition (Activity.objects.of_round), whichever is current.
    edition_ids = [round.edition_id for round, _previous in chosen]
    order = {round.plan_id: place for place, (round, _previous) in enumerate(chosen)}
    activities = _ByPlan(_activities(scope, edition_ids), order, attrgetter("plan_id"))
    applies = _ByPlan(_applies(scope, edition_ids), order)
    reports, evidence = _current_reports(user, scope, [round.pk for round, _previous in chosen])
    reports, evidence = _ByPlan(reports, order), _ByPlan(evidence, order)
    # After an edition change the round before reported on the earlier edition's activities: its statuses
    # are those of the activities that continue them (one query more, only then).
    successors = _successors(scope, chosen, edition_ids)
    previous = _ByPlan(_previous_statuses(user, scope, [prev.pk for _round, prev in chosen if prev], successors),
                       order)
    tags = _ByPlan(_tags(scope, edition_ids), order, attrgetter("export_plan_id"))
    streams = (activities, applies, reports, evidence, previous, tags, successors)
    for round, prev in chosen:
        # Built in a function of its own: nothing of this plan's table is left here while the next is read.
        yield _plan_table(scope, round, prev, *streams)


def _plan_table(scope: Scope, round, prev, activities, applies, reports, evidence, previous, tags,
                successors) -> PlanTable:
    plan_id = round.plan_id
    countries = [c for c in round.plan.range_states.all() if scope.country is None or c.pk == scope.country.pk]
    table = PlanTable(round.plan, round, prev, countries)
    plan_applies: dict[int, set] = {}
    for _plan, activity_id, country_id in applies.take(plan_id):
        plan_applies.setdefault(activity_id, set()).add(country_id)
    # {activity id: {country id: ...}}: a dict per activity costs less than a (activity, country) key per pair.
    current: dict[int, dict] = {}
    by_id = {}
    for _plan, row in reports.take(plan_id):
        current.setdefault(row.activity_id, {})[row.country_id] = by_id[row.id] = row
    for _plan, report_id, url in evidence.take(plan_id):
        row = by_id[report_id]
        row.evidence = (*row.evidence, url)
    del by_id
    before = None
    if prev is not None:
        before, shared = {}, {}  # each status and country one object, not one copy per report
        for _plan, activity_id, country_id, status in previous.take(plan_id):
            for target in successors.get(activity_id, (activity_id,)):
                before.setdefault(target, {})[shared.setdefault(country_id, country_id)] = shared.setdefault(
                    status, status)
    _fill_table(table, activities.take(plan_id), plan_applies, scope, current, before)
    if table.rows:
        exported = {row.activity.id for row in table.rows}
        table.tags = [tag for tag in tags.take(plan_id) if tag.activity_id in exported]
    return table


# --- Summary figures ------------------------------------------------------------------------------

def group_label(activity: Activity, titled: bool = True) -> str:
    """The element an activity is counted under: its unit, else its objective, else its section
    ("Objective 1 — To increase ...", or only "Objective 1" where rows must stay short)."""
    if activity.conservation_unit_id:
        return str(activity.conservation_unit)
    # A plan of levels of its own (goal, target) has none of the four: its activities count under their heading.
    element = activity.objective or activity.section or activity.result or activity.theme or activity.parent
    if element is None:
        return "—"
    return f"{element} — {element.title}" if titled else str(element)


def priority_label(activity: Activity, blank: bool = False, names: dict | None = None) -> str:
    if activity.priority_level:
        return (names or labels())["priority"][activity.priority_level]
    return "" if blank else _("No priority level")


@dataclass
class CountryFigures:
    """A country's line of the Summary, counted by the dashboards' Tally (so reported as they count it)."""

    country: Country
    tally: Tally = field(default_factory=Tally)

    @property
    def activities(self) -> int:
        return self.tally.total

    @property
    def reported(self) -> int:
        return self.tally.reported

    @property
    def carried_over(self) -> int:
        return self.tally.carried

    @property
    def no_information(self) -> int:
        return self.tally.counts[NO_INFORMATION]

    @property
    def validated(self) -> int:
        return self.tally.validated


@dataclass
class PlanSummary:
    table: PlanTable
    activities: int
    by_status: Counter
    by_country: list[CountryFigures]
    by_priority: dict  # label -> Counter of statuses, in the order High, Medium, Low, none
    by_group: dict  # label -> Counter of statuses, in document order
    changed: int
    before: Counter  # statuses of the same pairs in the previous round

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def plan_summary(table: PlanTable) -> PlanSummary:
    figures = {country.pk: CountryFigures(country) for country in table.countries}
    by_status, before = Counter(), Counter()
    names = labels()
    priorities = {label: Counter() for label in (*names["priority"].values(), _("No priority level"))}
    groups: dict[str, Counter] = {}
    changed = 0
    for row in table.rows:
        # Labels once per activity, not per country: they cost a translation look-up each.
        priority = priorities[priority_label(row.activity, names=names)]
        group = groups.setdefault(group_label(row.activity), Counter())
        for pair in row.cells:
            if pair is None or not pair.selected:
                continue
            by_status[pair.status] += 1
            priority[pair.status] += 1
            group[pair.status] += 1
            _count_country(figures[pair.country.pk], pair)
            if pair.previous_status is not None:
                before[pair.previous_status] += 1
                changed += pair.changed
    return PlanSummary(
        table, len(table.rows), by_status, list(figures.values()),
        {label: counts for label, counts in priorities.items() if counts}, groups, changed, before,
    )


def _count_country(figures: CountryFigures, pair: Pair):
    report = pair.report
    if report is None:
        figures.tally.count(NO_INFORMATION, None, None)
    else:
        figures.tally.count(report.status, report.carried_over, report.state)


