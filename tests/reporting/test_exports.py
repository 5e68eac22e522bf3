"""The Secretariat's progress tables (reporting/exports.py): the workbook read back cell by cell,
the CSV and JSON, the browser and API downloads, who gets what, and constant export queries.

The data: two rounds of the `world` plan. Round 1 ("2026 report", closed): Testland QZ's unit measure
2.1 in progress, measure 2.2 completed in Testland QZ and not started in Testland QR. Round 2 ("2027 report",
open, carrying those over): Testland QZ completes 2.1, Testland QR reports the new measure 2.3 as ongoing and
its report is validated; nobody reports 2.3 for Testland QZ. Matrix columns: QR, QZ.
"""
import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting import exports, rules, services
from reporting.exports import DETAILS_FIELDS, DETAILS_HEADER, progress_workbook
from reporting.models import CountryReport, ProgressReport, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActionPlanFactory, ActivityFactory

XLSX_URL = "/exports/progress.xlsx"
CSV_URL = "/exports/progress.csv"
API_XLSX, API_CSV, API_JSON = ("/api/v1/exports/progress.xlsx", "/api/v1/exports/progress.csv",
                               "/api/v1/exports/progress.json")
HEADER_ROW = 5  # Matrix: title, legend, (blank), country names, header
FIRST_COUNTRY_COLUMN = 10  # Matrix: code, activity, priority, unit/objective, actor, timeline, budget as printed,
# planned and mobilised in USD, then countries


def record(round, activity, country, user, status, **values):
    return services.progress_report_record(round=round, activity=activity, country=country, user=user,
                                           values=ProgressInput(status=status, **values))


