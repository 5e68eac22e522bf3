"""What the export tables show: their columns and widths, the status order, and the labels of the choices
in the reader's language (looked up once per export, not per cell)."""
from __future__ import annotations

import functools

from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy

from actionplans.models import Activity

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
    ("evidence", gettext_lazy("Evidence (public)")),
    ("updated_by", gettext_lazy("Updated by")),
    ("updated_at", gettext_lazy("Updated at")),
    ("state", gettext_lazy("Validation state")),
)
DETAILS_FIELDS = tuple(name for name, _label in DETAILS_COLUMNS)
DETAILS_HEADER = tuple(label for _name, label in DETAILS_COLUMNS)
DETAILS_WIDTHS = (18, 10, 60, 8, 22, 24, 18, 50, 40, 10, 45, 16, 17, 14)

MATRIX_COLUMNS = (
    (gettext_lazy("Code"), 9),
    (gettext_lazy("Activity"), 55),
    (gettext_lazy("Priority"), 10),
    (gettext_lazy("Conservation unit / objective"), 30),
    (gettext_lazy("Actor"), 28),
    (gettext_lazy("Timeline"), 14),
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
        "does not apply": _("n/a"),
    }


def labels() -> dict:
    """The labels in the active language. Hot loops call this once and pass the result down: asking
    for the active language is itself slow enough to show over a hundred thousand cells."""
    return _labels(get_language())


def status_label(status: str, names: dict | None = None) -> str:
    return (names or labels())["status"][status]


