"""The Secretariat's progress tables: a workbook (Summary, a Matrix per plan, Details) and the
Details rows as CSV and JSON.

What is exported is what the lists show. Activities are picked by the activity list's own
ActivityFilterSet (plan, country, conservation_unit, priority_level, section, objective, ...);
reports start from ``selectors.progress_queryset(user)``, so an anonymous visitor exports validated
reports only. The progress filters (status with ``no_information``, state, updated_since, search)
then pick activity × country pairs, so that "No information" can be asked for like any status.
Only public evidence is exported, whoever asks: an export file travels further than a page.
"""
from __future__ import annotations

import csv
import datetime
import functools
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import Activity
from conservation_units.models import Country

from . import rules
from .filtersets import ExportProgressFilterSet, ProgressReportFilterSet
from .models import CountryReport, Evidence, ProgressReport, ReportingRound
from .selectors import NO_INFORMATION, Tally, activity_country_pairs, progress_queryset

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


# --- Which rows: the request's filters ----------------------------------------------------------

# ModelChoiceFilter says "Select a valid choice", which names neither the parameter's meaning nor the value.
UNKNOWN_VALUE = {
    "plan": gettext_lazy("There is no plan “%(value)s”."),
    "country": gettext_lazy("There is no country with the ISO code “%(value)s”."),
}


@dataclass
class Scope:
    """The filters of one export, checked."""

    activities: object  # Activity queryset picked by the activity filters
    plan: object
    plan_id: int | None
    country: Country | None
    round: ReportingRound | None
    statuses: set
    states: set
    updated_since: datetime.datetime | None
    search: str
    given: list  # (parameter, values) as the request gave them, for the Summary

    @property
    def picks_pairs(self) -> bool:
        """Whether some activity × country pairs are left out by the progress filters."""
        return bool(self.statuses or self.states or self.updated_since or self.search)


def _as_querydict(params) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        data.setlist(key, [str(v) for v in values if v is not None])
    return data


def _activity_rows():
    """Activities with what the Matrix and the Summary show, in one query (countries: see _applies)."""
    return (
        Activity.objects.select_related("plan", "conservation_unit", "objective", "section", "theme", "result")
        .order_by("plan__slug", "position")
    )


def export_scope(params) -> Scope:
    """Check the parameters; a bad one raises ValidationError naming it."""
    data = _as_querydict(params).copy()
    if data.get("country"):
        data["country"] = data["country"].upper()  # kz as KZ, as in the country pages' addresses
    activity_data = data.copy()
    activity_data.pop("search", None)  # searched per pair below: the activity's words or the report's
    activity_filters = ActivityFilterSet(data=activity_data, queryset=_activity_rows())
    form = ExportProgressFilterSet(data=data).form
    errors = {}
    if not activity_filters.is_valid():
        for name, messages in activity_filters.errors.items():
            errors[name] = [UNKNOWN_VALUE[name] % {"value": data.get(name)}] if name in UNKNOWN_VALUE else messages
    if not form.is_valid():
        errors.update(form.errors)
    if errors:
        raise ValidationError({name: list(messages) for name, messages in errors.items()})
    cleaned, progress = activity_filters.form.cleaned_data, form.cleaned_data
    round, plan = progress["round"], cleaned.get("plan")
    if round and plan and round.plan_id != plan.pk:
        raise ValidationError({"round": [_("Round %(round)s is not a round of %(plan)s.") % {
            "round": round.pk, "plan": plan}]})
    activities = activity_filters.qs
    if progress["activity"]:
        activities = activities.filter(pk=progress["activity"])
    known = set(activity_filters.filters) | set(ExportProgressFilterSet.base_filters)
    given = [(key, [v for v in data.getlist(key) if v.strip()]) for key in data if key in known]
    return Scope(
        activities=activities, plan=plan, plan_id=int(cleaned["plan_id"]) if cleaned.get("plan_id") else None,
        country=cleaned.get("country"), round=round, statuses=set(progress["status"]), states=set(progress["state"]),
        updated_since=progress["updated_since"], search=progress["search"],
        given=[(key, values) for key, values in given if values],
    )


# --- The tables: plans, rounds, activity × country pairs --------------------------------------------

