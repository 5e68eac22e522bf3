"""The country workbook: report offline in Excel, upload the filled workbook, see what will change.

A focal point (or a contributor) downloads, for one round and one country, the activities they may
draft as an .xlsx file, fills in status, what was done, obstacles and expected year away from the
internet, and uploads it. The upload is compared with the tracker row by row and shown as a preview;
nothing is saved until the user confirms, and then ``services.workbook_changes_apply`` saves all rows
or none.

A very hidden sheet keeps what the download knew: the round, country and plan, and for each row the
activity, the report's version and a fingerprint of the values as written. The upload therefore
changes only the rows the user edited, and refuses an edited row whose report someone else changed
after the download.

Entry points: ``workbook_build`` (the bytes to download), ``workbook_preview`` (an upload read and
compared, nothing saved), ``workbook_scope`` (who may use the workbook, PermissionDenied otherwise).
"""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from actionplans.models import Activity
from cami import archives
from cami.parsing import parse_int
from conservation_units.models import Country

from . import permissions, rules
from .models import CountryReport, ProgressReport, ReportingRound
from .selectors import HISTORY_FIELD_LABELS

WORKBOOK_FORMAT = 1
WORKBOOK_MAX_BYTES = 5 * 1024 * 1024
TEXT_MAX_CHARS = rules.REPORT_TEXT_MAX_CHARS  # What was done and Obstacles, as the model states
YEAR_MIN, YEAR_MAX = rules.EXPECTED_YEAR_MIN, rules.EXPECTED_YEAR_MAX
# Far above any plan's activities for one country (Argali has 166 in all): stops a crafted sheet early.
MAX_ROWS = 5000
# Excel refuses longer cells; the limit for what users type is TEXT_MAX_CHARS.
EXCEL_CELL_MAX_CHARS = 32767
META_SHEET = "cami_meta"
# What the file may expand to, checked before openpyxl opens it (cami/archives.py). A real country
# workbook is tens of KB to a few MB uncompressed: 166 activities with 5000 characters in both texts
# stay under 5 MB. openpyxl holds every shared string in memory and builds each row whole.
WORKBOOK_MAX_PART_BYTES = 20 * 1024 * 1024
WORKBOOK_MAX_EXPANDED_BYTES = 50 * 1024 * 1024
WORKBOOK_MAX_PARTS = 500
WORKBOOK_MAX_CELLS = 200_000  # cells of all sheets and shared texts: 5000 rows x 11 columns is 55,000
WORKBOOK_MAX_CELLS_PER_ROW = 16_384  # Excel's own number of columns
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
EDITABLE_FIELDS = ("status", "narrative", "obstacles", "expected_year")


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
    Column("version", gettext_lazy("Version"), 9),
)
COL = {column.key: index for index, column in enumerate(COLUMNS)}

# Rows of the hidden sheet before the per-activity rows; row 7 holds the status labels of the drop-down.
META_STATUS_ROW = 7
META_FIRST_ACTIVITY_ROW = 10

# Everything openpyxl (and the zip and XML readers under it) raises for a damaged or foreign file.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, TypeError, IndexError,
               AttributeError, OSError, EOFError, ParseError)


class BadWorkbook(ValidationError):
    """The upload as a whole cannot be read or is not this round's and country's workbook."""


def workbook_scope(*, user, round: ReportingRound, country: Country) -> Q:
    """The activities ``user`` may change in the workbook now (a Q on Activity): permissions.editing_scope.
    PermissionDenied saying why if none (a closed round, not their country, a submitted report)."""
    return _editable(user=user, round=round, country=country)[0]


def _editable(*, user, round: ReportingRound, country: Country) -> tuple[Q, CountryReport | None]:
    """workbook_scope, and the country report it was decided on."""
    country_report = CountryReport.objects.filter(round=round, country=country).first()
    scope = permissions.editing_scope(user, round=round, country=country, country_report=country_report)
    if scope is None:
        raise PermissionDenied(permissions.why_cannot_edit(user, round=round, country=country,
                                                           country_report=country_report))
    return scope, country_report


def workbook_filename(*, round: ReportingRound, country: Country, on: datetime.date | None = None) -> str:
    on = on or timezone.localdate()
    return f"{round.plan.slug}-round-{round.pk}-{country.code}-{on.isoformat()}.xlsx"


# --- Values as they travel through cells ---------------------------------------------------------------

