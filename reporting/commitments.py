"""Reads behind the commitment pages: the schemes with their items and activity counts, and an item's
activities across plans with their progress across range states (``commitment_item_page``).

Progress counts the activity × country pairs the dashboards count (``selectors.pair_queryset``) in each
plan's latest round on its current edition, and only the reports the reader may see: a visitor counts
the published versions (as last validated), so what was never validated reads as "No information".
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from actionplans.models import Activity, CommitmentItem, CommitmentScheme, PlanEdition

from .dashboards.figures import STATUS_LABELS, STATUSES
from .models import ReportingRound
from .selectors import pair_queryset


def commitment_scheme_list():
    """Every scheme with its items in natural order, each with its activity count: two queries."""
    items = CommitmentItem.objects.with_activity_counts().order_by("sort_key", "code")
    return CommitmentScheme.objects.prefetch_related(Prefetch("items", queryset=items)).order_by("slug")


@dataclass
class CommitmentActivity:
    """One activity serving the item, and its pairs counted by status in its plan's round."""

    activity: Activity
    round: ReportingRound | None
    counts: Counter = field(default_factory=Counter)

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        """(status, its label, count) in the dashboards' order."""
        return [(status, STATUS_LABELS[status], self.counts[status]) for status in STATUSES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CommitmentItemPage:
    item: CommitmentItem
    rows: list[CommitmentActivity]
    rounds: list[ReportingRound]
    statuses: list[tuple[str, str]]

    @property
    def totals(self) -> list[tuple[str, str, int]]:
        totals = sum((row.counts for row in self.rows), Counter())
        return [(status, STATUS_LABELS[status], totals[status]) for status in STATUSES]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def latest_rounds(plan_ids) -> dict[int, ReportingRound]:
    """Per plan, its latest round on its current edition (the round its current activities report in)."""
    rounds = (ReportingRound.objects.filter(plan_id__in=plan_ids, edition__in=PlanEdition.objects.current())
              .select_related("plan").order_by("plan_id", "-opens_on", "-id"))
    latest: dict[int, ReportingRound] = {}
    for round in rounds:
        latest.setdefault(round.plan_id, round)
    return latest


def commitment_item_page(*, item: CommitmentItem, user) -> CommitmentItemPage:
    """The current activities of every plan tagged with ``item``, in plan and document order, each with
    its pairs per status. Four queries whatever the number of activities, plans and reports."""
    activities = list(Activity.objects.current().filter(tags=item).select_related("plan", "edition")
                      .in_document_order())
    rounds = latest_rounds({activity.plan_id for activity in activities})
    counts: dict[int, Counter] = {}
    if rounds:
        pairs = pair_queryset(user=user, round_ids=[round.pk for round in rounds.values()]).filter(
            activity__in=[activity.pk for activity in activities])
        for row in pairs.values("activity_id", "report_status").annotate(n=Count("id")).order_by():
            counts.setdefault(row["activity_id"], Counter())[row["report_status"]] += row["n"]
    rows = [CommitmentActivity(activity, rounds.get(activity.plan_id), counts.get(activity.pk, Counter()))
            for activity in activities]
    return CommitmentItemPage(item, rows, sorted(rounds.values(), key=lambda round: round.plan.slug),
                              [(status, STATUS_LABELS[status]) for status in STATUSES])
