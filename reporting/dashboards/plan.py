"""A plan's dashboard (``plan_dashboard``): by country, by unit or objective, by priority, over rounds; and
the pairs behind one of its figures (``plan_dashboard_rows``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, Activity, PlanElement

from ..filtersets import NONE, PairFilterSet
from ..funds_totals import Money, MoneyRow, money_totals, reports_in_rounds
from ..models import CountryReport, ProgressReport, ReportingRound
from ..selectors import DONE, VALIDATED, Tally, pair_queryset
from ..selectors import tallies as tallies_by
from .figures import (
    STATUS_LABELS,
    STATUSES,
    Cell,
    Links,
    Row,
    TrendPoint,
    figure_row,
    overall_tally,
    pair_cube,
    visible_state,
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
    money: Money | None = None  # planned against mobilised, over money_rounds
    money_countries: list[MoneyRow] = field(default_factory=list)
    money_groups: list[MoneyRow] = field(default_factory=list)
    money_rounds: list[ReportingRound] = field(default_factory=list)


def plan_dashboard(*, plan: ActionPlan, user, round: ReportingRound | None = None) -> PlanDashboard:
    """How far the plan's range states have come in ``round`` (default: the plan's latest round).

    Nine queries whatever the number of activities, countries and reports: rounds, range states,
    country report states, the grouped pair counts, the unit or objective names, the trend, and the
    money (``funds_totals``: budgets, their countries, the funds of the rounds up to this one).
    """
    rounds = list(plan.rounds.order_by("-opens_on", "-id"))
    round = round or (rounds[0] if rounds else None)
    dashboard = PlanDashboard(plan, round, rounds, statuses=[(s, STATUS_LABELS[s]) for s in STATUSES])
    if round is None:
        return dashboard
    countries = list(plan.range_states.order_by("name"))
    states = {country_id: visible_state(state, user, published) for country_id, state, published in
              CountryReport.objects.filter(round=round).annotate(published=CountryReport.objects.published())
              .values_list("country_id", "state", "published")}
    links = Links(plan=plan, round=round, user=user, states=states)
    cube = pair_cube(user=user, round_ids=[round.pk])
    overall = overall_tally(cube)
    dashboard.overall = figure_row(
        key="all", label=str(_("All range states")), tally=overall, links=links, status_url=links.status,
        total_url=links.rows(), reported_filters={}, validated_url=links.progress(state=VALIDATED))
    dashboard.countries = _country_rows(countries, tallies_by(cube, "country"), links, user)
    dashboard.group_by, dashboard.groups, groups = _group_rows(plan, cube, links)
    dashboard.priorities = _priority_rows(cube, links)
    dashboard.trend = _trend(plan=plan, rounds=rounds, user=user, total=overall.total, links=links)
    _add_money(dashboard, user=user, countries=countries, groups=groups)
    return dashboard


def _add_money(dashboard: PlanDashboard, *, user, countries, groups):
    """Planned in the round's edition against mobilised in the plan's rounds up to the one shown: each
    round's funds are that round's, so the rounds add up."""
    round = dashboard.round
    dashboard.money_rounds = [item for item in dashboard.rounds if (item.opens_on, item.pk) <= (round.opens_on, round.pk)]
    totals = money_totals(activities=Activity.objects.of_round(round), reports=reports_in_rounds(
        user, dashboard.money_rounds), group_by=dashboard.group_by)
    dashboard.money = totals.plan
    dashboard.money_countries = [
        MoneyRow(country.local_name, totals.by_country.get(country.pk, Money()),
                 reverse("reporting:country_dashboard", args=[country.code]))
        for country in countries
    ]
    dashboard.money_groups = [MoneyRow(label, totals.by_group[pk]) for pk, _value, label in groups
                              if pk in totals.by_group]


def _country_rows(countries, tallies, links: Links, user) -> list[Row]:
    rows = []
    for country in countries:
        rows.append(figure_row(
            key=country, label=country.local_name, tally=tallies.get(country.pk, Tally()), links=links,
            status_url=lambda status, country=country: links.country(country, status),
            total_url=links.country(country), reported_filters={"country": country.code},
            validated_url=links.progress(country=country.code, state=VALIDATED),
            state=links.states.get(country.pk, ""),
        ))
    return rows


def _group_rows(plan: ActionPlan, cube, links: Links) -> tuple[str, list[Row], list[tuple]]:
    """By conservation unit where the plan sets measures per unit (Argali), else by objective (leopard);
    with the groups themselves (pk, filter value, label), the money table's rows."""
    by_unit = any(row["unit"] for row in cube)
    key, param = ("unit", "conservation_unit") if by_unit else ("objective", "objective")
    if by_unit:
        none_label = _("No conservation unit (plan-wide)")
        groups = [(unit.pk, unit.number, str(unit)) for unit in plan.conservation_units.order_by("number")]
    else:
        none_label = _("No objective")
        objectives = plan.elements.filter(level=PlanElement.Level.OBJECTIVE).order_by("position")
        groups = [(element.pk, element.code, f"{element} — {element.title}") for element in objectives]
    tallies = tallies_by(cube, key)
    groups.append((None, NONE, str(none_label)))
    rows = []
    for pk, value, label in groups:
        if pk not in tallies:
            continue  # a unit without activities, or no activity outside the units
        rows.append(figure_row(
            key=value, label=label, tally=tallies[pk], links=links,
            status_url=lambda status, value=value: links.rows(**{param: value, "status": status}),
            total_url=links.rows(**{param: value}), reported_filters={param: value},
            validated_url=links.rows(**{param: value, "state": VALIDATED}),
        ))
    return param, rows, groups


def _priority_rows(cube, links: Links) -> list[Row]:
    tallies = tallies_by(cube, "priority")
    levels = [(level, str(label)) for level, label in Activity.PriorityLevel.choices]
    rows = []
    for level, label in [*levels, ("", str(_("No priority printed")))]:
        if level not in tallies:
            continue
        value = level or NONE
        rows.append(figure_row(
            key=value, label=label, tally=tallies[level], links=links,
            status_url=lambda status, value=value: links.rows(priority_level=value, status=status),
            total_url=links.rows(priority_level=value), reported_filters={"priority_level": value},
            validated_url=links.rows(priority_level=value, state=VALIDATED),
        ))
    return rows


def _trend(*, plan, rounds, user, total: int, links: Links) -> list[TrendPoint]:
    """Per round, oldest first: shares reported, completed or ongoing, validated, of today's pairs."""
    reports = ProgressReport.objects.visible_to(user)
    # Every published version is validated, whatever the report's state now.
    validated = None if reports.reads_published else Q(country_report__state=VALIDATED)
    counts = {
        row["country_report__round_id"]: row
        for row in reports
        .filter(country_report__round__plan=plan, activity__countries=F("country_report__country"),
                country_report__country__action_plans=plan)
        .values("country_report__round_id")
        .annotate(reported=Count("id", filter=Q(**{reports.seen("carried_over"): False})),
                  done=Count("id", filter=Q(**{f"{reports.seen('status')}__in": DONE})),
                  validated=Count("id", filter=validated))
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


