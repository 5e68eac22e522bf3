"""The printable national report of one country in one round (``national_report``), in the plan's outline."""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from actionplans.models import Activity, PlanElement
from actionplans.selectors import outline_chain
from conservation_units.models import Country

from .. import rules
from ..models import CountryReport, Evidence, ProgressReport, ReportEvent, ReportingRound
from ..selectors import NO_INFORMATION, VALIDATED
from .figures import STATUS_LABELS, STATUSES, Cell


# --- The printable national report ---------------------------------------------------------------------


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
    published: bool = False  # read as last validated (a reader who may not see drafts)

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
        return self.published or bool(self.country_report and self.country_report.state == VALIDATED)

    @property
    def state_label(self) -> str:
        """The report's state; as last validated for readers of the published version."""
        if self.published:
            return CountryReport.State.VALIDATED.label
        return self.country_report.get_state_display() if self.country_report else ""

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
    reports = ProgressReport.objects.visible_to(user)
    events = list(ReportEvent.objects.filter(country_report=country_report).select_related("actor")
                  .order_by("-at", "-id")) if country_report else []
    if reports.reads_published:  # the report as last validated: no step of a correction in review
        last = next((event for event in events if event.action == ReportEvent.Action.VALIDATED), None)
        events = events[events.index(last):] if last else []
    evidence = Evidence.objects.visible_to(user).order_by("added_at", "id")
    reports = (
        reports.filter(country_report=country_report)
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="visible_evidence"))
    )
    activities = list(
        Activity.objects.of_round(round).filter(countries=country)
        .select_related("conservation_unit").order_by("position")
        .prefetch_related(Prefetch("progress_reports", queryset=reports, to_attr="reports"))
    )
    counts = Counter()
    for activity in activities:
        activity.report = activity.reports[0] if activity.reports else None
        counts[activity.report.status if activity.report else NO_INFORMATION] += 1
    total = len(activities)
    reported = sum(1 for a in activities if rules.is_reported(a.report))
    cells = [Cell(s, STATUS_LABELS[s], counts[s], total, "") for s in STATUSES]
    elements = PlanElement.objects.filter(plan_id=round.plan_id).in_bulk()
    return NationalReport(round, country, country_report, _report_groups(activities, elements), events, cells, total,
                          reported,
                          published=reports.reads_published and bool(events))


def _report_groups(activities: list[Activity], elements: dict[int, PlanElement]) -> list[ReportGroup]:
    """Consecutive activities under the same heading; a heading's outer levels are shown where they change."""
    groups, previous = [], ()
    for activity in activities:
        # Every heading above it, at any depth; parts are the document's divisions, not headings of the report.
        trail = tuple(element for element in outline_chain(activity.parent_id, elements)
                      if element.level != PlanElement.Level.PART)
        if groups and trail == previous:
            groups[-1].activities.append(activity)
            continue
        common = 0
        while common < min(len(trail), len(previous)) and trail[common] == previous[common]:
            common += 1
        groups.append(ReportGroup([(depth, trail[depth]) for depth in range(common, len(trail))], [activity]))
        previous = trail
    return groups
