"""The export workbook, written by XlsxWriter one plan at a time: its formats, the Summary, a Matrix per plan
and the Details sheet, and the files the views send (``progress_workbook``, ``progress_csv``)."""
from __future__ import annotations

import datetime
import re
import tempfile
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
import xlsxwriter
import xlsxwriter.worksheet
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # the characters no cell may hold, whichever writer

from .. import rules
from .columns import (
    CHANGED_MARK,
    COUNTRY_WIDTH,
    DETAILS_FIELDS,
    DETAILS_HEADER,
    DETAILS_WIDTHS,
    MATRIX_COLUMNS,
    MATRIX_HEADER_ROW,
    STATUS_ORDER,
    labels,
    status_label,
)
from .commitments import CommitmentTally, write_commitments
from .details import _excel_time, details_csv, table_details
from .money import PlanMoney, plan_money, row_mobilised, row_planned
from .scope import Scope
from .tables import (
    Pair,
    PlanSummary,
    PlanTable,
    ProgressTables,
    group_label,
    plan_summary,
    priority_label,
    progress_tables,
)


# --- The workbook ---------------------------------------------------------------------------------

SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BORDER = {"border": 1, "border_color": "#999999"}
WRAP = {"text_wrap": True, "valign": "top"}
CENTRED = {"text_wrap": True, "align": "center", "valign": "vcenter"}
TIME_FORMAT = "yyyy-mm-dd hh:mm"
USD_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.00"
CELL_MAX = 32767
A4 = 9  # Excel's paper size code


def _fill(argb: str) -> dict:
    return {"pattern": 1, "bg_color": "#" + argb[2:]}  # a solid fill: XlsxWriter writes it as the foreground


def _style_attributes() -> dict[str, dict]:
    """Every look of the workbook, as XlsxWriter format properties."""
    styles = {
        "title": {"bold": True, "font_size": 14},
        "heading": {"bold": True, "font_size": 12},
        "bold": {"bold": True},
        "header": {"bold": True, **_fill("FFDDEBF7"), **WRAP, **BORDER},
        "text": WRAP,
        "time": {"num_format": TIME_FORMAT, **WRAP},
        "percent": {"num_format": "0.0%"},
        "percent bold": {"num_format": "0.0%", "bold": True},
        "usd": {"num_format": USD_FORMAT},
        "amount": {"num_format": AMOUNT_FORMAT},
        "usd bold": {"num_format": USD_FORMAT, "bold": True},
        "legend": {"bold": True, "align": "right", "valign": "vcenter"},
        "country name": {"italic": True, **CENTRED},
        "box": {**BORDER, **CENTRED},
        "box bold": {**BORDER, **CENTRED, "bold": True},
        "does not apply": {**_fill(rules.excel_fill_colour(rules.DOES_NOT_APPLY_COLOUR, 1)), **BORDER, **CENTRED},
    }
    for status, colour in rules.STATUS_COLOURS.items():  # light tints of the dashboards' colours
        fill = _fill(rules.excel_fill_colour(colour))
        styles[f"status {status}"] = {**fill, **BORDER, **CENTRED}
        styles[f"status {status} changed"] = {**fill, **BORDER, **CENTRED, "bold": True}
    return styles


