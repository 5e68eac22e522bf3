"""The Details rows (one per activity × country pair): the values of the sheet, and the CSV and JSON files."""
from __future__ import annotations

import csv
import datetime
import io

from django.utils import timezone

from ..models import ReportingRound
from .columns import DETAILS_FIELDS, DETAILS_HEADER, labels
from .tables import Pair, PlanTable, ProgressTables


# --- Details rows (the sheet, the CSV and the JSON) -----------------------------------------------

def _local(moment: datetime.datetime, zone=None) -> datetime.datetime:
    """The site's local time, to the second (what the sheet, the CSV and the JSON agree on)."""
    return moment.astimezone(zone or timezone.get_current_timezone()).replace(microsecond=0)


def _excel_time(moment: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: a real date-time in the site's local time."""
    return _local(moment).replace(tzinfo=None)


def detail_values(pair: Pair, round: ReportingRound, names: dict, zone) -> dict:
    """One progress report as the Details sheet shows it, keyed by DETAILS_FIELDS."""
    report, activity, country = pair.report, pair.activity, pair.country
    return {
        "plan": activity.plan.short_title,
        "activity_code": activity.code,
        "activity_text": activity.text,
        "country": country.code,
        "country_name": country.local_name,
        "round": round.title,
        "status": names["status"][report.status],
        "narrative": report.narrative,
        "obstacles": report.obstacles,
        "expected_year": report.expected_year,
        "funds_amount": report.funds_amount,
        "funds_currency": report.funds_currency,
        "funds_usd": report.funds_usd,
        "funds_source": names["funds_source"][report.funds_source],
        "funds_funder": report.funds_funder,
        "evidence": "\n".join(report.evidence),
        "updated_by": report.updated_by or "",
        "updated_at": _local(report.updated_at, zone),
        "state": names["state"][report.state],
    }


def details(tables: ProgressTables):
    """Every exported progress report: by plan, in document order, then by country code."""
    for table in tables.each_table():
        yield from table_details(table)
        del table  # before the next plan is read


def table_details(table: PlanTable, names: dict | None = None, zone=None):
    """The Details rows of one plan."""
    names, zone = names or labels(), zone or timezone.get_current_timezone()
    for pair in table.pairs():
        if pair.report is not None:
            yield detail_values(pair, table.round, names, zone)


CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV injection advice)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value


def details_csv(tables: ProgressTables) -> bytes:
    """The Details rows as CSV, UTF-8 with a byte-order mark: Excel then reads Cyrillic and diacritics right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for label in DETAILS_HEADER])
    for row in details(tables):
        row["updated_at"] = row["updated_at"].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([_csv_value(row[name]) for name in DETAILS_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def details_json(tables: ProgressTables) -> list[dict]:
    """The Details rows keyed by DETAILS_FIELDS; evidence as a list, the time in ISO 8601 with its offset."""
    rows = []
    for row in details(tables):
        row["evidence"] = row["evidence"].split("\n") if row["evidence"] else []
        for name in ("funds_amount", "funds_usd"):  # amounts as the API gives them: "12500.50", never a float
            row[name] = None if row[name] is None else str(row[name])
        row["updated_at"] = row["updated_at"].isoformat()
        rows.append(row)
    return rows


