"""What the export tables show: their columns and widths, the status order, and the labels of the choices
in the reader's language (looked up once per export, not per cell)."""
from __future__ import annotations

import functools

from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy

from actionplans.models import Activity

from .. import money
from ..models import CountryReport, ProgressReport
from ..selectors import NO_INFORMATION


# --- What the tables show -----------------------------------------------------------------------

STATUS_ORDER = (NO_INFORMATION, *ProgressReport.Status.values)

CHANGED_MARK = "▲"

DETAILS_COLUMNS = (
    ("plan", gettext_lazy("Plan")),
    ("activity_code", gettext_lazy("Activity")),
    ("activity_text", gettext_lazy("Activity text")),
    ("country", gettext_lazy("Country (ISO)")),
    ("country_name", gettext_lazy("Country")),
    ("round", gettext_lazy("Round")),
    ("status", gettext_lazy("Status")),
    ("narrative", gettext_lazy("What was done")),
    ("obstacles", gettext_lazy("Obstacles")),
    ("expected_year", gettext_lazy("Expected completion year")),
    ("funds_amount", gettext_lazy("Funds spent or mobilised")),
    ("funds_currency", gettext_lazy("Currency")),
    ("funds_usd", gettext_lazy("Funds in USD")),
    ("funds_source", gettext_lazy("Source of funds")),
    ("funds_funder", gettext_lazy("Funder")),
    ("evidence", gettext_lazy("Evidence (public)")),
    ("updated_by", gettext_lazy("Updated by")),
    ("updated_at", gettext_lazy("Updated at")),
    ("state", gettext_lazy("Validation state")),
)
DETAILS_FIELDS = tuple(name for name, _label in DETAILS_COLUMNS)
DETAILS_HEADER = tuple(label for _name, label in DETAILS_COLUMNS)
DETAILS_WIDTHS = (18, 10, 60, 8, 22, 24, 18, 50, 40, 10, 14, 9, 14, 14, 24, 45, 16, 17, 14)

MATRIX_COLUMNS = (
    (gettext_lazy("Code"), 9),
    (gettext_lazy("Activity"), 55),
    (gettext_lazy("Priority"), 10),
    (gettext_lazy("Conservation unit / objective"), 30),
    (gettext_lazy("Actor"), 28),
    (gettext_lazy("Timeline"), 14),
    (gettext_lazy("Budget (as printed)"), 18),
    (gettext_lazy("Planned (USD)"), 13),
    (gettext_lazy("Mobilised this round (USD)"), 13),
)
MATRIX_HEADER_ROW = 5  # title, legend, a blank row, country names, then the header the autofilter sits on
COUNTRY_WIDTH = 16


@functools.lru_cache(maxsize=None)
def _labels(language: str | None) -> dict:
    """Choice labels in one language; looked up once, not for each of thousands of cells."""
    return {
        "status": {NO_INFORMATION: _("No information"),
                   **{value: str(label) for value, label in ProgressReport.Status.choices}},
        "state": {value: str(label) for value, label in CountryReport.State.choices},
        "priority": {value: str(label) for value, label in Activity.PriorityLevel.choices},
        "funds_source": {"": "", **{value: str(label) for value, label in money.FundsSource.choices}},
        "does not apply": _("n/a"),
    }


def labels() -> dict:
    """The labels in the active language. Hot loops call this once and pass the result down: asking
    for the active language is itself slow enough to show over a hundred thousand cells."""
    return _labels(get_language())


def status_label(status: str, names: dict | None = None) -> str:
    return (names or labels())["status"][status]