def _safe(value):
    """Text as a cell may hold it: no control characters (pasted from word processors), at most 32,767
    characters; either would otherwise break the export or make Excel repair the file."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= CELL_MAX else value[:CELL_MAX - 1] + "…"


class Styled:
    """A value with the look it is written in."""

    __slots__ = ("value", "style")

    def __init__(self, value, style):
        self.value, self.style = value, style


def _writer(ws):
    """write(row, column, value, format): each value by its type; text is always text, never a formula,
    a number or a link however it reads (a narrative may start with "=" or be a URL)."""
    write_string, write_number, write_blank = ws._write_string, ws._write_number, ws._write_blank
    write_datetime, write_boolean = ws._write_datetime, ws._write_boolean

    def write(row: int, column: int, value, cell_format=None):
        kind = type(value)
        if kind is str:
            if value:
                write_string(row, column, _safe(value), cell_format)
            elif cell_format is not None:
                write_blank(row, column, None, cell_format)
        elif value is None:
            if cell_format is not None:
                write_blank(row, column, None, cell_format)
        elif kind is bool:
            write_boolean(row, column, value, cell_format)
        elif kind is int or kind is float or kind is Decimal:
            write_number(row, column, value, cell_format)
        elif isinstance(value, (datetime.datetime, datetime.date)):
            write_datetime(row, column, value, cell_format)
        else:
            write(row, column, str(value), cell_format)

    return write


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """Says fitToWidth="1" in its page setup, where XlsxWriter leaves Excel's default unsaid: readers other
    than Excel (openpyxl among them) then read one page wide too."""

    def _xml_empty_tag(self, tag, attributes=None):
        if tag == "pageSetup" and self.fit_page and attributes is not None:
            if not any(name == "fitToWidth" for name, _value in attributes):
                attributes = [("fitToWidth", self.fit_width), *attributes]
        super()._xml_empty_tag(tag, attributes)


class Sheet:
    """A worksheet written row after row (XlsxWriter's constant_memory mode: each finished row goes to the
    sheet's temporary file), its cells with safe values in the workbook's shared formats."""

    def __init__(self, ws, formats: dict):
        self.ws = ws
        self.formats = formats  # style key -> XlsxWriter Format
        self.row = 0  # the next row to write (0-based)
        self.write = _writer(ws)

    def cell(self, value, style: str | None = None) -> Styled:
        return Styled(value, style)

    def append(self, values):
        write, row, formats = self.write, self.row, self.formats
        for column, value in enumerate(values):
            if type(value) is Styled:
                write(row, column, value.value, formats[value.style] if value.style else None)
            else:
                write(row, column, value)
        self.row += 1

    def header(self, texts) -> list:
        return [Styled(str(text), "header") for text in texts]

    def widths(self, widths: dict):
        for column, width in widths.items():
            self.ws.set_column(column - 1, column - 1, width)


def sheet_title(wanted: str, used: set) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, unique whatever the case."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", wanted).strip().strip("'")[:31].strip() or "Sheet"
    candidate, number = title, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate, number = title[:31 - len(suffix)].rstrip() + suffix, number + 1
    used.add(candidate.casefold())
    return candidate


def workbook_bytes(tables: ProgressTables) -> bytes:
    # Written to a temporary file, read back once the writer is gone: the zip is never built in memory
    # beside the writer's own objects.
    with tempfile.TemporaryFile() as out:
        _write_workbook(out, tables)
        out.seek(0)
        return out.read()


def _write_workbook(out, tables: ProgressTables):
    # constant_memory: each sheet's rows stream to a temporary file, strings inline (no table of them
    # all in memory); a big Details sheet never sits in memory as cells.
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats = {key: workbook.add_format(attributes) for key, attributes in _style_attributes().items()}
    used: set = set()

    def sheet(title: str) -> Sheet:
        return Sheet(workbook.add_worksheet(sheet_title(title, used), worksheet_class=_Worksheet), formats)

    # The sheets in their order, then written plan by plan: each plan's Summary figures, Matrix and Details
    # rows, before the next plan is read (each sheet is a file of its own until the workbook closes).
    summary = sheet(_("Summary"))
    matrices = [sheet(_("Matrix %(plan)s") % {"plan": round.plan.short_title}) for round, _prev in tables.chosen]
    details_sheet = sheet(_("Details"))
    _start_summary(summary, tables)
    _start_details(details_sheet)
    commitments, names, zone = CommitmentTally(), labels(), timezone.get_current_timezone()
    matrices = iter(matrices)
    for table in tables.each_table():  # not zip(): its tuple would hold a table while the next is read
        _write_plan_summary(summary, plan_summary(table))
        _write_matrix(next(matrices), table, tables.scope)
        _write_details(details_sheet, table_details(table, names, zone))
        commitments.add(table)
        del table  # before the next plan is read
    write_commitments(summary, commitments.figures())
    _end_details(details_sheet)
    workbook.close()


def progress_workbook(*, user, params) -> bytes:
    """The workbook of an export as a user asking with these parameters gets it (a dict or a QueryDict)."""
    return workbook_bytes(progress_tables(user=user, params=params))


def progress_csv(*, user, params) -> bytes:
    return details_csv(progress_tables(user=user, params=params))


def export_filename(tables: ProgressTables, extension: str) -> str:
    """cami-progress-argali-2026-11-21.xlsx; all-plans, or the country asked for, in the name too."""
    scope = tables.scope
    plan = scope.plan or (scope.round.plan if scope.round else None)
    parts = ["cami-progress", plan.slug if plan else "all-plans"]
    if scope.country:
        parts.append(scope.country.code.lower())
    if scope.working:
        parts.append("working")
    parts.append(timezone.localdate(tables.made_at).isoformat())
    return "-".join(parts) + f".{extension}"


# Summary -----------------------------------------------------------------------------------------

def _start_summary(sheet: Sheet, tables: ProgressTables):
    """What the export is; each plan's figures follow as the plan is read, then "By commitment"."""
    sheet.widths({1: 50, **{column: 16 for column in range(2, 10)}})
    sheet.append([sheet.cell(_("CAMI action plans: progress tables"), "title")])
    for label, value in _about(sheet, tables):
        sheet.append([sheet.cell(label, "bold"), value])
    if not tables.chosen:
        sheet.append([])
        sheet.append([_("No plan with a reporting round matches these filters.")])


def _about(sheet: Sheet, tables: ProgressTables) -> list:
    user = tables.user
    filters = "; ".join(f"{key}={', '.join(values)}" for key, values in tables.scope.given) or _("none")
    return [
        (_("Exported"), sheet.cell(_excel_time(tables.made_at), "time")),
        (_("Exported by"), user.get_username() if user.is_authenticated else _("anonymous visitor")),
        (_("Version"), _("working copies: every report as it now stands (draft, submitted, returned, "
                         "validated, reopened)") if tables.scope.working
         else _("published versions: each report as the CMS Secretariat last validated it")),
        (_("Evidence"), _("public evidence only")),
        (_("Filters"), filters),
    ]


def _write_plan_summary(sheet: Sheet, summary: PlanSummary):
    table = summary.table
    sheet.append([])
    sheet.append([sheet.cell(table.plan.title, "heading")])
    sheet.append([sheet.cell(_("Round"), "bold"), f"{table.round.title} ({table.round.get_status_display()})"])
    sheet.append([sheet.cell(_("Activities"), "bold"), summary.activities])
    sheet.append([sheet.cell(_("Activity × country pairs"), "bold"), summary.total])
    _write_status_shares(sheet, summary)
    _write_country_figures(sheet, summary)
    _write_money(sheet, plan_money(table))
    _write_status_table(sheet, _("By priority level"), summary.by_priority)
    _write_status_table(sheet, _("By conservation unit, objective or section"), summary.by_group)
    _write_change(sheet, summary)


def _write_status_shares(sheet: Sheet, summary: PlanSummary):
    sheet.append([])
    sheet.append(sheet.header([_("Status"), _("Pairs"), _("Share")]))
    for status in STATUS_ORDER:
        count = summary.by_status[status]
        sheet.append([sheet.cell(status_label(status), f"status {status}"), count,
                      sheet.cell(count / summary.total if summary.total else 0, "percent")])
    sheet.append([sheet.cell(_("Total"), "bold"), sheet.cell(summary.total, "bold"),
                  sheet.cell(1 if summary.total else 0, "percent bold")])


def _write_country_figures(sheet: Sheet, summary: PlanSummary):
    sheet.append([])
    sheet.append(sheet.header([_("By country"), _("ISO code"), _("Activities"), _("Reported this round"),
                               _("Carried over, not confirmed"), _("No information"), _("Validated")]))
    for figures in summary.by_country:
        sheet.append([figures.country.local_name, figures.country.code, figures.activities, figures.reported,
                      figures.carried_over, figures.no_information, figures.validated])


def _write_money(sheet: Sheet, money: PlanMoney):
    """Planned against mobilised: the plan's budgets (per country counted for each country; TBD not
    known, never zero) and the funds the exported reports give."""
    sheet.append([])
    sheet.append([sheet.cell(_("Money planned and mobilised in this round"), "heading")])
    sheet.append([_("Planned: the plan's budgets in USD, a budget printed “per country” or “per State” counted "
                    "once for each country; budgets that print no amount (TBD) are counted as not known, never "
                    "as zero. Mobilised: the funds the exported reports give, in USD at the round's rate. "
                    "Amounts in a currency without a rate are listed apart.")])
    sheet.append(sheet.header([_("Planned against mobilised"), _("ISO code"), _("Planned (USD)"),
                               _("Budget not known (activities)"), _("Shared with other range states (USD)"),
                               _("Mobilised (USD)"), _("Reports with funds"), _("Without a rate")]))
    for country, figures in money.by_country:
        _money_line(sheet, country.local_name, country.code, figures, shared=True)
    _money_line(sheet, _("Whole plan"), "", money.plan, shared=False, bold=True)
    sheet.append([])
    sheet.append(sheet.header([_("Money by conservation unit, objective or section"), "", _("Planned (USD)"),
                               _("Budget not known (activities)"), "", _("Mobilised (USD)"),
                               _("Reports with funds"), _("Without a rate")]))
    for label, figures in money.by_group.items():
        _money_line(sheet, label, "", figures, shared=False)


def _money_line(sheet: Sheet, label: str, code: str, money, *, shared: bool, bold: bool = False):
    style = "usd bold" if bold else "usd"
    without_rate = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(money.no_rate_amounts.items()))
    sheet.append([sheet.cell(label, "bold" if bold else "text"), code, sheet.cell(money.planned_usd, style),
                  money.planned_unknown, sheet.cell(money.shared_usd, "usd") if shared else None,
                  sheet.cell(money.mobilised_usd, style), money.reports, without_rate])