def _cell_safe(text: str) -> str:
    """What Excel can hold: no control characters, at most EXCEL_CELL_MAX_CHARS."""
    return ILLEGAL_CHARACTERS_RE.sub("", text or "")[:EXCEL_CELL_MAX_CHARS]


def _normalise_text(text: str) -> str:
    # Excel and LibreOffice may save line breaks as \r\n and keep stray spaces typed at the ends.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _flat(text: str) -> str:
    """Key columns compared with whitespace collapsed: a spreadsheet may rewrap, never reword."""
    return " ".join(str(text).split())


def _fingerprint(status: str, narrative: str, obstacles: str, expected_year: int | None) -> str:
    payload = json.dumps([status or "", narrative, obstacles, expected_year], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _report_values(report: ProgressReport | None) -> dict:
    """A report's editable values as the workbook writes them (no report: all empty)."""
    if report is None:
        return {"status": "", "narrative": "", "obstacles": "", "expected_year": None}
    return {"status": report.status, "narrative": _normalise_text(_cell_safe(report.narrative)),
            "obstacles": _normalise_text(_cell_safe(report.obstacles)), "expected_year": report.expected_year}


def status_labels() -> list[str]:
    """The drop-down's status labels in the active language, in the order of the choices."""
    return [str(label) for label in ProgressReport.Status.labels]


def _status_lookup() -> dict[str, str]:
    """Every spelling an upload may hold, folded, -> status code ('' for no information).

    The drop-down lists labels in the language of whoever downloaded; a colleague may fill the same
    file in another language, or type a code as the API spells it.
    """
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup[_flat(_("No information")).casefold()] = ""
            for code, label in ProgressReport.Status.choices:
                lookup[_flat(label).casefold()] = code
    for code in ProgressReport.Status.values:
        lookup[code] = code
    return lookup


# --- Building the workbook -----------------------------------------------------------------------------

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")  # the grey the instructions name
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def workbook_build(*, round: ReportingRound, country: Country, user, now: datetime.datetime | None = None) -> bytes:
    """The .xlsx bytes of ``country``'s workbook for ``round``: the activities ``user`` may draft there.

    Status labels and headings are in the active language. PermissionDenied (saying why) for a user
    who may not draft for the country or a closed round.
    """
    scope = workbook_scope(user=user, round=round, country=country)
    now = now or timezone.now()
    activities = list(
        Activity.objects.filter(plan=round.plan, countries=country).filter(scope)
        .select_related("conservation_unit").order_by("position")
    )
    reports = {
        report.activity_id: report
        for report in ProgressReport.objects.filter(country_report__round=round, country_report__country=country)
    }
    rows = [(activity, reports.get(activity.pk)) for activity in activities]

    book = openpyxl.Workbook(write_only=True)
    reports_title = _sheet_title(_("Reports"))
    _write_instructions(book.create_sheet(_sheet_title(_("Instructions"))), round=round, country=country,
                        user=user, now=now, reports_title=reports_title)
    _write_reports(book.create_sheet(reports_title), rows)
    _write_meta(book.create_sheet(META_SHEET), round=round, country=country, now=now, reports_title=reports_title,
                rows=rows)
    # Users cannot unhide, rename or delete sheets: the hidden one is how the upload recognises the file.
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    return "".join(char for char in title if char not in "[]:*?/\\")[:31]


def _cell(sheet, value, *, font=None, fill=None, alignment=None, protection=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text a user wrote, never a formula
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    if protection:
        cell.protection = protection
    return cell


def _write_instructions(sheet, *, round, country, user, now, reports_title):
    sheet.column_dimensions["A"].width = 110
    upload_url = settings.SITE_URL.rstrip("/") + reverse("reporting:workbook_upload", args=[round.pk, country.code])
    lines = [
        (_("Offline workbook: %(country)s, %(round)s") % {"country": country.name, "round": round.title},
         TITLE),
        (_("Plan: %(plan)s") % {"plan": round.plan.title}, None),
        (_("Round: %(round)s, due on %(due)s") % {"round": round.title, "due": date_format(round.due_on)}, None),
        (_("Country: %(country)s (%(code)s)") % {"country": country.name, "code": country.code}, None),
        (_("Downloaded on %(when)s (UTC) by %(user)s") % {
            "when": date_format(timezone.localtime(now, datetime.timezone.utc), "DATETIME_FORMAT"),
            "user": user.get_username()}, None),
        ("", None),
        (_("What to fill in"), BOLD),
        (_("Work in the sheet “%(sheet)s”: one row per activity you may report on for this country.")
         % {"sheet": reports_title}, None),
        (_("Status: choose from the list. Leave it empty where there is no information yet; "
           "a status once reported cannot be emptied again."), None),
        (_("What was done, Obstacles: free text, at most %(max)s characters each.") % {"max": TEXT_MAX_CHARS}, None),
        (_("Expected completion year: a year from %(min)s to %(max)s, or empty.") % {
            "min": YEAR_MIN, "max": YEAR_MAX}, None),
        (_("Rows marked carried over repeat the last round's report; changing any value makes it this round's own."),
         None),
        ("", None),
        (_("What not to touch"), BOLD),
        (_("The grey columns (activity ID, code, activity, unit, priority, carried over, version) are locked: "
           "they tell the tracker which activity a row is about."), None),
        (_("Do not add or reorder rows, rename the sheets or save the file in another format than .xlsx."), None),
        ("", None),
        (_("Uploading"), BOLD),
        (_("Upload the filled workbook at %(url)s (the link “Upload a filled workbook” on the country's report). "
           "You see every change before anything is saved; then all rows are saved, or none.") % {"url": upload_url},
         None),
        (_("If someone changes a report in the tracker after this download, the upload refuses your changes to "
           "that row: download a fresh workbook and copy your text over."), None),
    ]
    for text, font in lines:
        sheet.append([_cell(sheet, text, font=font, alignment=WRAP)])


def _write_reports(sheet, rows):
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "D2"
    last_row = len(rows) + 1
    _add_validations(sheet, last_row)
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    # Locked cells stay locked; users may still resize, filter and select.
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.autoFilter = False
    sheet.append([
        _cell(sheet, str(column.header), font=BOLD, alignment=WRAP,
              fill=HEADER_EDITABLE_FILL if column.editable else HEADER_LOCKED_FILL)
        for column in COLUMNS
    ])
    yes = _("yes")
    labels = dict(zip(ProgressReport.Status.values, status_labels()))
    for activity, report in rows:
        values = _report_values(report)
        cells = {
            "activity_id": activity.pk,
            "code": _cell_safe(activity.code),
            "text": _cell_safe(activity.text),
            "unit": str(activity.conservation_unit) if activity.conservation_unit_id else "",
            "priority": activity.get_priority_level_display() if activity.priority_level else "",
            "carried_over": yes if report and report.carried_over else "",
            "status": labels.get(values["status"], ""),
            "narrative": values["narrative"],
            "obstacles": values["obstacles"],
            "expected_year": values["expected_year"],
            "version": report.version if report else 0,
        }
        sheet.append([
            _cell(sheet, cells[column.key], alignment=WRAP,
                  protection=UNLOCKED if column.editable else None,
                  fill=None if column.editable else LOCKED_FILL)
            for column in COLUMNS
        ])


def _add_validations(sheet, last_row: int):
    if last_row < 2:
        return

    def cells(key):
        letter = get_column_letter(COL[key] + 1)
        return f"{letter}2:{letter}{last_row}"

    labels_range = (f"{META_SHEET}!$B${META_STATUS_ROW}:"
                    f"${get_column_letter(1 + len(ProgressReport.Status.values))}${META_STATUS_ROW}")
    status = DataValidation(type="list", formula1=labels_range, allow_blank=True, showErrorMessage=True,
                            errorTitle=_("Status"), error=_("Choose a status from the list."))
    year = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(YEAR_MAX),
                          allow_blank=True, showErrorMessage=True, errorTitle=_("Expected completion year"),
                          error=_("A year from %(min)s to %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX})
    text = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(TEXT_MAX_CHARS),
                          allow_blank=True, showErrorMessage=True, errorTitle=_("Too long"),
                          error=_("At most %(max)s characters.") % {"max": TEXT_MAX_CHARS})
    status.add(cells("status"))
    year.add(cells("expected_year"))
    text.add(cells("narrative"))
    text.add(cells("obstacles"))
    for validation in (status, year, text):
        sheet.data_validations.append(validation)


def _write_meta(sheet, *, round, country, now, reports_title, rows):
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
    sheet.append(["cami-workbook", WORKBOOK_FORMAT])
    sheet.append(["round", round.pk])
    sheet.append(["country", country.code])
    sheet.append(["plan", round.plan.slug])
    sheet.append(["downloaded_at", now.isoformat()])
    sheet.append(["reports_sheet", reports_title])
    sheet.append(["statuses", *status_labels()])  # row META_STATUS_ROW: the drop-down's source
    sheet.append([])
    sheet.append(["activity", "version", "fingerprint"])
    for activity, report in rows:
        values = _report_values(report)
        sheet.append([activity.pk, report.version if report else 0, _fingerprint(**values)])


# --- Reading an upload ---------------------------------------------------------------------------------

@dataclass
class _Upload:
    meta: dict
    downloaded: dict  # activity id -> (version, fingerprint) at download
    rows: list  # (row number, cells by position)
    reports_title: str
    formulas: dict = field(default_factory=dict)  # row number -> [(column, formula)]


def _upload_bytes(upload) -> bytes:
    if upload is None:
        raise BadWorkbook(_("Choose the workbook file to upload."))
    if isinstance(upload, (bytes, bytearray)):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(WORKBOOK_MAX_BYTES + 1)
    if len(data) > WORKBOOK_MAX_BYTES:
        size = getattr(upload, "size", None) or len(data)
        raise BadWorkbook(_("The file is %(size)s; a workbook may be at most %(limit)s.") % {
            "size": filesizeformat(size), "limit": filesizeformat(WORKBOOK_MAX_BYTES)})
    if not data:
        raise BadWorkbook(_("The file is empty."))
    if data.startswith(OLE_SIGNATURE):
        raise BadWorkbook(_("This is an old Excel file (.xls). Open it in Excel, save it as “Excel Workbook "
                            "(.xlsx)” and upload that."))
    if not data.startswith(ZIP_SIGNATURE):
        raise BadWorkbook(_("This file is not an Excel workbook (.xlsx), perhaps a CSV or text file renamed: "
                            "upload the workbook downloaded from the tracker, saved as .xlsx."))
    return data


def _damaged() -> str:
    return _("The file could not be read as an Excel workbook: it may be damaged or not an .xlsx file. "
             "Download the workbook again, or save yours again from Excel as .xlsx.")


def _check_expansion(data: bytes):
    """Refuse, before openpyxl decompresses anything, a file that would expand past the limits (a zip bomb)."""
    file = io.BytesIO(data)
    try:
        archives.check_zip_archive(file, max_member_bytes=WORKBOOK_MAX_PART_BYTES,
                                   max_total_bytes=WORKBOOK_MAX_EXPANDED_BYTES, max_members=WORKBOOK_MAX_PARTS)
        # The hidden sheet has MAX_ROWS activity rows below its own.
        archives.check_xlsx_size(file, max_member_bytes=WORKBOOK_MAX_PART_BYTES,
                                 max_total_bytes=WORKBOOK_MAX_EXPANDED_BYTES,
                                 max_rows=MAX_ROWS + META_FIRST_ACTIVITY_ROW, max_cells=WORKBOOK_MAX_CELLS,
                                 max_cells_per_row=WORKBOOK_MAX_CELLS_PER_ROW)
    except ValidationError as error:
        raise BadWorkbook(_("%(reason)s This is not a country workbook as the tracker writes it: upload the "
                            "workbook downloaded from the tracker.") % {"reason": " ".join(error.messages)}) from error
    except archives.ZIP_ERRORS as error:
        raise BadWorkbook(_damaged()) from error


def _read_upload(data: bytes) -> _Upload:
    damaged = _damaged()
    try:
        # Formulas are read as formulas (data_only=False): a cached result may be missing or stale.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except READ_ERRORS as error:
        raise BadWorkbook(damaged) from error
    try:
        return _read_sheets(book)
    except READ_ERRORS as error:
        raise BadWorkbook(damaged) from error
    finally:
        book.close()


def _read_sheets(book) -> _Upload:
    if META_SHEET not in book.sheetnames:
        raise BadWorkbook(_("This is not a workbook downloaded from the tracker (its hidden sheet is missing): "
                            "download the country's workbook, fill it in and upload that."))
    meta, downloaded = _read_meta(book[META_SHEET])
    reports_title = meta.get("reports_sheet") or ""
    if reports_title not in book.sheetnames:
        raise BadWorkbook(_("The sheet “%(sheet)s” is missing from the workbook: upload the workbook as downloaded, "
                            "with its sheets.") % {"sheet": reports_title})
    rows, formulas = [], {}
    sheet = book[reports_title]
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_col=len(COLUMNS)), start=1):
        if number == 1:
            _check_header(row, reports_title)
            continue
        if number > MAX_ROWS:
            raise BadWorkbook(_("The sheet “%(sheet)s” has more than %(max)s rows: upload the workbook as "
                                "downloaded.") % {"sheet": reports_title, "max": MAX_ROWS})
        cells = tuple(cell.value for cell in row) + (None,) * (len(COLUMNS) - len(row))
        if any(value not in (None, "") for value in cells):
            rows.append((number, cells))
            in_formulas = [(COLUMNS[index], _formula_text(cell.value)) for index, cell in enumerate(row)
                           if cell.data_type == "f"]
            if in_formulas:
                formulas[number] = in_formulas
    if not rows:
        raise BadWorkbook(_("The sheet “%(sheet)s” has no activity rows: there is nothing to upload.")
                          % {"sheet": reports_title})
    return _Upload(meta=meta, downloaded=downloaded, rows=rows, reports_title=reports_title, formulas=formulas)


