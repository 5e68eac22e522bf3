"""The Secretariat's progress tables: a workbook (Summary, a Matrix per plan, Details) and the
Details rows as CSV and JSON.

What is exported is what the lists show. Activities are picked by the activity list's own
ActivityFilterSet (plan, country, conservation_unit, priority_level, section, objective, ...);
reports start from ``selectors.progress_queryset(user)``, so an anonymous visitor exports validated
reports only. The progress filters (status with ``no_information``, state, updated_since, search)
then pick activity × country pairs, so that "No information" can be asked for like any status.
Only public evidence is exported, whoever asks: an export file travels further than a page.

- ``columns``: what the tables show (columns, labels, the status order);
- ``scope``: which rows, the request's filters checked (``export_scope``);
- ``tables``: the rounds, the activity × country pairs and their reports, the Summary figures;
- ``details``: the Details rows, as the sheet, CSV and JSON;
- ``xlsx``: the workbook itself (styles, sheets) and the files the views send.
"""
from .columns import DETAILS_FIELDS, DETAILS_HEADER, STATUS_ORDER, labels, status_label
from .details import details_csv, details_json
from .scope import Scope, export_scope
from .tables import ProgressTables, progress_tables
from .xlsx import export_filename, progress_csv, progress_workbook, workbook_bytes

__all__ = [
    "DETAILS_FIELDS", "DETAILS_HEADER", "STATUS_ORDER", "ProgressTables", "Scope", "details_csv", "details_json",
    "export_filename", "export_scope", "labels", "progress_csv", "progress_tables", "progress_workbook",
    "status_label", "workbook_bytes",
]