def _write_status_table(sheet: Sheet, heading: str, rows: dict):
    sheet.append([])
    sheet.append(sheet.header([heading, *(status_label(status) for status in STATUS_ORDER), _("Total")]))
    for label, counts in rows.items():
        sheet.append([sheet.cell(label, "text"), *(counts[status] for status in STATUS_ORDER),
                      sum(counts.values())])


def _write_change(sheet: Sheet, summary: PlanSummary):
    table = summary.table
    sheet.append([])
    sheet.append([sheet.cell(_("Change since the previous round"), "heading")])
    if table.previous is None:
        sheet.append([_("No earlier round of this plan to compare with.")])
        return
    sheet.append([sheet.cell(_("Previous round"), "bold"), table.previous.title])
    sheet.append([sheet.cell(_("Pairs whose status changed"), "bold"), summary.changed])
    sheet.append(sheet.header([_("Status"), table.previous.title, table.round.title, _("Difference")]))
    for status in STATUS_ORDER:
        then, now = summary.before[status], summary.by_status[status]
        sheet.append([sheet.cell(status_label(status), f"status {status}"), then, now, now - then])


# Matrix ------------------------------------------------------------------------------------------

def _legend(table: PlanTable, scope: Scope) -> list[tuple[str, str]]:
    """(label, style) of each legend item; a status item reads exactly as the cells it explains."""
    items = [(status_label(status), f"status {status}") for status in STATUS_ORDER]
    items.append((_("n/a: the activity does not apply to the country"), "does not apply"))
    if table.previous:
        items.append((_("Bold with %(mark)s: status changed since %(round)s") % {
            "mark": CHANGED_MARK, "round": table.previous.title}, "box bold"))
    else:
        items.append((_("No earlier round: no change marked"), "box"))
    if scope.picks_pairs:
        items.append((_("Empty: left out by the filters"), "box"))
    return items