def _formula_text(value) -> str:
    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
    return text if text.startswith("=") else f"={text}"


def _headers_read() -> list[set[str]]:
    """Per column, its header in every language the tracker speaks (folded): who uploads may read another."""
    headers = [set() for _column in COLUMNS]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for index, column in enumerate(COLUMNS):
                headers[index].add(_flat(column.header).casefold())
    return headers


def _check_header(row, reports_title: str):
    """Row 1 must be the header as downloaded: rows are read by position, a deleted row would shift them."""
    values = [cell.value for cell in row] + [None] * (len(COLUMNS) - len(row))
    for index, (value, accepted) in enumerate(zip(values, _headers_read())):
        if _flat(_cell_text(value)).casefold() not in accepted:
            raise BadWorkbook(_(
                "The header row of the sheet “%(sheet)s” is missing or changed: column %(letter)s of row 1 reads "
                "“%(value)s”, not “%(header)s”. Rows are read by their place under the header, so a deleted or "
                "added row would change the wrong activities: upload the workbook as downloaded, with its header "
                "row.") % {"sheet": reports_title, "letter": get_column_letter(index + 1),
                           "value": _cell_text(value), "header": COLUMNS[index].header})


def _read_meta(sheet) -> tuple[dict, dict]:
    meta, downloaded = {}, {}
    for number, values in enumerate(sheet.iter_rows(max_col=3, values_only=True), start=1):
        if number > MAX_ROWS + META_FIRST_ACTIVITY_ROW:
            break
        if number < META_FIRST_ACTIVITY_ROW:
            if values and values[0]:
                meta[str(values[0])] = values[1] if len(values) > 1 else None
        elif values and _as_int(values[0]) is not None:
            downloaded[_as_int(values[0])] = (_as_int(values[1]), str(values[2] or ""))
    if meta.get("cami-workbook") != WORKBOOK_FORMAT:
        raise BadWorkbook(_("This workbook comes from another version of the tracker: download a fresh one."))
    return meta, downloaded