@pytest.fixture
def rounds(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://tracker.example.org"
    kz, ir, sec = world["kz"], world["ir"], world["secretariat"]
    third = ActivityFactory(plan=world["plan"], result=None, section=world["in_unit"].section, code="2.3",
                            kind="measure", priority="3", priority_scale="rank", priority_level="low",
                            text="Count argali every winter", actor="Scientists", timeline="2027",
                            countries=[kz, ir])
    first = world["round"]
    record(first, world["in_unit"], kz, world["focal_kz"], "in_progress", narrative="Patrols started")
    record(first, world["everywhere"], kz, world["focal_kz"], "completed", narrative="Rangers trained")
    record(first, world["everywhere"], ir, world["focal_ir"], "not_started")
    services.round_close(round=first, closed_by=sec)
    second = services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                 due_on=datetime.date(2027, 12, 31), opened_by=sec)
    done = record(second, world["in_unit"], kz, world["focal_kz"], "completed",
                  narrative="Patrols across the border — Қазақстан", expected_year=2027)
    link = services.evidence_add(report=done, user=world["focal_kz"], title="Patrol log", visibility="public",
                                 url="https://example.org/patrol-log")
    services.evidence_add(report=done, user=world["focal_kz"], title="Den sites", visibility="restricted",
                          url="https://example.org/den-sites")
    pdf = services.evidence_add(report=done, user=world["focal_kz"], title="Report", visibility="public",
                                file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 test"))
    record(second, third, ir, world["focal_ir"], "ongoing", narrative="Counts every winter")
    iran = CountryReport.objects.get(round=second, country=ir)
    services.country_report_submit(country_report=iran, user=world["focal_ir"])
    services.country_report_validate(country_report=iran, user=sec)
    return {**world, "first": first, "second": second, "third": third, "done": done, "link": link, "pdf": pdf}


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def export(user, **params) -> openpyxl.Workbook:
    """The export of the working copies for signed-in users (the default is the published versions)."""
    if user.is_authenticated:
        params.setdefault("version", "working")
    return workbook(progress_workbook(user=user, params=params))


def matrix_sheet(book):
    [name] = [name for name in book.sheetnames if name.startswith("Matrix")]
    return book[name]


def matrix_cells(ws) -> dict:
    """{(activity code, ISO code): cell} of a Matrix sheet."""
    codes = {column: ws.cell(HEADER_ROW, column).value for column in range(FIRST_COUNTRY_COLUMN, ws.max_column + 1)
             if ws.cell(HEADER_ROW, column).value}
    return {(ws.cell(row, 1).value, iso): ws.cell(row, column)
            for row in range(HEADER_ROW + 1, ws.max_row + 1) for column, iso in codes.items()}


def legend(ws) -> dict:
    """{label: cell} of the legend drawn on a Matrix sheet."""
    return {cell.value: cell for cell in ws[2][FIRST_COUNTRY_COLUMN - 1:] if cell.value}


def block(ws, heading) -> dict:
    """The table under a header row whose first cell reads `heading`: {first cell: the other cells}."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == heading)
    table = {}
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        table[row[0]] = row[1:]
    return table


def details(book) -> list[dict]:
    rows = list(book["Details"].iter_rows(values_only=True))
    assert rows[0] == tuple(str(label) for label in DETAILS_HEADER)
    return [dict(zip(DETAILS_FIELDS, row)) for row in rows[1:]]


# --- The Matrix -----------------------------------------------------------------------------------

def test_matrix_shows_each_status_in_its_legend_colour_and_grey_where_an_activity_does_not_apply(rounds):
    ws = matrix_sheet(export(rounds["secretariat"]))
    cells, key = matrix_cells(ws), legend(ws)
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 12)] == [
        "Code", "Activity", "Priority", "Conservation unit / objective", "Actor", "Timeline", "Budget (as printed)",
        "Planned (USD)", "Mobilised this round (USD)", "QR", "QZ"]
    assert [ws.cell(4, c).value for c in (10, 11)] == ["Testland QR", "Testland QZ"]
    assert [ws.cell(row, 1).value for row in range(HEADER_ROW + 1, ws.max_row + 1)] == ["2.1", "2.2", "2.3"]
    assert [ws.cell(HEADER_ROW + 1, c).value for c in (2, 3, 4)] == [
        "Collaborate across borders", "High", "1) Western Tien Shan"]
    assert ws.cell(HEADER_ROW + 2, 4).value == "Section 2.0"  # no unit: the section, its title in the Summary
    expected = {("2.2", "QR"): "Not started", ("2.2", "QZ"): "Completed", ("2.3", "QZ"): "No information"}
    for (code, iso), label in expected.items():
        cell = cells[code, iso]
        assert cell.value == label
        assert cell.fill.fgColor.rgb == key[label].fill.fgColor.rgb
    not_applicable = cells["2.1", "QR"]
    assert not_applicable.value == "n/a"
    assert not_applicable.fill.fgColor.rgb == key["n/a: the activity does not apply to the country"].fill.fgColor.rgb
    fills = {key[exports.status_label(status)].fill.fgColor.rgb for status in exports.STATUS_ORDER}
    assert len(fills) == len(exports.STATUS_ORDER)
    assert not_applicable.fill.fgColor.rgb not in fills


def test_matrix_colours_are_tints_of_the_dashboards_status_colours(rounds):
    key = legend(matrix_sheet(export(rounds["secretariat"])))
    for status in exports.STATUS_ORDER:
        assert key[exports.status_label(status)].fill.fgColor.rgb == rules.excel_fill_colour(rules.STATUS_COLOURS[status])


def test_matrix_marks_in_bold_with_a_triangle_what_changed_since_the_previous_round(rounds):
    ws = matrix_sheet(export(rounds["secretariat"]))
    cells, key = matrix_cells(ws), legend(ws)
    assert cells["2.1", "QZ"].value == "Completed ▲"  # was in progress
    assert cells["2.3", "QR"].value == "Ongoing (recurring) ▲"  # there was no report
    assert cells["2.1", "QZ"].fill.fgColor.rgb == key["Completed"].fill.fgColor.rgb
    changed = {position for position, cell in cells.items() if cell.font.b}
    assert changed == {("2.1", "QZ"), ("2.3", "QR")}
    assert key["Bold with ▲: status changed since 2026 report"].font.b


def test_first_round_has_nothing_to_compare_with(rounds):
    ws = matrix_sheet(export(rounds["secretariat"], round=rounds["first"].pk))
    cells = matrix_cells(ws)
    assert cells["2.1", "QZ"].value == "In progress"
    assert cells["2.3", "QR"].value == "No information"
    assert not any(cell.font.b for cell in cells.values())
    assert "No earlier round: no change marked" in legend(ws)


def test_matrix_is_frozen_filtered_and_prints_landscape_one_page_wide(rounds):
    ws = matrix_sheet(export(rounds["secretariat"]))
    assert ws.freeze_panes == "B6"
    assert ws.auto_filter.ref == "A5:K8"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$5"


def test_sheet_names_are_ones_excel_accepts(world):
    for _ in range(2):
        plan = ActionPlanFactory(short_title="Snow leopard: range-wide [draft] strategy / 2025*?",
                                 range_states=[world["kz"]])
        ActivityFactory(plan=plan, countries=[world["kz"]])
        ReportingRound.objects.create(plan=plan, edition=plan.current_edition,
                                      title="Round", opens_on=datetime.date(2026, 1, 1),
                                      due_on=datetime.date(2026, 6, 1))
    sheets = export(world["secretariat"]).sheetnames
    assert sheets[0] == "Summary" and sheets[-1] == "Details"
    assert len({name.casefold() for name in sheets}) == len(sheets) == 5
    for name in sheets:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    assert sheets[1:4] == ["Matrix Test plan", "Matrix Snow leopard  range-wide", "Matrix Snow leopard  range- (2)"]


# --- The Summary ----------------------------------------------------------------------------------

def test_summary_figures_equal_the_database(rounds):
    second = rounds["second"]
    ws = export(rounds["secretariat"])["Summary"]
    reports = ProgressReport.objects.filter(country_report__round=second)
    pairs = sum(activity.countries.count() for activity in rounds["plan"].activities.all())
    shares = block(ws, "Status")
    for status in ProgressReport.Status.values:
        label = exports.status_label(status)
        assert shares[label][0] == reports.filter(status=status).count(), label
        assert shares[label][1] == pytest.approx(reports.filter(status=status).count() / pairs)
    assert shares["No information"][0] == pairs - reports.count() == 1
    assert shares["Total"][0] == pairs == 5

    countries = block(ws, "By country")
    for country in (rounds["kz"], rounds["ir"]):
        own = reports.filter(country_report__country=country)
        assert countries[country.name][:6] == (
            country.code, rounds["plan"].activities.filter(countries=country).count(),
            own.filter(carried_over=False).count(), own.filter(carried_over=True).count(),
            rounds["plan"].activities.filter(countries=country).count() - own.count(),
            own.filter(country_report__state=CountryReport.State.VALIDATED).count(),
        )
    assert countries["Testland QR"][5] == 2  # both Testland QR reports are validated


def test_summary_counts_by_priority_and_by_unit_or_section(rounds):
    ws = export(rounds["secretariat"])["Summary"]
    # columns: No information, Not started, In progress, Completed, Ongoing, Not applicable, Total
    assert block(ws, "By priority level") == {
        "High": (0, 0, 0, 1, 0, 0, 1), "Medium": (0, 1, 0, 1, 0, 0, 2), "Low": (1, 0, 0, 0, 1, 0, 2)}
    assert block(ws, "By conservation unit, objective or section") == {
        "1) Western Tien Shan": (0, 0, 0, 1, 0, 0, 1), "Section 2.0 — Unit one": (1, 1, 0, 1, 1, 0, 4)}


def test_summary_shows_the_change_since_the_previous_round(rounds):
    change = block(export(rounds["secretariat"])["Summary"], "Change since the previous round")
    assert {label: values[:3] for label, values in change.items()} == {
        "Previous round": ("2026 report", None, None),
        "Pairs whose status changed": (2, None, None),
        "Status": ("2026 report", "2027 report", "Difference"),
        "No information": (2, 1, -1), "Not started": (1, 1, 0), "In progress": (1, 0, -1),
        "Completed": (1, 2, 1), "Ongoing (recurring)": (0, 1, 1), "Not applicable for this country": (0, 0, 0),
    }


# --- Filters --------------------------------------------------------------------------------------

def test_status_filter_keeps_the_pairs_asked_for_including_no_information(rounds):
    book = export(rounds["secretariat"], status=["no_information", "ongoing"])
    cells = matrix_cells(matrix_sheet(book))
    assert {code for code, _iso in cells} == {"2.3"}
    assert (cells["2.3", "QZ"].value, cells["2.3", "QR"].value) == ("No information", "Ongoing (recurring) ▲")
    assert [row["activity_code"] for row in details(book)] == ["2.3"]
    assert block(book["Summary"], "Status")["Total"][0] == 2


def test_pairs_left_out_by_the_filters_stay_empty(rounds):
    ws = matrix_sheet(export(rounds["secretariat"], status="completed"))
    cells = matrix_cells(ws)
    assert [cells["2.2", iso].value for iso in ("QR", "QZ")] == [None, "Completed"]
    assert "Empty: left out by the filters" in legend(ws)


def test_country_filter_exports_that_country_only(rounds):
    book = export(rounds["secretariat"], country="qz")
    ws = matrix_sheet(book)
    assert ws.cell(HEADER_ROW, FIRST_COUNTRY_COLUMN).value == "QZ"
    assert ws.cell(HEADER_ROW, FIRST_COUNTRY_COLUMN + 1).value is None
    assert ws.auto_filter.ref == "A5:J8"
    assert {row["country"] for row in details(book)} == {"QZ"}


@pytest.mark.parametrize(("params", "codes"), [
    ({"priority_level": ["high", "low"]}, ["2.1", "2.3"]),
    ({"conservation_unit": "1"}, ["2.1"]),
    ({"search": "winter"}, ["2.3"]),  # the activity's text and Testland QR's narrative
    ({"search": "across the border"}, ["2.1"]),  # Testland QZ's narrative only
    ({"state": "validated"}, ["2.2", "2.3"]),
    ({"plan": "test-plan", "section": "2.0", "kind": "measure"}, ["2.1", "2.2", "2.3"]),
    ({"updated_since": "2100-01-01T00:00:00Z"}, []),  # nothing changed since: "No information" is left out too
])
def test_list_filters_pick_the_matrix_rows(rounds, params, codes):
    ws = matrix_sheet(export(rounds["secretariat"], **params))
    assert [ws.cell(row, 1).value for row in range(HEADER_ROW + 1, ws.max_row + 1)] == codes


def test_search_in_a_narrative_keeps_only_that_country(rounds):
    book = export(rounds["secretariat"], search="across the border")
    assert [(row["activity_code"], row["country"]) for row in details(book)] == [("2.1", "QZ")]


def test_round_parameter_exports_that_round(rounds):
    book = export(rounds["secretariat"], round=rounds["first"].pk)
    assert {row["round"] for row in details(book)} == {"2026 report"}
    assert [(row["activity_code"], row["country"], row["status"]) for row in details(book)] == [
        ("2.1", "QZ", "In progress"), ("2.2", "QR", "Not started"), ("2.2", "QZ", "Completed")]


# --- Details, CSV, JSON ---------------------------------------------------------------------------

def test_details_list_each_report_with_public_evidence_only(rounds):
    rows = details(export(rounds["secretariat"]))
    assert [(row["activity_code"], row["country"]) for row in rows] == [
        ("2.1", "QZ"), ("2.2", "QR"), ("2.2", "QZ"), ("2.3", "QR")]
    done = rounds["done"]
    done.refresh_from_db()
    assert rows[0] == {
        "plan": "Test plan", "activity_code": "2.1", "activity_text": "Collaborate across borders",
        "country": "QZ", "country_name": "Testland QZ", "round": "2027 report", "status": "Completed",
        "narrative": "Patrols across the border — Қазақстан", "obstacles": None, "expected_year": 2027,
        "funds_amount": None, "funds_currency": None, "funds_usd": None, "funds_source": None, "funds_funder": None,
        "evidence": "https://example.org/patrol-log\n"
                    f"https://tracker.example.org/evidence/{rounds['pdf'].pk}/download/",
        "updated_by": "focal-kz-t",
        "updated_at": timezone.localtime(done.updated_at).replace(tzinfo=None, microsecond=0),
        "state": "Draft",
    }
    assert isinstance(rows[0]["updated_at"], datetime.datetime)
    assert rows[3]["state"] == "Validated"
    assert rows[1]["updated_by"] is None  # carried over: nobody has touched it this round


def test_csv_has_the_details_rows_and_a_byte_order_mark(rounds, client):
    client.force_login(rounds["secretariat"])
    response = client.get(CSV_URL, {"plan": "test-plan", "version": "working"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [str(label) for label in DETAILS_HEADER]
    sheet = details(export(rounds["secretariat"], plan="test-plan"))
    assert rows[1:] == [[_as_csv(row[name]) for name in DETAILS_FIELDS] for row in sheet]
    assert "Қазақстан" in rows[1][DETAILS_FIELDS.index("narrative")]


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def test_json_has_the_details_rows(rounds):
    response = APIClient().get(API_JSON, {"plan": "test-plan"})  # anonymous: Testland QR's validated reports
    assert response.status_code == 200
    rows = response.json()
    sheet = details(export(AnonymousUser()))
    assert len(rows) == len(sheet) == 2
    for row, expected in zip(rows, sheet, strict=True):
        assert list(row) == list(DETAILS_FIELDS)
        assert datetime.datetime.fromisoformat(row.pop("updated_at")).replace(tzinfo=None) == expected.pop(
            "updated_at")
        assert "\n".join(row.pop("evidence")) == (expected.pop("evidence") or "")
        # an empty text is an empty cell in the sheet
        assert row == {name: "" if value is None and name not in ("expected_year", "funds_amount", "funds_usd")
                       else value
                       for name, value in expected.items()}


def test_text_that_looks_like_a_formula_stays_text(rounds):
    record(rounds["second"], rounds["third"], rounds["kz"], rounds["focal_kz"], "in_progress",
           narrative='=HYPERLINK("https://evil.example")\x0b pasted')
    book = export(rounds["secretariat"], country="QZ", activity=rounds["third"].pk)
    cell = book["Details"].cell(2, DETAILS_FIELDS.index("narrative") + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("https://evil.example") pasted', "s")
    tables = exports.progress_tables(user=rounds["secretariat"], params={"country": "QZ", "activity": rounds["third"].pk,
                                                                     "version": "working"})
    rows = list(csv.reader(io.StringIO(exports.details_csv(tables).decode("utf-8-sig"))))
    assert rows[1][DETAILS_FIELDS.index("narrative")].startswith("'=HYPERLINK")


# --- Who gets what --------------------------------------------------------------------------------

def test_anonymous_export_contains_validated_reports_only(rounds):
    book = export(AnonymousUser())
    assert [(row["activity_code"], row["country"], row["state"]) for row in details(book)] == [
        ("2.2", "QR", "Validated"), ("2.3", "QR", "Validated")]
    cells = matrix_cells(matrix_sheet(book))
    assert cells["2.1", "QZ"].value == "No information"  # Testland QZ's draft is not public
    assert block(book["Summary"], "Status")["No information"][0] == 3


def test_api_export_with_a_token_contains_the_users_readable_reports(rounds):
    token = Token.objects.create(user=rounds["focal_kz"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(API_XLSX, {"plan": "test-plan", "version": "working"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cami-progress-test-plan-working-{timezone.localdate().isoformat()}.xlsx"')
    rows = details(workbook(response.content))
    assert ("2.1", "QZ", "Draft") in [(row["activity_code"], row["country"], row["state"]) for row in rows]
    assert "den-sites" not in response.content.decode("latin-1")  # restricted evidence stays out
    csv_response = client.get(API_CSV, {"plan": "test-plan", "country": "QZ", "version": "working"})
    assert csv_response["Content-Disposition"].endswith(f'test-plan-qz-working-{timezone.localdate().isoformat()}.csv"')


def test_restricted_evidence_is_not_exported_even_to_the_secretariat(rounds):
    tables = exports.progress_tables(user=rounds["secretariat"], params={"version": "working"})
    urls = [url for row in exports.details_json(tables) for url in row["evidence"]]
    assert "https://example.org/patrol-log" in urls
    assert "https://example.org/den-sites" not in urls


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"plan": "nope"}, "plan", "There is no plan “nope”."),
    ({"country": "XX"}, "country", "There is no country with the ISO code “XX”."),
    ({"round": "999999"}, "round", "There is no round 999999."),
    ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
])
def test_api_answers_400_naming_a_bad_parameter(rounds, params, field, message):
    response = APIClient().get(API_XLSX, {"plan": "test-plan", **params})  # anonymous exports name a plan
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_round_of_another_plan_is_refused(rounds):
    other = ActionPlanFactory(slug="other")
    response = APIClient().get(API_JSON, {"plan": "other", "round": rounds["second"].pk})
    assert response.status_code == 400
    assert response.json() == {"round": [f"Round {rounds['second'].pk} is not a round of {other}."]}


# --- In the browser -------------------------------------------------------------------------------

def test_browser_export_downloads_a_dated_workbook(rounds, client):
    client.force_login(rounds["observer"])
    response = client.get(XLSX_URL, {"plan": "test-plan", "round": rounds["second"].pk})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="cami-progress-test-plan-{timezone.localdate().isoformat()}.xlsx"')
    assert workbook(response.content).sheetnames == ["Summary", "Matrix Test plan", "Details"]


def test_bad_parameter_in_the_browser_returns_to_the_page_with_a_message(rounds, client):
    page = "/progress/?plan=nope"
    response = client.get(XLSX_URL, {"plan": "nope"}, HTTP_REFERER=f"http://testserver{page}", follow=True)
    assert response.redirect_chain == [(f"http://testserver{page}", 302)]
    assert "Nothing was exported: plan: There is no plan “nope”." in response.content.decode()


def test_lists_link_to_the_export_of_what_they_show(rounds, client):
    response = client.get("/activities/", {"plan": "test-plan", "priority_level": "high"})
    assert 'href="/exports/progress.xlsx?plan=test-plan&amp;priority_level=high"' in response.content.decode()
    client.force_login(rounds["observer"])  # anonymous visitors get no all-plans link (test_export_limits.py)
    response = client.get("/progress/", {"status": "completed", "page": "1"})
    # Every plan: a background export (tests/reporting/test_export_jobs.py), with the same filters.
    assert 'action="/exports/jobs/?status=completed&amp;version=working"' in response.content.decode()


def test_country_page_exports_its_plan_round_country_and_filters(rounds, client):
    client.force_login(rounds["focal_kz"])
    second = rounds["second"]
    response = client.get(f"/rounds/{second.pk}/QZ/", {"status": "completed"})
    href = f"/exports/progress.xlsx?status=completed&amp;plan=test-plan&amp;round={second.pk}&amp;country=QZ&amp;version=working"
    assert f'href="{href}"' in response.content.decode()
    ws = matrix_sheet(workbook(client.get(href.replace("&amp;", "&")).content))
    assert {position: cell.value for position, cell in matrix_cells(ws).items()} == {
        ("2.1", "QZ"): "Completed ▲", ("2.2", "QZ"): "Completed"}


# --- Queries --------------------------------------------------------------------------------------

def test_export_queries_do_not_grow_with_the_activities(rounds, django_assert_num_queries):
    # rounds, their plans' range states, the activities, their countries, this round's reports,
    # their public evidence, the previous round's statuses, the activities' commitment tags (By commitment)
    with django_assert_num_queries(8):
        progress_workbook(user=rounds["focal_kz"], params={"version": "working"})
    for number in range(20):
        activity = ActivityFactory(plan=rounds["plan"], result=None, section=rounds["in_unit"].section,
                                   code=f"3.{number}", countries=[rounds["kz"], rounds["ir"]])
        record(rounds["second"], activity, rounds["kz"], rounds["focal_kz"], "in_progress")
    with django_assert_num_queries(8):
        data = progress_workbook(user=rounds["focal_kz"], params={"version": "working"})
    assert len(details(workbook(data))) == 4 + 20
