"""Dashboards and the printable national report: reads only, in a constant number of queries.

Every figure counts *pairs*: an activity of a plan and a range state it applies to. A pair's status is
what the country reported on the activity in the round, or "No information" where there is no report
the user may see: anonymous visitors count validated reports only (``ProgressReport.visible_to``), so
their figures never show what a country has not yet had validated.

- *Reported* means said in this round (``rules.REPORTED``, ``rules.is_reported``): a report that is not
  an unconfirmed carry-over. A carried-over report still counts under its status: it is the last thing known.
- *Validated* means a report in a country report the Secretariat validated.

The counts come from one grouped query (``selectors.pair_counts``, which the home page's cards and
the reminders count with too): pairs grouped by country, plan, conservation unit,
objective, priority level, status, carry-over and report state; the breakdowns add up its few rows.

Each figure carries the address of the list behind it: the progress list (``/progress/``) or the
country report page where that page lists exactly the figure's rows, else the dashboard's own list
of pairs (``plan_dashboard_rows``), which can show "No information" and filter by unit and priority.
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, Activity, PlanElement
from conservation_units.models import Country

from . import rules
from .filtersets import NONE, PAIR_STATUS_CHOICES, PairFilterSet
from .models import CountryReport, Evidence, ProgressReport, ReportEvent, ReportingRound
from .selectors import (
    DONE,
    NO_INFORMATION,
    VALIDATED,
    Tally,
    pair_counts,
    pair_queryset,
    tallies,
)

STATUS_LABELS = dict(PAIR_STATUS_CHOICES)
STATUSES = tuple(STATUS_LABELS)


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


# --- Pairs and their statuses: selectors.pair_queryset, pair_counts and Tally -------------------------

def _cube(*, user, round_ids, country: Country | None = None) -> list[dict]:
    """Pairs counted in the database, grouped by everything a dashboard breaks them down by: a few rows."""
    return pair_counts(user=user, round_ids=round_ids, countries=None if country is None else [country])


def _tallies(cube: list[dict], key: str) -> dict:
    return tallies(cube, key)


def _overall(cube: list[dict]) -> Tally:
    tally = Tally()
    for row in cube:
        tally.add(row)
    return tally


# --- What a dashboard shows -------------------------------------------------------------------------

@dataclass
class Cell:
    """One number: its share of the row and the list behind it."""

    key: str
    label: str
    count: int
    whole: int
    url: str
    offset: float = 0.0  # where its segment starts in a stacked bar, in percent

    @property
    def percent(self) -> int:
        return round(_share(self.count, self.whole))

    @property
    def percent_text(self) -> str:
        """The share as read: never "0%" beside a number that is not 0, nor "100%" short of all."""
        share = _share(self.count, self.whole)
        if 0 < share < 0.5:
            return "<1%"
        if 99.5 <= share < 100:
            return ">99%"
        return f"{round(share)}%"

    @property
    def width(self) -> str:
        """Segment width for SVG: a dot as decimal separator whatever the interface language."""
        return f"{_share(self.count, self.whole):.3f}"

    @property
    def x(self) -> str:
        return f"{self.offset:.3f}"

    @property
    def shade(self) -> int:
        """Heat-map shade 0-5 by share; 0 only for none at all."""
        share = _share(self.count, self.whole)
        return 0 if not self.count else 1 + sum(share >= limit for limit in (10, 25, 50, 75))


@dataclass
class Row:
    """A line of a breakdown: its statuses, reported and validated, each number with its link."""

    key: object
    label: str
    tally: Tally
    cells: list[Cell]
    total_url: str
    reported: Cell
    validated: Cell
    carried: int
    state: str = ""  # the country report's state, where the row is a country and the user may see it
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.tally.total

    @property
    def state_label(self) -> str:
        return CountryReport.State(self.state).label if self.state else ""


@dataclass
class TrendPoint:
    round: ReportingRound
    total: int
    reported: Cell
    done: Cell
    validated: Cell


class _Links:
    """Where each number of a round's dashboard leads (see the module docstring)."""

    def __init__(self, *, plan: ActionPlan, round: ReportingRound, user, states: dict):
        self.plan, self.round, self.user, self.states = plan, round, user, states

    def rows(self, round=None, **filters) -> str:
        query = {"round": (round or self.round).pk, **{k: v for k, v in filters.items() if v is not None}}
        return f"{reverse('reporting:plan_dashboard_rows', args=[self.plan.slug])}?{urlencode(query, doseq=True)}"

    def progress(self, round=None, **filters) -> str:
        query = {"plan": self.plan.slug, "round": (round or self.round).pk, **filters}
        return f"{reverse('reporting:progress_list')}?{urlencode(query, doseq=True)}"

    def status(self, status: str) -> str:
        """A status across countries: the progress list lists reports, never "No information"."""
        return self.rows(status=status) if status == NO_INFORMATION else self.progress(status=status)

    def country(self, country: Country, status: str | None = None) -> str:
        """The country report page, where it lists exactly what the user's figures count.

        Its status filter looks at every report, while anonymous visitors see only validated ones:
        for them a country with a report in the works is listed by the dashboard's own list instead.
        """
        state = self.states.get(country.pk)
        if self.user.is_authenticated or state in (None, VALIDATED):
            url = reverse("reporting:country_report", args=[self.round.pk, country.code])
            return f"{url}?{urlencode({'status': status})}" if status else url
        return self.rows(country=country.code, status=status)


