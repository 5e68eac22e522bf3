"""Rules of reporting, each in one place.

Limits of what users write: the models state them, and the forms, the API serializers (and so the
OpenAPI schema) and the offline workbook read them from here. What counts as reported and as
overdue: every page, export and reminder counts with the pieces at the end of this module.
"""
import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What was done and Obstacles: one limit each. The workbook states one figure for both in its
# instructions and its Excel data validation, so they share this value.
REPORT_TEXT_MAX_CHARS = 5000
NARRATIVE_MAX_CHARS = REPORT_TEXT_MAX_CHARS
OBSTACLES_MAX_CHARS = REPORT_TEXT_MAX_CHARS

# Expected completion year of an activity (also the database's expected_year_plausible constraint).
EXPECTED_YEAR_MIN, EXPECTED_YEAR_MAX = 2000, 2100

# The Secretariat's comment when it returns a report (and the workflow event that records it).
COMMENT_MAX_CHARS = 5000

ROUND_TITLE_MAX_CHARS = 200
EVIDENCE_TITLE_MAX_CHARS = 200
EVIDENCE_URL_MAX_CHARS = 500


# --- Statuses as pages, filters and exports show them -------------------------------------------------
# An activity × country pair without a report the reader may see has this status in every count, filter
# and export (it is not a ProgressReport.Status: nothing is stored for it).
NO_INFORMATION = "no_information"
NO_INFORMATION_LABEL = _("No information")


# --- Status colours ---------------------------------------------------------------------------------
# One palette for the dashboards' bars and swatches (the generated block of static/css/app.css, see
# status_palette_css) and the fills of the Excel exports (light tints of the same colours, under
# the written label). Okabe-Ito colours, which colour-blind readers tell apart; the label or the number
# is always written beside the colour, so colour only repeats what the page or the sheet says.
STATUS_COLOURS = {
    "not_started": "#d55e00",
    "in_progress": "#e69f00",
    "completed": "#009e73",
    "ongoing": "#0072b2",
    "not_applicable": "#999999",
    NO_INFORMATION: "#e6e6e6",
}
# An export's cell of an activity that does not apply to the country.
DOES_NOT_APPLY_COLOUR = "#bfbfbf"
# Share of the colour in an Excel fill (the rest is white): light enough for black text to stay legible.
EXCEL_TINT = 0.4


def excel_fill_colour(colour: str, tint: float = EXCEL_TINT) -> str:
    """``colour`` (#rrggbb) mixed with white as openpyxl writes it: ARGB without the #."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "FF" + "".join(f"{round(255 - (255 - value) * tint):02X}" for value in channels)


PALETTE_CSS_START = "/* status palette: generated from reporting/rules.py by `manage.py status_palette_css`; do not edit */"
PALETTE_CSS_END = "/* end of status palette */"


def status_palette_css() -> str:
    """The CSS block of the status colours, as static/css/app.css holds it."""
    rules = [f".dash-s-{status} {{ fill: {colour}; }}" for status, colour in STATUS_COLOURS.items()]
    return "\n".join([PALETTE_CSS_START, *rules, PALETTE_CSS_END])


# --- What counts as reported, what counts as overdue ------------------------------------------------
# One meaning each, used by the home page's cards, the country report page, the dashboards, the
# printable national report, the exports and the reminders. Every count is over activity × country
# pairs (an activity and a range state it applies to), so a report left on an activity that no
# longer applies to the country is not counted.

# Reported: said in this round. A status carried over from the last round counts once the country
# changes or confirms it ("No change since the last round"); the services then clear carried_over.
REPORTED = Q(carried_over=False)


def reported_q(prefix: str = "") -> Q:
    """REPORTED seen through a relation: ``reported_q("progress_reports__")`` from a country report."""
    return Q(**{f"{prefix}carried_over": False})


def is_reported(report) -> bool:
    """REPORTED as a yes/no for a report in hand, or for a row of values holding its ``carried_over``
    (None, or a row whose carried_over is None: there is no report, so nothing is reported)."""
    if report is None:
        return False
    return is_said_in_round(report.get("carried_over") if isinstance(report, dict) else report.carried_over)


def is_said_in_round(carried_over: bool | None) -> bool:
    """REPORTED on a report's carried_over value, as the counts read it (None: there is no report)."""
    return carried_over is not None and not carried_over


# States of a country report that is handed in (CountryReport.State values; models.py imports this
# module, so the values are written out here and a test checks them against the choices). A reopened
# report was validated and is being corrected: it was handed in, so it is not overdue.
HANDED_IN_STATES = frozenset({"submitted", "validated", "reopened"})


def is_handed_in(state: str | None) -> bool:
    return state in HANDED_IN_STATES


def is_awaited(*, state: str | None, activities: int) -> bool:
    """A country's report is awaited while it has activities to report on and is not handed in."""
    return activities > 0 and not is_handed_in(state)


def is_overdue(*, round, state: str | None, activities: int, today: datetime.date) -> bool:
    """A country's report in a round is overdue when the round is open, its due date has passed,
    the country has activities to report on, and its report is not handed in (no report yet, a
    draft, or returned by the Secretariat).

    A report submitted with gaps is not overdue: the country has sent it, and the Secretariat decides
    (validates it, or returns it with a comment, which makes it overdue again). Its gaps still show
    as "X of Y reported". This is the rule of national reporting systems (a data set is late until
    it is completed, as in DHIS2), and the only one a focal point can act on: a submitted report
    cannot be edited until withdrawn, and the overdue reminder says "not submitted yet".
    """
    return bool(round.is_open and round.due_on < today and is_awaited(state=state, activities=activities))
