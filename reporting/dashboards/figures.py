"""What a dashboard shows: one number with its share and the list behind it (``Cell``), a row of them,
the trend over rounds, and the addresses of the lists behind the figures (``Links``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan
from conservation_units.models import Country

from ..filtersets import PAIR_STATUS_CHOICES
from ..models import CountryReport, ReportingRound, sees_drafts
from ..selectors import NO_INFORMATION, VALIDATED, Tally, pair_counts


STATUS_LABELS = dict(PAIR_STATUS_CHOICES)
STATUSES = tuple(STATUS_LABELS)


def share_of(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


# --- Pairs and their statuses: selectors.pair_queryset, pair_counts and Tally -------------------------

def pair_cube(*, user, round_ids, country: Country | None = None) -> list[dict]:
    """Pairs counted in the database, grouped by everything a dashboard breaks them down by: a few rows."""
    return pair_counts(user=user, round_ids=round_ids, countries=None if country is None else [country])


def overall_tally(cube: list[dict]) -> Tally:
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
        return round(share_of(self.count, self.whole))

    @property
    def percent_text(self) -> str:
        """The share as read: never "0%" beside a number that is not 0, nor "100%" short of all."""
        share = share_of(self.count, self.whole)
        if 0 < share < 0.5:
            return "<1%"
        if 99.5 <= share < 100:
            return ">99%"
        return f"{round(share)}%"

    @property
    def width(self) -> str:
        """Segment width for SVG: a dot as decimal separator whatever the interface language."""
        return f"{share_of(self.count, self.whole):.3f}"

    @property
    def x(self) -> str:
        return f"{self.offset:.3f}"

    @property
    def shade(self) -> int:
        """Heat-map shade 0-5 by share; 0 only for none at all."""
        share = share_of(self.count, self.whole)
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


class Links:
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

        Its status filter looks at every report, while anonymous visitors see only published versions:
        for them a country whose report was never validated is listed by the dashboard's own list instead
        (``states`` holds what they may learn: visible_state).
        """
        state = self.states.get(country.pk)
        if sees_drafts(self.user) or state in (None, VALIDATED):
            url = reverse("reporting:country_report", args=[self.round.pk, country.code])
            return f"{url}?{urlencode({'status': status})}" if status else url
        return self.rows(country=country.code, status=status)


def status_cells(tally: Tally, url) -> list[Cell]:
    cells, offset = [], 0.0
    for status in STATUSES:
        count = tally.counts[status]
        cells.append(Cell(status, STATUS_LABELS[status], count, tally.total, url(status), offset))
        offset += share_of(count, tally.total)
    return cells


def figure_row(*, key, label, tally: Tally, links: Links, status_url, total_url, reported_filters, validated_url,
         state="") -> Row:
    return Row(
        key=key, label=label, tally=tally, cells=status_cells(tally, status_url), total_url=total_url,
        reported=Cell("reported", str(_("Reported")), tally.reported, tally.total,
                      links.rows(reported="yes", **reported_filters)),
        validated=Cell("validated", str(_("Validated")), tally.validated, tally.total, validated_url),
        carried=tally.carried, state=state,
    )


def visible_state(state: str | None, user, published: bool = False) -> str:
    """Readers of drafts learn a country report's state; others only that it is validated, which its
    published version is while a correction is in review (as in the API)."""
    if sees_drafts(user):
        return state or ""
    return VALIDATED if published or state == VALIDATED else ""
