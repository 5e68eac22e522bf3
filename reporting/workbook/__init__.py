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

Modules: ``format`` (columns, hidden sheet, cell values), ``access`` (who may use it), ``build`` (the
download), ``read`` (an upload's limits and sheets), ``compare`` (the preview). Entry points, here:
``workbook_build`` (the bytes to download), ``workbook_preview`` (an upload read and compared, nothing
saved), ``workbook_scope`` (who may use the workbook, PermissionDenied otherwise).
"""
from .access import workbook_filename, workbook_scope
from .build import workbook_build
from .compare import FieldChange, RowError, WorkbookChange, WorkbookPreview, workbook_preview
from .format import COL, COLUMNS, EDITABLE_FIELDS, META_FIRST_ACTIVITY_ROW, META_SHEET, TEXT_MAX_CHARS, \
    WORKBOOK_FORMAT, XLSX_CONTENT_TYPE, YEAR_MAX, YEAR_MIN, BadWorkbook, status_labels
from .read import WORKBOOK_MAX_BYTES


__all__ = [
    "COL", "COLUMNS", "EDITABLE_FIELDS", "META_FIRST_ACTIVITY_ROW", "META_SHEET", "TEXT_MAX_CHARS", "WORKBOOK_FORMAT",
    "WORKBOOK_MAX_BYTES", "XLSX_CONTENT_TYPE", "YEAR_MAX", "YEAR_MIN", "BadWorkbook", "FieldChange", "RowError",
    "WorkbookChange", "WorkbookPreview", "status_labels", "workbook_build", "workbook_filename", "workbook_preview",
    "workbook_scope",
]