def _cells(tally: Tally, url) -> list[Cell]:
    cells, offset = [], 0.0
    for status in STATUSES:
        count = tally.counts[status]
        cells.append(Cell(status, STATUS_LABELS[status], count, tally.total, url(status), offset))
        offset += _share(count, tally.total)
    return cells


def _row(*, key, label, tally: Tally, links: _Links, status_url, total_url, reported_filters, validated_url,
         state="") -> Row:
    return Row(
        key=key, label=label, tally=tally, cells=_cells(tally, status_url), total_url=total_url,
        reported=Cell("reported", str(_("Reported")), tally.reported, tally.total,
                      links.rows(reported="yes", **reported_filters)),
        validated=Cell("validated", str(_("Validated")), tally.validated, tally.total, validated_url),
        carried=tally.carried, state=state,
    )


@dataclass
class PlanDashboard:
    plan: ActionPlan
    round: ReportingRound | None
    rounds: list[ReportingRound]
    overall: Row | None = None
    countries: list[Row] = field(default_factory=list)
    group_by: str = ""  # "conservation_unit" or "objective"
    groups: list[Row] = field(default_factory=list)
    priorities: list[Row] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    statuses: list[tuple[str, str]] = field(default_factory=list)


def plan_dashboard(*, plan: ActionPlan, user, round: ReportingRound | None = None) -> PlanDashboard:
    """How far the plan's range states have come in ``round`` (default: the plan's latest round).

    Six queries whatever the number of activities, countries and reports: rounds, range states,
    country report states, the grouped pair counts, the unit or objective names, the trend.
    """
    rounds = list(plan.rounds.order_by("-opens_on", "-id"))
    round = round or (rounds[0] if rounds else None)
    dashboard = PlanDashboard(plan, round, rounds, statuses=[(s, STATUS_LABELS[s]) for s in STATUSES])
    if round is None:
        return dashboard
    countries = list(plan.range_states.order_by("name"))
    states = dict(CountryReport.objects.filter(round=round).values_list("country_id", "state"))
    links = _Links(plan=plan, round=round, user=user, states=states)
    cube = _cube(user=user, round_ids=[round.pk])
    overall = _overall(cube)
    dashboard.overall = _row(
        key="all", label=str(_("All range states")), tally=overall, links=links, status_url=links.status,
        total_url=links.rows(), reported_filters={}, validated_url=links.progress(state=VALIDATED))
    dashboard.countries = _country_rows(countries, _tallies(cube, "country"), links, user)
    dashboard.group_by, dashboard.groups = _group_rows(plan, cube, links)
    dashboard.priorities = _priority_rows(cube, links)
    dashboard.trend = _trend(plan=plan, rounds=rounds, user=user, total=overall.total, links=links)
    return dashboard


