"""Reading an upload: the limits checked before openpyxl opens it, then its sheets read into an ``Upload``.

Nothing here compares with the tracker or saves; every refusal is a ``BadWorkbook`` naming what is wrong."""
from __future__ import annotations

import datetime
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from cami import archives
from cami.parsing import parse_int
from conservation_units.models import Country

from ..models import ReportingRound
from .format import (
    BadWorkbook,
    COLUMNS,
    META_FIRST_ACTIVITY_ROW,
    META_SHEET,
    WORKBOOK_FORMAT,
    flat_text,
    normalise_text,
)


# What an upload may be. The file itself:
WORKBOOK_MAX_BYTES = 5 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
# Far above any plan's activities for one country (Argali has 166 in all): stops a crafted sheet early.
MAX_ROWS = 5000
# What the file may expand to, checked before openpyxl opens it (cami/archives.py). A real country
# workbook is tens of KB to a few MB uncompressed: 166 activities with 5000 characters in both texts
# stay under 5 MB. openpyxl holds every shared string in memory and builds each row whole.
WORKBOOK_MAX_PART_BYTES = 20 * 1024 * 1024
WORKBOOK_MAX_EXPANDED_BYTES = 50 * 1024 * 1024
WORKBOOK_MAX_PARTS = 500
WORKBOOK_MAX_CELLS = 200_000  # cells of all sheets and shared texts: 5000 rows x 11 columns is 55,000
WORKBOOK_MAX_CELLS_PER_ROW = 16_384  # Excel's own number of columns
# Everything openpyxl (and the zip and XML readers under it) raises for a damaged or foreign file.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, TypeError, IndexError,
               AttributeError, OSError, EOFError, ParseError)


@dataclass
class Upload:
    meta: dict
    downloaded: dict  # activity id -> (version, fingerprint) at download
    rows: list  # (row number, cells by position)
    reports_title: str
    formulas: dict = field(default_factory=dict)  # row number -> [(column, formula)]


def upload_bytes(upload) -> bytes:
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


def check_expansion(data: bytes):
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


def read_upload(data: bytes) -> Upload:
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


def _read_sheets(book) -> Upload:
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
    return Upload(meta=meta, downloaded=downloaded, rows=rows, reports_title=reports_title, formulas=formulas)


def _formula_text(value) -> str:
    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
    return text if text.startswith("=") else f"={text}"


def _headers_read() -> list[set[str]]:
    """Per column, its header in every language the tracker speaks (folded): who uploads may read another."""
    headers = [set() for _column in COLUMNS]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for index, column in enumerate(COLUMNS):
                headers[index].add(flat_text(column.header).casefold())
    return headers


def _check_header(row, reports_title: str):
    """Row 1 must be the header as downloaded: rows are read by position, a deleted row would shift them."""
    values = [cell.value for cell in row] + [None] * (len(COLUMNS) - len(row))
    for index, (value, accepted) in enumerate(zip(values, _headers_read())):
        if flat_text(cell_text(value)).casefold() not in accepted:
            raise BadWorkbook(_(
                "The header row of the sheet “%(sheet)s” is missing or changed: column %(letter)s of row 1 reads "
                "“%(value)s”, not “%(header)s”. Rows are read by their place under the header, so a deleted or "
                "added row would change the wrong activities: upload the workbook as downloaded, with its header "
                "row.") % {"sheet": reports_title, "letter": get_column_letter(index + 1),
                           "value": cell_text(value), "header": COLUMNS[index].header})


def _read_meta(sheet) -> tuple[dict, dict]:
    meta, downloaded = {}, {}
    for number, values in enumerate(sheet.iter_rows(max_col=3, values_only=True), start=1):
        if number > MAX_ROWS + META_FIRST_ACTIVITY_ROW:
            break
        if number < META_FIRST_ACTIVITY_ROW:
            if values and values[0]:
                meta[str(values[0])] = values[1] if len(values) > 1 else None
        elif values and as_int(values[0]) is not None:
            downloaded[as_int(values[0])] = (as_int(values[1]), str(values[2] or ""))
    if meta.get("cami-workbook") != WORKBOOK_FORMAT:
        raise BadWorkbook(_("This workbook comes from another version of the tracker: download a fresh one."))
    return meta, downloaded


def check_target(upload: Upload, *, round: ReportingRound, country: Country):
    """The file of another round or country is refused as a whole, naming what it is for."""
    round_id = as_int(upload.meta.get("round"))
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


def as_int(value) -> int | None:
    """A cell's whole number (typed as text or as a number), else None: "²" is not one."""
    return parse_int(value)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    return normalise_text(str(value))