def _check_target(upload: _Upload, *, round: ReportingRound, country: Country):
    """The file of another round or country is refused as a whole, naming what it is for."""
    round_id = _as_int(upload.meta.get("round"))
    if round_id != round.pk or upload.meta.get("plan") != round.plan.slug:
        other = ReportingRound.objects.select_related("plan").filter(pk=round_id).first()
        raise BadWorkbook(_("This workbook is for the round “%(other)s”, not “%(round)s”: download the workbook "
                            "of this round.") % {"other": other or "?", "round": round})
    code = str(upload.meta.get("country") or "")
    if code != country.code:
        other = Country.objects.filter(code=code).first()
        raise BadWorkbook(_("This workbook is for %(other)s, not %(country)s: upload it on the report of "
                            "%(other)s, or download the workbook of %(country)s.") % {
                                "other": other or code or "?", "country": country})


def _as_int(value) -> int | None:
    """A cell's whole number (typed as text or as a number), else None: "²" is not one."""
    return parse_int(value)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    return _normalise_text(str(value))


# --- Comparing an upload with the tracker --------------------------------------------------------------

@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class WorkbookChange:
    """One row that will change a report: the values to save and each field's old and new value."""

    row: int
    activity: Activity
    version: int
    values: dict
    fields: list[FieldChange]

    def as_data(self) -> dict:
        """What workbook_changes_apply takes (and what the session keeps between preview and confirm)."""
        return {"row": self.row, "activity": self.activity.pk, "version": self.version, **self.values}