def _visible_state(state: str | None, user) -> str:
    """Anonymous visitors learn a country report's state only once it is validated (as in the API)."""
    return (state or "") if user.is_authenticated or state == VALIDATED else ""


def _country_rows(countries, tallies, links: _Links, user) -> list[Row]:
    rows = []
    for country in countries:
        rows.append(_row(
            key=country, label=country.name, tally=tallies.get(country.pk, Tally()), links=links,
            status_url=lambda status, country=country: links.country(country, status),
            total_url=links.country(country), reported_filters={"country": country.code},
            validated_url=links.progress(country=country.code, state=VALIDATED),
            state=_visible_state(links.states.get(country.pk), user),
        ))
    return rows


def _group_rows(plan: ActionPlan, cube, links: _Links) -> tuple[str, list[Row]]:
    """By conservation unit where the plan sets measures per unit (Argali), else by objective (leopard)."""
    by_unit = any(row["unit"] for row in cube)
    key, param = ("unit", "conservation_unit") if by_unit else ("objective", "objective")
    if by_unit:
        none_label = _("No conservation unit (plan-wide)")
        groups = [(unit.pk, unit.number, str(unit)) for unit in plan.conservation_units.order_by("number")]
    else:
        none_label = _("No objective")
        objectives = plan.elements.filter(level=PlanElement.Level.OBJECTIVE).order_by("position")
        groups = [(element.pk, element.code, f"{element} — {element.title}") for element in objectives]
    tallies = _tallies(cube, key)
    groups.append((None, NONE, str(none_label)))
    rows = []
    for pk, value, label in groups:
        if pk not in tallies:
            continue  # a unit without activities, or no activity outside the units
        rows.append(_row(
            key=value, label=label, tally=tallies[pk], links=links,
            status_url=lambda status, value=value: links.rows(**{param: value, "status": status}),
            total_url=links.rows(**{param: value}), reported_filters={param: value},
            validated_url=links.rows(**{param: value, "state": VALIDATED}),
        ))
    return param, rows


def _priority_rows(cube, links: _Links) -> list[Row]:
    tallies = _tallies(cube, "priority")
    levels = [(level, str(label)) for level, label in Activity.PriorityLevel.choices]
    rows = []
    for level, label in [*levels, ("", str(_("No priority printed")))]:
        if level not in tallies:
            continue
        value = level or NONE
        rows.append(_row(
            key=value, label=label, tally=tallies[level], links=links,
            status_url=lambda status, value=value: links.rows(priority_level=value, status=status),
            total_url=links.rows(priority_level=value), reported_filters={"priority_level": value},
            validated_url=links.rows(priority_level=value, state=VALIDATED),
        ))
    return rows


def _trend(*, plan, rounds, user, total: int, links: _Links) -> list[TrendPoint]:
    """Per round, oldest first: shares reported, completed or ongoing, validated, of today's pairs."""
    counts = {
        row["country_report__round_id"]: row
        for row in ProgressReport.objects.visible_to(user)
        .filter(country_report__round__plan=plan, activity__countries=F("country_report__country"),
                country_report__country__action_plans=plan)
        .values("country_report__round_id")
        .annotate(reported=Count("id", filter=rules.REPORTED),
                  done=Count("id", filter=Q(status__in=DONE)),
                  validated=Count("id", filter=Q(country_report__state=VALIDATED)))
        .order_by()
    }
    points = []
    for round in reversed(rounds):
        row = counts.get(round.pk, {"reported": 0, "done": 0, "validated": 0})
        points.append(TrendPoint(
            round, total,
            Cell("reported", str(_("Reported")), row["reported"], total, links.rows(round, reported="yes")),
            Cell("done", str(_("Completed or ongoing")), row["done"], total, links.progress(round, status=list(DONE))),
            Cell("validated", str(_("Validated")), row["validated"], total, links.progress(round, state=VALIDATED)),
        ))
    return points