@dataclass(slots=True)
class ReportRow:
    """What an export shows of one progress report, read as plain values: an export reads tens of
    thousands, and a model instance (with its country report, round, plan...) per report costs ten times more."""

    id: int
    activity_id: int
    country_id: int
    round_id: int
    state: str
    status: str
    narrative: str
    obstacles: str
    expected_year: int | None
    carried_over: bool
    updated_at: datetime.datetime
    updated_by: str | None
    search_hit: bool = False
    evidence: list = field(default_factory=list)  # URLs of its public evidence


REPORT_VALUES = {
    "id": "id", "activity_id": "activity_id", "country_id": "country_report__country_id",
    "round_id": "country_report__round_id", "state": "country_report__state", "status": "status",
    "narrative": "narrative", "obstacles": "obstacles", "expected_year": "expected_year",
    "carried_over": "carried_over", "updated_at": "updated_at", "updated_by": "updated_by__username",
}


@dataclass(slots=True)
class Pair:
    """One activity in one country: its report in the exported round (or none), and the status before."""

    activity: Activity
    country: Country
    report: ReportRow | None
    previous_status: str | None  # None: the plan has no earlier round to compare with
    selected: bool = True

    @property
    def status(self) -> str:
        return self.report.status if self.report else NO_INFORMATION

    @property
    def changed(self) -> bool:
        return self.previous_status is not None and self.previous_status != self.status


@dataclass
class MatrixRow:
    activity: Activity
    cells: list  # per country column: a Pair, or None where the activity does not apply


@dataclass
class PlanTable:
    plan: object
    round: ReportingRound
    previous: ReportingRound | None
    countries: list
    rows: list[MatrixRow] = field(default_factory=list)

    def pairs(self):
        """The pairs the filters keep, in document order and by country."""
        for row in self.rows:
            yield from (cell for cell in row.cells if cell is not None and cell.selected)


@dataclass
class ProgressTables:
    user: object
    scope: Scope
    tables: list[PlanTable]
    made_at: datetime.datetime


def _chosen_rounds(scope: Scope) -> list[tuple[ReportingRound, ReportingRound | None]]:
    """Per plan: the round asked for or else the latest, and the round before it (if any)."""
    rounds = (
        ReportingRound.objects.select_related("plan")
        .prefetch_related(Prefetch("plan__range_states", queryset=Country.objects.order_by("code")))
        .order_by("plan__slug", "opens_on", "id")
    )
    if scope.plan:
        rounds = rounds.filter(plan=scope.plan)
    if scope.plan_id:
        rounds = rounds.filter(plan_id=scope.plan_id)
    if scope.round:
        rounds = rounds.filter(plan_id=scope.round.plan_id)
    if scope.country:
        rounds = rounds.filter(plan__range_states=scope.country)
    by_plan: dict[int, list] = {}
    for round in rounds:
        by_plan.setdefault(round.plan_id, []).append(round)
    chosen = []
    for plan_rounds in by_plan.values():
        index = len(plan_rounds) - 1
        if scope.round:
            index = next(i for i, round in enumerate(plan_rounds) if round.pk == scope.round.pk)
        chosen.append((plan_rounds[index], plan_rounds[index - 1] if index else None))
    return chosen


def _reports(user, scope: Scope, round_ids: list[int]):
    """The reports of the rounds the user may read, for the activities the filters picked."""
    reports = progress_queryset(user).prefetch_related(None).filter(
        country_report__round__in=round_ids, activity__in=scope.activities.values("pk"))
    if scope.country:
        reports = reports.filter(country_report__country=scope.country)
    return reports


def _current_reports(user, scope: Scope, round_ids: list[int]) -> dict:
    """{(round, activity, country): ReportRow}, each with its public evidence."""
    reports = _reports(user, scope, round_ids)
    names = list(REPORT_VALUES)
    paths = list(REPORT_VALUES.values())
    if scope.search:
        # The progress list's search: the activity's code and text, the narrative and obstacles.
        hits = ProgressReportFilterSet(data={"search": scope.search}, queryset=ProgressReport.objects.all()).qs
        reports = reports.annotate(search_hit=Exists(hits.filter(pk=OuterRef("pk"))))
        names.append("search_hit")
        paths.append("search_hit")
    rows = {}
    for values in reports.values_list(*paths):
        row = ReportRow(**dict(zip(names, values)))
        rows[row.round_id, row.activity_id, row.country_id] = row
    by_id = {row.id: row for row in rows.values()}
    for report_id, url in _public_evidence(user, reports):
        by_id[report_id].evidence.append(url)
    return rows


