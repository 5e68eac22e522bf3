"""Building the country workbook: the .xlsx bytes a focal point downloads for one round and country."""
from __future__ import annotations

import datetime
import io

import openpyxl
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from actionplans.models import Activity
from conservation_units.models import Country

from .. import money
from ..models import ProgressReport, ReportingRound
from .access import workbook_scope
from .format import (
    COL,
    COLUMNS,
    META_SHEET,
    META_SOURCE_ROW,
    META_STATUS_ROW,
    TEXT_MAX_CHARS,
    WORKBOOK_FORMAT,
    YEAR_MAX,
    YEAR_MIN,
    cell_safe,
    values_fingerprint,
    report_values,
    source_labels,
    status_labels,
)


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
        Activity.objects.of_round(round).filter(countries=country).filter(scope)
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
        (_("Offline workbook: %(country)s, %(round)s") % {"country": country.local_name, "round": round.title},
         TITLE),
        (_("Plan: %(plan)s") % {"plan": round.plan.title}, None),
        (_("Round: %(round)s, due on %(due)s") % {"round": round.title, "due": date_format(round.due_on)}, None),
        (_("Country: %(country)s (%(code)s)") % {"country": country.local_name, "code": country.code}, None),
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
        (_("Funds spent or mobilised: what was spent or raised for the activity in the country during this round, "
           "as a number (no currency sign), with its currency as an ISO 4217 code (USD, EUR, KZT...), the source "
           "from the list and, if you wish, the funder's name. The tracker converts the amount to USD at the rate "
           "the Secretariat set for the round (the grey column “Funds in USD” shows the last conversion)."), None),
        (_("Rows marked carried over repeat the last round's report; changing any value makes it this round's own."),
         None),
        ("", None),
        (_("What not to touch"), BOLD),
        (_("The grey columns (activity ID, code, activity, unit, priority, carried over, funds in USD, version) are "
           "locked: "
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
    sources = dict(zip(money.FundsSource.values, source_labels()))
    no_rate = _("no rate")
    for activity, report in rows:
        values = report_values(report)
        cells = {
            "activity_id": activity.pk,
            "code": cell_safe(activity.code),
            "text": cell_safe(activity.text),
            "unit": str(activity.conservation_unit) if activity.conservation_unit_id else "",
            "priority": activity.get_priority_level_display() if activity.priority_level else "",
            "carried_over": yes if report and report.carried_over else "",
            "status": labels.get(values["status"], ""),
            "narrative": values["narrative"],
            "obstacles": values["obstacles"],
            "expected_year": values["expected_year"],
            "funds_amount": report.funds_amount if report else None,
            "funds_currency": values["funds_currency"],
            "funds_usd": _usd_shown(report, no_rate),
            "funds_source": sources.get(values["funds_source"], ""),
            "funds_funder": values["funds_funder"],
            "version": report.version if report else 0,
        }
        sheet.append([
            _cell(sheet, cells[column.key], alignment=WRAP,
                  protection=UNLOCKED if column.editable else None,
                  fill=None if column.editable else LOCKED_FILL)
            for column in COLUMNS
        ])


def _usd_shown(report, no_rate: str):
    if report is None or report.funds_amount is None:
        return None
    return report.funds_usd if report.funds_usd is not None else no_rate


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
    sources_range = (f"{META_SHEET}!$B${META_SOURCE_ROW}:"
                     f"${get_column_letter(1 + len(money.FundsSource.values))}${META_SOURCE_ROW}")
    source = DataValidation(type="list", formula1=sources_range, allow_blank=True, showErrorMessage=True,
                            errorTitle=_("Source of funds"), error=_("Choose a source from the list."))
    amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle=_("Funds spent or mobilised"),
                            error=_("An amount of zero or more, without a currency sign."))
    currency = DataValidation(type="textLength", operator="equal", formula1="3", allow_blank=True,
                              showErrorMessage=True, errorTitle=_("Currency"),
                              error=_("An ISO 4217 code of three letters, such as USD, EUR, KZT."))
    status.add(cells("status"))
    year.add(cells("expected_year"))
    text.add(cells("narrative"))
    text.add(cells("obstacles"))
    source.add(cells("funds_source"))
    amount.add(cells("funds_amount"))
    currency.add(cells("funds_currency"))
    for validation in (status, year, text, source, amount, currency):
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
    sheet.append(["sources", *source_labels()])  # row META_SOURCE_ROW
    sheet.append(["activity", "version", "fingerprint"])
    for activity, report in rows:
        values = report_values(report)
        sheet.append([activity.pk, report.version if report else 0, values_fingerprint(**values)])