# --- The list behind a figure -------------------------------------------------------------------------

def plan_dashboard_rows(*, plan: ActionPlan, round: ReportingRound, user, data) -> PairFilterSet:
    """The pairs behind a figure of ``plan_dashboard``, in the plan's order then by country."""
    pairs = (
        pair_queryset(user=user, round_ids=[round.pk]).filter(activity__plan=plan)
        .select_related("activity", "country").order_by("activity__position", "country__name")
    )
    return PairFilterSet(
        data=data, queryset=pairs, countries=plan.range_states.order_by("name"),
        units=plan.conservation_units.order_by("number"),
        objectives=plan.elements.filter(level=PlanElement.Level.OBJECTIVE).order_by("position"),
    )


# --- A country across plans ---------------------------------------------------------------------------

@dataclass
class CountryRound:
    """A round of a plan the country reports on, with its country report's state (as the user may see it)."""

    round: ReportingRound
    state: str
    raw_state: str | None = None  # for choosing links only: never shown
    reported: int = 0
    total: int = 0

    @property
    def state_label(self) -> str:
        return CountryReport.State(self.state).label if self.state else ""

    @property
    def unreported(self) -> int:
        return self.total - self.reported

    @property
    def submitted(self) -> bool:
        return rules.is_handed_in(self.state)


@dataclass
class CountryDashboard:
    country: Country
    plans: list[Row]  # one per plan with a round, for its latest round (``row.extra["round"]``)
    overdue: list[CountryRound]
    rounds: list[CountryRound]  # every round of its plans, newest first: links to its reports
    statuses: list[tuple[str, str]] = field(default_factory=list)


def country_dashboard(*, country: Country, user, today: datetime.date | None = None) -> CountryDashboard:
    """A country's activities by status in each plan's latest round, what is overdue, its reports.

    Two queries (three with overdue rounds) whatever the number of plans, activities and reports.
    Overdue (``rules.is_overdue``: an open round past due whose report is not handed in) is for
    signed-in users: it reveals the state of reports not yet validated.
    """
    today = today or timezone.localdate()
    state = CountryReport.objects.filter(round=OuterRef("pk"), country=country).values("state")[:1]
    rounds = [
        CountryRound(round, _visible_state(round.state, user), round.state)
        for round in ReportingRound.objects.filter(plan__range_states=country).select_related("plan")
        .annotate(state=Subquery(state)).order_by("plan__short_title", "-opens_on", "-id")
    ]
    latest = {}
    for item in rounds:
        latest.setdefault(item.round.plan_id, item)
    cube = _cube(user=user, round_ids=[item.round.pk for item in latest.values()], country=country)
    by_plan = _tallies(cube, "plan")
    plans = [_plan_row(item, by_plan.get(plan_id, Tally()), country, user) for plan_id, item in latest.items()]
    overdue = _overdue(rounds, country, user, today)
    rounds.sort(key=lambda item: (item.round.opens_on, item.round.pk), reverse=True)
    return CountryDashboard(country, plans, overdue, rounds, [(s, STATUS_LABELS[s]) for s in STATUSES])


def _plan_row(item: CountryRound, tally: Tally, country: Country, user) -> Row:
    round = item.round
    links = _Links(plan=round.plan, round=round, user=user, states={country.pk: item.raw_state})
    row = _row(
        key=round.plan, label=str(round.plan), tally=tally, links=links,
        status_url=lambda status: links.country(country, status), total_url=links.country(country),
        reported_filters={"country": country.code},
        validated_url=links.progress(country=country.code, state=VALIDATED), state=item.state,
    )
    row.extra.update(round=round, url=f"{reverse('reporting:plan_dashboard', args=[round.plan.slug])}?round={round.pk}")
    return row