def _write_matrix(sheet: Sheet, table: PlanTable, scope: Scope):
    first = len(MATRIX_COLUMNS) + 1
    legend = _legend(table, scope)
    sheet.widths({column: width for column, (_label, width) in enumerate(MATRIX_COLUMNS, start=1)})
    sheet.widths({column: COUNTRY_WIDTH for column in range(first, first + max(len(table.countries), len(legend)))})
    ws = sheet.ws
    ws.set_row(1, 48)
    ws.set_row(3, 32)
    ws.freeze_panes(MATRIX_HEADER_ROW, 1)  # B6
    _landscape_one_page_wide(ws)
    sheet.append([sheet.cell(f"{table.plan.title}: {table.round.title}", "title")])
    sheet.append([None] * (first - 2) + [sheet.cell(_("Legend"), "legend")]
                 + [sheet.cell(label, style) for label, style in legend])
    sheet.append([])
    sheet.append([None] * (first - 1) + [sheet.cell(country.local_name, "country name") for country in table.countries])
    sheet.append(sheet.header([label for label, _width in MATRIX_COLUMNS] + [c.code for c in table.countries]))
    names = labels()
    for row in table.rows:
        sheet.append(_activity_cells(sheet, row, names)
                     + [_status_cell(sheet, cell, names) for cell in row.cells])
    last_column = len(MATRIX_COLUMNS) + len(table.countries) - 1
    ws.autofilter(MATRIX_HEADER_ROW - 1, 0, MATRIX_HEADER_ROW - 1 + len(table.rows), last_column)
    ws.repeat_rows(3, MATRIX_HEADER_ROW - 1)  # rows 4 and 5 on every printed page


