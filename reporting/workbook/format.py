"""The country workbook's format: its columns, the hidden sheet's rows, and values as they travel through cells.

Shared by the download (``build``) and the upload (``read``, ``compare``): a change here changes the file
focal points hold, so ``WORKBOOK_FORMAT`` says which format a file was written in."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .. import money, rules
from ..models import ProgressReport


# 2: the funds columns. A file of another format is refused as a whole ("download a fresh one").
WORKBOOK_FORMAT = 2
TEXT_MAX_CHARS = rules.REPORT_TEXT_MAX_CHARS  # What was done and Obstacles, as the model states
YEAR_MIN, YEAR_MAX = rules.EXPECTED_YEAR_MIN, rules.EXPECTED_YEAR_MAX
# Excel refuses longer cells; the limit for what users type is TEXT_MAX_CHARS.
EXCEL_CELL_MAX_CHARS = 32767
META_SHEET = "cami_meta"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FUNDS_FIELDS = ("funds_amount", "funds_currency", "funds_source", "funds_funder")
EDITABLE_FIELDS = ("status", "narrative", "obstacles", "expected_year", *FUNDS_FIELDS)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False


# The sheet "Reports", left to right. Uploads are read by position, so the order is part of the format.
COLUMNS = (
    Column("activity_id", gettext_lazy("Activity ID"), 10),
    Column("code", gettext_lazy("Code"), 9),
    Column("text", gettext_lazy("Activity"), 60),
    Column("unit", gettext_lazy("Conservation unit"), 22),
    Column("priority", gettext_lazy("Priority"), 10),
    Column("carried_over", gettext_lazy("Carried over"), 11),
    Column("status", gettext_lazy("Status"), 30, editable=True),
    Column("narrative", gettext_lazy("What was done"), 60, editable=True),
    Column("obstacles", gettext_lazy("Obstacles"), 40, editable=True),
    Column("expected_year", gettext_lazy("Expected completion year"), 14, editable=True),
    Column("funds_amount", gettext_lazy("Funds spent or mobilised"), 14, editable=True),
    Column("funds_currency", gettext_lazy("Currency"), 9, editable=True),
    Column("funds_usd", gettext_lazy("Funds in USD"), 14),
    Column("funds_source", gettext_lazy("Source of funds"), 16, editable=True),
    Column("funds_funder", gettext_lazy("Funder"), 30, editable=True),
    Column("version", gettext_lazy("Version"), 9),
)
COL = {column.key: index for index, column in enumerate(COLUMNS)}

# Rows of the hidden sheet before the per-activity rows; rows 7 and 8 hold the labels of the drop-downs.
META_STATUS_ROW = 7
META_SOURCE_ROW = 8
META_FIRST_ACTIVITY_ROW = 10


class BadWorkbook(ValidationError):
    """The upload as a whole cannot be read or is not this round's and country's workbook."""


# --- Values as they travel through cells ---------------------------------------------------------------

def cell_safe(text: str) -> str:
    """What Excel can hold: no control characters, at most EXCEL_CELL_MAX_CHARS."""
    return ILLEGAL_CHARACTERS_RE.sub("", text or "")[:EXCEL_CELL_MAX_CHARS]


def normalise_text(text: str) -> str:
    # Excel and LibreOffice may save line breaks as \r\n and keep stray spaces typed at the ends.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def flat_text(text: str) -> str:
    """Key columns compared with whitespace collapsed: a spreadsheet may rewrap, never reword."""
    return " ".join(str(text).split())


def values_fingerprint(status: str, narrative: str, obstacles: str, expected_year: int | None, funds_amount: str = "",
                       funds_currency: str = "", funds_source: str = "", funds_funder: str = "") -> str:
    payload = json.dumps([status or "", narrative, obstacles, expected_year, funds_amount, funds_currency, funds_source,
                          funds_funder], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def amount_text(amount) -> str:
    """An amount as the workbook compares and carries it: "12500.00" ("" for none)."""
    return "" if amount is None else str(amount.quantize(money.CENT))


def report_values(report: ProgressReport | None) -> dict:
    """A report's editable values as the workbook writes them (no report: all empty)."""
    if report is None:
        return {"status": "", "narrative": "", "obstacles": "", "expected_year": None, "funds_amount": "",
                "funds_currency": "", "funds_source": "", "funds_funder": ""}
    return {"status": report.status, "narrative": normalise_text(cell_safe(report.narrative)),
            "obstacles": normalise_text(cell_safe(report.obstacles)), "expected_year": report.expected_year,
            "funds_amount": amount_text(report.funds_amount), "funds_currency": report.funds_currency,
            "funds_source": report.funds_source, "funds_funder": normalise_text(cell_safe(report.funds_funder))}


def status_labels() -> list[str]:
    """The drop-down's status labels in the active language, in the order of the choices."""
    return [str(label) for label in ProgressReport.Status.labels]


def source_labels() -> list[str]:
    """The drop-down's labels of the sources of funds in the active language."""
    return [str(label) for label in money.FundsSource.labels]


def source_lookup() -> dict[str, str]:
    """Every spelling of a source an upload may hold (a label in any language, or the code), folded -> code."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in money.FundsSource.choices:
                lookup[flat_text(label).casefold()] = code
    for code in money.FundsSource.values:
        lookup[code] = code
    return lookup


def status_lookup() -> dict[str, str]:
    """Every spelling an upload may hold, folded, -> status code ('' for no information).

    The drop-down lists labels in the language of whoever downloaded; a colleague may fill the same
    file in another language, or type a code as the API spells it.
    """
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup[flat_text(_("No information")).casefold()] = ""
            for code, label in ProgressReport.Status.choices:
                lookup[flat_text(label).casefold()] = code
    for code in ProgressReport.Status.values:
        lookup[code] = code
    return lookup