def _overdue(rounds: list[CountryRound], country: Country, user, today) -> list[CountryRound]:
    """The rounds whose report is overdue (rules.is_overdue), each with what is reported in it."""
    due = [item for item in rounds if item.round.is_open and item.round.due_on < today]
    if not due or not user.is_authenticated:
        return []
    counts = tallies(pair_counts(user=user, round_ids=[item.round.pk for item in due], countries=[country],
                                 keys=("plan", "status", "carried_over", "state")), "plan")
    overdue = []
    for item in due:
        tally = counts.get(item.round.plan_id, Tally())
        item.total, item.reported = tally.total, tally.reported
        if rules.is_overdue(round=item.round, state=item.raw_state, activities=item.total, today=today):
            overdue.append(item)
    return overdue


# --- The printable national report ---------------------------------------------------------------------

OUTLINE_FIELDS = ("theme", "section", "objective", "result")  # outermost first


@dataclass
class ReportGroup:
    """Activities under one heading of the plan; ``headings`` are the outline levels that start here."""

    headings: list[tuple[int, PlanElement]]
    activities: list[Activity]


@dataclass
class NationalReport:
    round: ReportingRound
    country: Country
    country_report: CountryReport | None
    groups: list[ReportGroup]
    events: list[ReportEvent]
    counts: list[Cell]
    total: int
    reported: int

    def _last(self, action) -> ReportEvent | None:
        return next((event for event in self.events if event.action == action), None)

    @property
    def submitted(self) -> ReportEvent | None:
        return self._last(ReportEvent.Action.SUBMITTED)

    @property
    def validated(self) -> ReportEvent | None:
        return self._last(ReportEvent.Action.VALIDATED)

    @property
    def is_validated(self) -> bool:
        return bool(self.country_report and self.country_report.state == VALIDATED)

    @property
    def last_change(self) -> datetime.datetime | None:
        dates = [activity.report.updated_at for group in self.groups for activity in group.activities
                 if activity.report]
        return max(dates, default=None)


def national_report(*, round: ReportingRound, country: Country, user) -> NationalReport:
    """A country's report for a round as printed: every applicable activity in plan order, grouped
    under the plan's headings, with its report and the evidence the user may see.

    Five queries whatever the size: country report, its events, activities, reports, evidence.
    The view decides who may open it (anonymous visitors: validated reports only).
    """
    country_report = CountryReport.objects.filter(round=round, country=country).first()
    events = list(ReportEvent.objects.filter(country_report=country_report).select_related("actor")
                  .order_by("-at", "-id")) if country_report else []
    evidence = Evidence.objects.visible_to(user).order_by("added_at", "id")
    reports = (
        ProgressReport.objects.visible_to(user).filter(country_report=country_report)
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="visible_evidence"))
    )
    activities = list(
        Activity.objects.filter(plan=round.plan, countries=country)
        .select_related(*OUTLINE_FIELDS, "conservation_unit").order_by("position")
        .prefetch_related(Prefetch("progress_reports", queryset=reports, to_attr="reports"))
    )
    counts = Counter()
    for activity in activities:
        activity.report = activity.reports[0] if activity.reports else None
        counts[activity.report.status if activity.report else NO_INFORMATION] += 1
    total = len(activities)
    reported = sum(1 for a in activities if rules.is_reported(a.report))
    cells = [Cell(s, STATUS_LABELS[s], counts[s], total, "") for s in STATUSES]
    return NationalReport(round, country, country_report, _report_groups(activities), events, cells, total, reported)


def _report_groups(activities: list[Activity]) -> list[ReportGroup]:
    """Consecutive activities under the same heading; a heading's outer levels are shown where they change."""
    groups, previous = [], ()
    for activity in activities:
        trail = tuple(element for element in (getattr(activity, name) for name in OUTLINE_FIELDS) if element)
        if groups and trail == previous:
            groups[-1].activities.append(activity)
            continue
        common = 0
        while common < min(len(trail), len(previous)) and trail[common] == previous[common]:
            common += 1
        groups.append(ReportGroup([(depth, trail[depth]) for depth in range(common, len(trail))], [activity]))
        previous = trail
    return groups