def _public_evidence(user, reports):
    """(report id, URL) of each piece of public evidence: links as given, files by their download address.

    The selector's evidence prefetch is not used: restricted evidence is never even loaded."""
    site = settings.SITE_URL.rstrip("/")
    evidence = (
        Evidence.objects.visible_to(user)
        .filter(visibility=Evidence.Visibility.PUBLIC, progress_report__in=reports.values("pk"))
        .order_by("added_at", "id").values_list("progress_report_id", "pk", "kind", "url")
    )
    for report_id, pk, kind, url in evidence:
        yield report_id, url if kind == Evidence.Kind.LINK else site + reverse("reporting:evidence_download", args=[pk])


def _previous_statuses(user, scope: Scope, round_ids: list[int]) -> dict:
    if not round_ids:
        return {}
    rows = _reports(user, scope, round_ids).values_list(
        "country_report__round_id", "activity_id", "country_report__country_id", "status")
    return {(round_id, activity_id, country_id): status for round_id, activity_id, country_id, status in rows}


def _activities(scope: Scope, plan_ids: list[int]) -> list[Activity]:
    activities = scope.activities.filter(plan__in=plan_ids)
    if scope.search:
        # The activity list's search: code, text, actor, indicator.
        hits = ActivityFilterSet(data={"search": scope.search}, queryset=Activity.objects.all()).qs
        activities = activities.annotate(search_hit=Exists(hits.filter(pk=OuterRef("pk"))))
    return list(activities)


def _applies(scope: Scope, plan_ids: list[int]) -> dict[int, set]:
    """{activity id: ids of the countries it applies to}, as plain ids rather than a Country per pair:
    the pairs the dashboards and the home page count (selectors.activity_country_pairs)."""
    pairs = activity_country_pairs(activities=scope.activities.filter(plan__in=plan_ids))
    applies: dict[int, set] = {}
    for activity_id, country_id in pairs.values_list("activity_id", "country_id"):
        applies.setdefault(activity_id, set()).add(country_id)
    return applies


def _keeps(scope: Scope, pair: Pair) -> bool:
    report = pair.report
    if scope.statuses and pair.status not in scope.statuses:
        return False
    if scope.states and (report is None or report.state not in scope.states):
        return False
    if scope.updated_since and (report is None or report.updated_at < scope.updated_since):
        return False
    if scope.search and not (pair.activity.search_hit or (report is not None and report.search_hit)):
        return False
    return True


def _fill_table(table: PlanTable, activities, applies: dict, scope: Scope, current: dict, previous: dict):
    round_id, previous_id = table.round.pk, table.previous.pk if table.previous else None
    columns = [(country, country.pk) for country in table.countries]  # .pk is slow over 100,000 pairs
    for activity in activities:
        activity_id = activity.id
        countries = applies.get(activity_id, ())
        cells = []
        for country, country_id in columns:
            if country_id not in countries:
                cells.append(None)
                continue
            before = previous.get((previous_id, activity_id, country_id), NO_INFORMATION) if previous_id else None
            pair = Pair(activity, country, current.get((round_id, activity_id, country_id)), before)
            pair.selected = _keeps(scope, pair)
            cells.append(pair)
        if any(cell is not None and cell.selected for cell in cells):
            table.rows.append(MatrixRow(activity, cells))