def _activity_cells(sheet: Sheet, row, names: dict) -> list:
    activity = row.activity
    values = (activity.code, activity.text, priority_label(activity, blank=True, names=names),
              group_label(activity, titled=False), activity.actor, activity.timeline, activity.budget)
    planned, mobilised = row_planned(row), row_mobilised(row)
    # A budget that prints no amount stays an empty cell: unknown, never 0.
    return [sheet.cell(value, "text") for value in values] + [
        sheet.cell(None if planned.planned_unknown else planned.planned_usd, "usd"),
        sheet.cell(mobilised.mobilised_usd if mobilised.reports else None, "usd")]


def _status_cell(sheet: Sheet, pair: Pair | None, names: dict) -> Styled:
    if pair is None:
        return sheet.cell(names["does not apply"], "does not apply")
    if not pair.selected:
        return sheet.cell(None, "box")
    if pair.changed:
        return sheet.cell(f"{names['status'][pair.status]} {CHANGED_MARK}", f"status {pair.status} changed")
    return sheet.cell(names["status"][pair.status], f"status {pair.status}")


def _landscape_one_page_wide(ws):
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)  # one page wide, as many pages down as it takes


# Details -----------------------------------------------------------------------------------------

DETAILS_STYLES = {"activity_text": "text", "narrative": "text", "obstacles": "text", "evidence": "text",
                  "updated_at": "time", "funds_amount": "amount", "funds_usd": "amount"}


def _start_details(sheet: Sheet):
    sheet.widths(dict(enumerate(DETAILS_WIDTHS, start=1)))
    sheet.ws.freeze_panes(1, 0)  # A2
    _landscape_one_page_wide(sheet.ws)
    sheet.append(sheet.header(DETAILS_HEADER))


def _write_details(sheet: Sheet, rows):
    # The hot loop of a big export: each column's format looked up once, each value written straight.
    columns = [(column, name, sheet.formats[DETAILS_STYLES[name]] if name in DETAILS_STYLES else None)
               for column, name in enumerate(DETAILS_FIELDS)]
    write, row_number = sheet.write, sheet.row
    for row in rows:
        row["updated_at"] = row["updated_at"].replace(tzinfo=None)  # Excel has no time zones
        for column, name, cell_format in columns:
            write(row_number, column, row[name], cell_format)
        row_number += 1
    sheet.row = row_number


def _end_details(sheet: Sheet):
    sheet.ws.autofilter(0, 0, sheet.row - 1, len(DETAILS_FIELDS) - 1)
    sheet.ws.repeat_rows(0)
