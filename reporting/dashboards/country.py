"""A country across the plans it is a range state of (``country_dashboard``), with its overdue reports."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Activity
from conservation_units.models import Country

from .. import rules
from ..funds_totals import Money, MoneyRow, money_totals, reports_in_rounds
from ..models import CountryReport, PublishedProgress, ReportingRound
from ..selectors import VALIDATED, Tally, pair_counts, tallies
from .figures import STATUS_LABELS, STATUSES, Links, Row, figure_row, pair_cube, visible_state


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
    money: list[MoneyRow] = field(default_factory=list)  # per plan: the country's planned against mobilised


def country_dashboard(*, country: Country, user, today: datetime.date | None = None) -> CountryDashboard:
    """A country's activities by status in each plan's latest round, what is overdue, its reports.

    Five queries (six with overdue rounds) whatever the number of plans, activities and reports: rounds,
    the grouped pair counts, and the money (``funds_totals``: budgets, their countries, the funds).
    Overdue (``rules.is_overdue``: an open round past due whose report is not handed in) is for
    signed-in users: it reveals the state of reports not yet validated.
    """
    today = today or timezone.localdate()
    state = CountryReport.objects.filter(round=OuterRef("pk"), country=country).values("state")[:1]
    rounds = [
        CountryRound(round, visible_state(round.state, user, round.published), round.state)
        for round in ReportingRound.objects.filter(plan__range_states=country).select_related("plan")
        .annotate(state=Subquery(state), published=Exists(PublishedProgress.objects.filter(
            progress_report__country_report__round=OuterRef("pk"), progress_report__country_report__country=country)))
        .order_by("plan__short_title", "-opens_on", "-id")
    ]
    latest = {}
    for item in rounds:
        latest.setdefault(item.round.plan_id, item)
    cube = pair_cube(user=user, round_ids=[item.round.pk for item in latest.values()], country=country)
    by_plan = tallies(cube, "plan")
    plans = [_plan_row(item, by_plan.get(plan_id, Tally()), country, user) for plan_id, item in latest.items()]
    overdue = _overdue(rounds, country, user, today)
    rounds.sort(key=lambda item: (item.round.opens_on, item.round.pk), reverse=True)
    return CountryDashboard(country, plans, overdue, rounds, [(s, STATUS_LABELS[s]) for s in STATUSES],
                            _money_rows(latest, country, user))


def _money_rows(latest: dict, country: Country, user) -> list[MoneyRow]:
    """Per plan, what it budgets for the country (in the latest round's edition) against what the
    country reported as mobilised over all the plan's rounds."""
    if not latest:
        return []
    rounds = ReportingRound.objects.filter(plan_id__in=list(latest))
    totals = money_totals(
        activities=Activity.objects.filter(edition_id__in=[item.round.edition_id for item in latest.values()],
                                           countries=country),
        reports=reports_in_rounds(user, rounds).filter(country_report__country=country), group_by="plan")
    return [
        MoneyRow(str(item.round.plan), totals.by_country_group.get((country.pk, plan_id), Money()),
                 reverse("reporting:plan_dashboard", args=[item.round.plan.slug]))
        for plan_id, item in latest.items()
    ]


def _plan_row(item: CountryRound, tally: Tally, country: Country, user) -> Row:
    round = item.round
    links = Links(plan=round.plan, round=round, user=user, states={country.pk: item.state})
    row = figure_row(
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