@dataclass
class RowError:
    row: int
    activity: str
    reason: str


@dataclass
class WorkbookPreview:
    round: ReportingRound
    country: Country
    changes: list[WorkbookChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        return bool(self.changes) and not self.errors

    @property
    def change_count(self) -> int:
        return sum(len(change.fields) for change in self.changes)

    def as_data(self) -> list[dict]:
        return [change.as_data() for change in self.changes]


def workbook_preview(*, round: ReportingRound, country: Country, user, upload) -> WorkbookPreview:
    """Read an uploaded workbook (bytes or a file) and compare it with the tracker; nothing is saved.

    Raises BadWorkbook (a ValidationError) for a file that is not this round's and country's workbook,
    PermissionDenied (saying why) when the user may not change the country's reports. Row problems
    are listed in ``errors`` with their row numbers; ``changes`` lists what a confirm would save.
    """
    scope, country_report = _editable(user=user, round=round, country=country)
    data = _upload_bytes(upload)
    _check_expansion(data)
    upload = _read_upload(data)
    _check_target(upload, round=round, country=country)
    return _Comparison(round=round, country=country, user=user, scope=scope, country_report=country_report).run(upload)


class _Comparison:
    """The tracker's side of a preview, read in a fixed number of queries, and the row-by-row checks."""

    def __init__(self, *, round, country, user, scope, country_report):
        self.round, self.country, self.user = round, country, user
        applicable = Activity.objects.filter(plan=round.plan, countries=country)
        self.activities = {activity.pk: activity for activity in applicable.only("pk", "kind", "code", "text")}
        self.drafted = set(applicable.filter(scope).values_list("pk", flat=True))
        self.reports = {
            report.activity_id: report
            for report in ProgressReport.objects.filter(country_report__round=round, country_report__country=country)
            .select_related("updated_by")
        }
        self.state = country_report.state if country_report else None
        self.statuses = _status_lookup()

    def run(self, upload: _Upload) -> WorkbookPreview:
        preview = WorkbookPreview(round=self.round, country=self.country, rows_read=len(upload.rows))
        seen = {}
        for number, cells in upload.rows:
            if number in upload.formulas:
                reasons, change = self._formulas(upload.formulas[number]), None
            else:
                reasons, change = self._row(number, cells, upload.downloaded, seen)
            label = self._label(cells)
            preview.errors.extend(RowError(number, label, reason) for reason in reasons)
            if change:
                preview.changes.append(change)
        self._check_state(preview)
        return preview

    def _formulas(self, formulas) -> list[str]:
        # A formula's result is not in the file when it was written without calculating (and may be stale
        # when it is): the tracker would read an empty cell and offer to clear the field.
        return [_("Column “%(column)s” holds a formula (%(formula)s): formulas are not read; type the value "
                  "itself.") % {"column": column.header, "formula": formula} for column, formula in formulas]

    def _label(self, cells) -> str:
        activity = self.activities.get(_as_int(cells[COL["activity_id"]]))
        return str(activity) if activity else _cell_text(cells[COL["code"]])

    def _row(self, number, cells, downloaded, seen) -> tuple[list[str], WorkbookChange | None]:
        activity_id = _as_int(cells[COL["activity_id"]])
        if activity_id is None:
            return [_("The activity ID was changed or removed: do not edit the grey columns.")], None
        if activity_id in seen:
            return [_("The activity appears twice (also in row %(row)s): keep one row per activity.")
                    % {"row": seen[activity_id]}], None
        seen[activity_id] = number
        activity = self.activities.get(activity_id)
        if activity is None:
            return [_("This activity is not one of %(plan)s that applies to %(country)s.") % {
                "plan": self.round.plan, "country": self.country}], None
        if reason := self._why_keys_edited(activity, cells, downloaded):
            return [reason], None
        values, reasons = self._values(cells)
        if reasons:
            return reasons, None
        version, fingerprint = downloaded[activity_id]
        if _fingerprint(**values) == fingerprint:
            return [], None  # untouched since the download, whatever happened in the tracker meanwhile
        if activity_id not in self.drafted:
            return [permissions.not_handed_over(activity, self.country)], None
        report = self.reports.get(activity_id)
        if values == _report_values(report):
            return [], None  # the tracker already says exactly this (e.g. an earlier upload of the same file)
        if (report.version if report else 0) != version:
            return [self._stale(report, version)], None
        return self._change(number, activity, version, report, values)

    def _why_keys_edited(self, activity, cells, downloaded) -> str | None:
        code, text = _cell_text(cells[COL["code"]]), _cell_text(cells[COL["text"]])
        if _flat(code) != _flat(_cell_safe(activity.code)) or _flat(text) != _flat(_cell_safe(activity.text)):
            return _("The code or text of %(activity)s differs from the tracker's: do not edit the grey columns. "
                     "If you did not, the activity was corrected after your download: download a fresh workbook."
                     ) % {"activity": activity}
        if activity.pk not in downloaded:
            return _("This row was not in the workbook as downloaded: do not add rows; download a fresh workbook.")
        if _as_int(cells[COL["version"]]) != downloaded[activity.pk][0]:
            return _("The version column was edited: do not edit the grey columns.")
        return None

    def _values(self, cells) -> tuple[dict, list[str]]:
        reasons = []
        raw_status = _cell_text(cells[COL["status"]])
        status = self.statuses.get(_flat(raw_status).casefold()) if raw_status else ""
        if status is None:
            reasons.append(_("“%(value)s” is not a status: choose one from the list (%(labels)s).") % {
                "value": raw_status, "labels": ", ".join(status_labels())})
        raw_year = cells[COL["expected_year"]]
        year = _as_int(raw_year)
        if raw_year not in (None, "") and (year is None or not YEAR_MIN <= year <= YEAR_MAX):
            reasons.append(_("Expected completion year: “%(value)s” is not a year from %(min)s to %(max)s.") % {
                "value": _cell_text(raw_year), "min": YEAR_MIN, "max": YEAR_MAX})
        values = {"status": status or "", "narrative": _cell_text(cells[COL["narrative"]]),
                  "obstacles": _cell_text(cells[COL["obstacles"]]), "expected_year": year}
        return values, reasons

    def _stale(self, report, version) -> str:
        who = report.updated_by.get_username() if report and report.updated_by else _("someone else")
        return _("Changed in the tracker by %(who)s after your download (version %(current)s now, %(sent)s in your "
                 "workbook): download a fresh workbook and copy your changes over, or make them in the browser.") % {
            "who": who, "current": report.version if report else 0, "sent": version}

    def _change(self, number, activity, version, report, values) -> tuple[list[str], WorkbookChange | None]:
        current = _report_values(report)
        reasons = []
        if not values["status"]:
            reasons.append(_("A reported status cannot be emptied: choose one from the list.") if report else
                           _("Choose a status: the tracker records a report only with a status."))
        for name in ("narrative", "obstacles"):
            if values[name] != current[name] and len(values[name]) > TEXT_MAX_CHARS:
                reasons.append(_("%(field)s is %(length)s characters long; at most %(max)s are kept.") % {
                    "field": HISTORY_FIELD_LABELS[name], "length": len(values[name]), "max": TEXT_MAX_CHARS})
        if reasons:
            return reasons, None
        # Unchanged fields keep the stored text exactly (the cell may have lost a trailing space).
        saved = {name: values[name] if values[name] != current[name] else
                 (getattr(report, name) if report else values[name]) for name in EDITABLE_FIELDS}
        fields = [FieldChange(name, str(HISTORY_FIELD_LABELS[name]), _shown(name, current[name] if report else None),
                              _shown(name, values[name]))
                  for name in EDITABLE_FIELDS if values[name] != current[name]]
        if not fields:
            return [], None
        if report and report.carried_over:
            fields.append(FieldChange("carried_over", str(HISTORY_FIELD_LABELS["carried_over"]), _("yes"), _("no")))
        return [], WorkbookChange(row=number, activity=activity, version=version, values=saved, fields=fields)

    def _check_state(self, preview: WorkbookPreview):
        """The report is open to edits (workbook_scope said so); say what saving does to a validated one."""
        if preview.changes and self.state == CountryReport.State.VALIDATED and not self.user.is_staff:
            preview.notices.append(_("The report of %(country)s is validated: saving these changes reopens it for "
                                     "corrections, and the Secretariat sees it again once it is submitted again."
                                     ) % {"country": self.country})


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(ProgressReport.Status(value).label)
    return str(value)