def progress_tables(*, user, params) -> ProgressTables:
    """Everything an export shows, read in a constant number of queries (see the tests)."""
    scope = export_scope(params)
    chosen = _chosen_rounds(scope)
    plan_ids = [round.plan_id for round, _previous in chosen]
    current = _current_reports(user, scope, [round.pk for round, _previous in chosen])
    previous = _previous_statuses(user, scope, [prev.pk for _round, prev in chosen if prev])
    applies = _applies(scope, plan_ids)
    by_plan: dict[int, list] = {plan_id: [] for plan_id in plan_ids}
    for activity in _activities(scope, plan_ids):
        by_plan[activity.plan_id].append(activity)
    tables = []
    for round, prev in chosen:
        countries = [c for c in round.plan.range_states.all() if scope.country is None or c.pk == scope.country.pk]
        table = PlanTable(round.plan, round, prev, countries)
        _fill_table(table, by_plan[round.plan_id], applies, scope, current, previous)
        tables.append(table)
    return ProgressTables(user, scope, tables, timezone.now())


# --- Summary figures ------------------------------------------------------------------------------

def group_label(activity: Activity, titled: bool = True) -> str:
    """The element an activity is counted under: its unit, else its objective, else its section
    ("Objective 1 — To increase ...", or only "Objective 1" where rows must stay short)."""
    if activity.conservation_unit_id:
        return str(activity.conservation_unit)
    element = activity.objective or activity.section or activity.result or activity.theme
    if element is None:
        return "—"
    return f"{element} — {element.title}" if titled else str(element)


def priority_label(activity: Activity, blank: bool = False, names: dict | None = None) -> str:
    if activity.priority_level:
        return (names or labels())["priority"][activity.priority_level]
    return "" if blank else _("No priority level")


@dataclass
class CountryFigures:
    """A country's line of the Summary, counted by the dashboards' Tally (so reported as they count it)."""

    country: Country
    tally: Tally = field(default_factory=Tally)

    @property
    def activities(self) -> int:
        return self.tally.total

    @property
    def reported(self) -> int:
        return self.tally.reported

    @property
    def carried_over(self) -> int:
        return self.tally.carried

    @property
    def no_information(self) -> int:
        return self.tally.counts[NO_INFORMATION]

    @property
    def validated(self) -> int:
        return self.tally.validated


@dataclass
class PlanSummary:
    table: PlanTable
    activities: int
    by_status: Counter
    by_country: list[CountryFigures]
    by_priority: dict  # label -> Counter of statuses, in the order High, Medium, Low, none
    by_group: dict  # label -> Counter of statuses, in document order
    changed: int
    before: Counter  # statuses of the same pairs in the previous round

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def plan_summary(table: PlanTable) -> PlanSummary:
    figures = {country.pk: CountryFigures(country) for country in table.countries}
    by_status, before = Counter(), Counter()
    names = labels()
    priorities = {label: Counter() for label in (*names["priority"].values(), _("No priority level"))}
    groups: dict[str, Counter] = {}
    changed = 0
    for row in table.rows:
        # Labels once per activity, not per country: they cost a translation look-up each.
        priority = priorities[priority_label(row.activity, names=names)]
        group = groups.setdefault(group_label(row.activity), Counter())
        for pair in row.cells:
            if pair is None or not pair.selected:
                continue
            by_status[pair.status] += 1
            priority[pair.status] += 1
            group[pair.status] += 1
            _count_country(figures[pair.country.pk], pair)
            if pair.previous_status is not None:
                before[pair.previous_status] += 1
                changed += pair.changed
    return PlanSummary(
        table, len(table.rows), by_status, list(figures.values()),
        {label: counts for label, counts in priorities.items() if counts}, groups, changed, before,
    )


def _count_country(figures: CountryFigures, pair: Pair):
    report = pair.report
    if report is None:
        figures.tally.count(NO_INFORMATION, None, None)
    else:
        figures.tally.count(report.status, report.carried_over, report.state)


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
        "country_name": country.name,
        "round": round.title,
        "status": names["status"][report.status],
        "narrative": report.narrative,
        "obstacles": report.obstacles,
        "expected_year": report.expected_year,
        "evidence": "\n".join(report.evidence),
        "updated_by": report.updated_by or "",
        "updated_at": _local(report.updated_at, zone),
        "state": names["state"][report.state],
    }


def details(tables: ProgressTables):
    """Every exported progress report: by plan, in document order, then by country code."""
    names, zone = labels(), timezone.get_current_timezone()
    for table in tables.tables:
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
        row["updated_at"] = row["updated_at"].isoformat()
        rows.append(row)
    return rows


# --- The workbook ---------------------------------------------------------------------------------

SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
THIN = Side(style="thin", color="FF999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(wrap_text=True, horizontal="center", vertical="center")
TIME_FORMAT = "yyyy-mm-dd hh:mm"
CELL_MAX = 32767


def _styles() -> dict[str, NamedStyle]:
    """Every look of the workbook, as named styles (they also show in Excel's style gallery)."""
    styles = {
        "title": {"font": Font(bold=True, size=14)},
        "heading": {"font": Font(bold=True, size=12)},
        "bold": {"font": Font(bold=True)},
        "header": {"font": Font(bold=True), "fill": PatternFill("solid", start_color="FFDDEBF7"),
                   "alignment": WRAP, "border": BOX},
        "text": {"alignment": WRAP},
        "time": {"number_format": TIME_FORMAT, "alignment": WRAP},
        "percent": {"number_format": "0.0%"},
        "percent bold": {"number_format": "0.0%", "font": Font(bold=True)},
        "legend": {"font": Font(bold=True), "alignment": Alignment(horizontal="right", vertical="center")},
        "country name": {"font": Font(italic=True), "alignment": CENTRED},
        "box": {"border": BOX, "alignment": CENTRED},
        "box bold": {"border": BOX, "alignment": CENTRED, "font": Font(bold=True)},
        "does not apply": {"fill": PatternFill("solid", start_color=rules.excel_fill_colour(rules.DOES_NOT_APPLY_COLOUR, 1)), "border": BOX,
                           "alignment": CENTRED},
    }
    for status, colour in rules.STATUS_COLOURS.items():  # light tints of the dashboards' colours
        fill = PatternFill("solid", start_color=rules.excel_fill_colour(colour))
        styles[f"status {status}"] = {"fill": fill, "border": BOX, "alignment": CENTRED}
        styles[f"status {status} changed"] = {"fill": fill, "border": BOX, "alignment": CENTRED,
                                              "font": Font(bold=True)}
    return {key: NamedStyle(name=f"CAMI {key}", **attributes) for key, attributes in styles.items()}


def _safe(value):
    """Text as a cell may hold it: no control characters (pasted from word processors), at most 32,767
    characters; either would otherwise break the export or make Excel repair the file."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= CELL_MAX else value[:CELL_MAX - 1] + "…"


class Sheet:
    """A write-only worksheet whose cells hold only safe values and take the workbook's styles cheaply."""

    def __init__(self, ws, styles: dict):
        self.ws = ws
        self._styles = styles  # key -> the named style's array of font, fill, border... ids

    def cell(self, value, style: str | None = None) -> Cell:
        # A cell built on the style's array skips openpyxl's search of the style by name, cell after cell.
        cell = Cell(self.ws, row=1, column=1, value=_safe(value),
                    style_array=self._styles[style] if style else None)
        if cell.data_type == "f":
            cell.data_type = "s"  # a narrative that starts with "=" is text, never a formula to run
        return cell

    def append(self, values):
        self.ws.append([self.cell(value) if isinstance(value, str) and value.startswith("=") else _safe(value)
                        for value in values])

    def header(self, texts) -> list:
        return [self.cell(str(text), "header") for text in texts]

    def widths(self, widths: dict):
        for column, width in widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width


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
    # Write-only mode streams rows to the file: a big Details sheet never sits in memory as cells.
    workbook = Workbook(write_only=True)
    styles = {}
    for key, style in _styles().items():
        workbook.add_named_style(style)
        styles[key] = style.as_tuple()
    used: set = set()

    def sheet(title: str) -> Sheet:
        return Sheet(workbook.create_sheet(sheet_title(title, used)), styles)

    _write_summary(sheet(_("Summary")), tables)
    for table in tables.tables:
        _write_matrix(sheet(_("Matrix %(plan)s") % {"plan": table.plan.short_title}), table, tables.scope)
    _write_details(sheet(_("Details")), tables)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
    parts.append(timezone.localdate(tables.made_at).isoformat())
    return "-".join(parts) + f".{extension}"


# Summary -----------------------------------------------------------------------------------------

def _write_summary(sheet: Sheet, tables: ProgressTables):
    sheet.widths({1: 50, **{column: 16 for column in range(2, 10)}})
    sheet.append([sheet.cell(_("CAMI action plans: progress tables"), "title")])
    for label, value in _about(sheet, tables):
        sheet.append([sheet.cell(label, "bold"), value])
    if not tables.tables:
        sheet.append([])
        sheet.append([_("No plan with a reporting round matches these filters.")])
    for table in tables.tables:
        _write_plan_summary(sheet, plan_summary(table))


def _about(sheet: Sheet, tables: ProgressTables) -> list:
    user = tables.user
    filters = "; ".join(f"{key}={', '.join(values)}" for key, values in tables.scope.given) or _("none")
    return [
        (_("Exported"), sheet.cell(_excel_time(tables.made_at), "time")),
        (_("Exported by"), user.get_username() if user.is_authenticated else _("anonymous visitor")),
        (_("Reports included"), _("every report you may read (draft, submitted, returned, validated)")
         if user.is_authenticated else _("validated reports only")),
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
        sheet.append([figures.country.name, figures.country.code, figures.activities, figures.reported,
                      figures.carried_over, figures.no_information, figures.validated])


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
    # Write-only mode writes panes and page properties with the first row, a row's height with the row.
    ws = sheet.ws
    ws.row_dimensions[2].height = 48
    ws.row_dimensions[4].height = 32
    ws.freeze_panes = f"B{MATRIX_HEADER_ROW + 1}"
    _landscape_one_page_wide(ws)
    sheet.append([sheet.cell(f"{table.plan.title}: {table.round.title}", "title")])
    sheet.append([None] * (first - 2) + [sheet.cell(_("Legend"), "legend")]
                 + [sheet.cell(label, style) for label, style in legend])
    sheet.append([])
    sheet.append([None] * (first - 1) + [sheet.cell(country.name, "country name") for country in table.countries])
    sheet.append(sheet.header([label for label, _width in MATRIX_COLUMNS] + [c.code for c in table.countries]))
    names = labels()
    for row in table.rows:
        sheet.append(_activity_cells(sheet, row.activity, names)
                     + [_status_cell(sheet, cell, names) for cell in row.cells])
    last_column = get_column_letter(len(MATRIX_COLUMNS) + len(table.countries))
    ws.auto_filter.ref = f"A{MATRIX_HEADER_ROW}:{last_column}{MATRIX_HEADER_ROW + len(table.rows)}"
    ws.print_title_rows = f"4:{MATRIX_HEADER_ROW}"


def _activity_cells(sheet: Sheet, activity: Activity, names: dict) -> list:
    values = (activity.code, activity.text, priority_label(activity, blank=True, names=names),
              group_label(activity, titled=False), activity.actor, activity.timeline)
    return [sheet.cell(value, "text") for value in values]


def _status_cell(sheet: Sheet, pair: Pair | None, names: dict) -> Cell:
    if pair is None:
        return sheet.cell(names["does not apply"], "does not apply")
    if not pair.selected:
        return sheet.cell(None, "box")
    if pair.changed:
        return sheet.cell(f"{names['status'][pair.status]} {CHANGED_MARK}", f"status {pair.status} changed")
    return sheet.cell(names["status"][pair.status], f"status {pair.status}")


def _landscape_one_page_wide(ws):
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# Details -----------------------------------------------------------------------------------------

DETAILS_STYLES = {"activity_text": "text", "narrative": "text", "obstacles": "text", "evidence": "text",
                  "updated_at": "time"}


def _write_details(sheet: Sheet, tables: ProgressTables):
    sheet.widths(dict(enumerate(DETAILS_WIDTHS, start=1)))
    sheet.ws.freeze_panes = "A2"
    _landscape_one_page_wide(sheet.ws)
    sheet.append(sheet.header(DETAILS_HEADER))
    count = 0
    for row in details(tables):
        row["updated_at"] = row["updated_at"].replace(tzinfo=None)  # Excel has no time zones
        sheet.append([sheet.cell(row[name], DETAILS_STYLES[name]) if name in DETAILS_STYLES else row[name]
                      for name in DETAILS_FIELDS])
        count += 1
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(DETAILS_FIELDS))}{count + 1}"
    sheet.ws.print_title_rows = "1:1"
