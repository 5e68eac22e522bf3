"""Plans as workbooks: export, import into an empty or existing database, corrections, bad input."""
import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.import_preview import plan_import_preview
from actionplans.models import ActionPlan, Activity, PlanElement, PlanImport
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build, plan_workbook_read
from actionplans.services import PlanImportError, action_plan_import

from .third_plan import SLUG as THIRD_SLUG
from .third_plan import third_plan_workbook

pytestmark = pytest.mark.django_db

PLANS = ("argali", "persian-leopard")
# Database ids differ after a fresh import; every other field must be the same.
DB_ID_FIELDS = {"id", "url", "html_url"}


def api_activities(slug):
    client, rows, url = APIClient(), [], reverse("api:activity-list")
    params = {"plan": slug, "page_size": 500, "page": 1}
    while True:
        body = client.get(url, params).json()
        rows += body["results"]
        if not body["next"]:
            return rows
        params["page"] += 1


def api_plan(slug):
    body = APIClient().get(reverse("api:actionplan-detail", args=[slug])).json()
    return {name: value for name, value in body.items() if name not in DB_ID_FIELDS}


def links(slug):
    activities = {
        a.key: (sorted(a.linked_activities.values_list("key", flat=True)),
                sorted(a.linked_elements.values_list("level", "code")))
        for a in Activity.objects.filter(plan__slug=slug)
    }
    elements = {
        (e.level, e.code): (sorted(e.linked_activities.values_list("key", flat=True)),
                            sorted(e.linked_elements.values_list("level", "code")))
        for e in PlanElement.objects.filter(plan__slug=slug)
    }
    return activities, elements


def without_ids(row):
    return {name: value for name, value in row.items() if name not in DB_ID_FIELDS}


@pytest.fixture
def workbooks(real_plans):
    return {slug: plan_workbook_build(plan=real_plans[slug]) for slug in PLANS}


def test_exported_plans_imported_into_an_empty_database_give_the_same_activities(workbooks):
    before = {slug: (api_activities(slug), api_plan(slug), links(slug)) for slug in PLANS}
    call_command("flush", interactive=False, verbosity=0)  # rolled back with the test's transaction
    assert not ActionPlan.objects.exists()
    for slug in PLANS:
        result = action_plan_import(source=workbooks[slug], imported_by=None, file_name=f"{slug}.xlsx")
        assert result.outcome == "created"
    for slug in PLANS:
        activities, plan, plan_links = before[slug]
        after = api_activities(slug)
        assert len(after) == len(activities) == {"argali": 166, "persian-leopard": 91}[slug]
        for old, new in zip(activities, after, strict=True):
            assert without_ids(new) == without_ids(old), old["code"]
        assert api_plan(slug) == plan
        assert links(slug) == plan_links
    assert PlanImport.objects.count() == 2


def test_importing_the_current_plan_again_changes_nothing(workbooks):
    result = action_plan_import(source=workbooks["argali"], imported_by=None, file_name="argali.xlsx")
    assert (result.outcome, result.changes) == ("unchanged", [])
    assert PlanImport.objects.get().outcome == "unchanged"


def test_workbook_has_the_documented_sheets_and_headers(workbooks):
    book = openpyxl.load_workbook(io.BytesIO(workbooks["persian-leopard"]))
    assert book.sheetnames == [fmt.INSTRUCTIONS, *fmt.DATA_SHEETS, fmt.META]
    assert book[fmt.META].sheet_state == "veryHidden"
    for sheet in fmt.DATA_SHEETS:  # (the Plan sheet's scale table below is wider than its header)
        assert [cell.value for cell in book[sheet][1] if cell.value] == fmt.header(sheet)
    assert "text_ru" in fmt.header(fmt.ACTIVITIES)
    activities = book[fmt.ACTIVITIES]
    header = [cell.value for cell in activities[1]]
    first = dict(zip(header, [cell.value for cell in activities[2]]))
    assert (first["key"], first["priority"], first["countries"], first["parent"]) == (
        "1.1.1", "2.58", "all", "result 1.1")


def test_blank_template_has_every_sheet_and_header(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("export_plan", "--template", str(path), verbosity=0)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [fmt.INSTRUCTIONS, *fmt.DATA_SHEETS]
    assert [cell.value for cell in book[fmt.OUTLINE][1]] == fmt.header(fmt.OUTLINE)
    assert book[fmt.ACTIVITIES].max_row == 1


def test_limits_are_those_of_the_workbook_upload():
    from reporting.workbook import read as workbook

    assert (fmt.MAX_PART_BYTES, fmt.MAX_EXPANDED_BYTES, fmt.MAX_PARTS, fmt.MAX_CELLS, fmt.MAX_CELLS_PER_ROW) == (
        workbook.WORKBOOK_MAX_PART_BYTES, workbook.WORKBOOK_MAX_EXPANDED_BYTES, workbook.WORKBOOK_MAX_PARTS,
        workbook.WORKBOOK_MAX_CELLS, workbook.WORKBOOK_MAX_CELLS_PER_ROW)


# --- Editing a workbook ------------------------------------------------------------------------------


def edit(data: bytes, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def column_of(sheet, name) -> int:
    return [cell.value for cell in sheet[1]].index(name) + 1


def set_cell(book, sheet, row, name, value):
    book[sheet].cell(row, column_of(book[sheet], name)).value = value


def row_of(book, sheet, name, value) -> int:
    column = column_of(book[sheet], name)
    return next(row for row in range(2, book[sheet].max_row + 1) if book[sheet].cell(row, column).value == value)


def as_new_plan(book):
    """The same plan under a slug the database does not hold: an import would create it."""
    book[fmt.PLAN].cell(2, 2).value = "argali-copy"


# --- Corrections ------------------------------------------------------------------------------------


def test_a_correction_changes_the_reworded_text_and_records_it(workbooks, django_user_model):
    def reword(book):
        row = row_of(book, fmt.ACTIVITIES, "key", "2.1")
        set_cell(book, fmt.ACTIVITIES, row, "text", "Reworded text")
        set_cell(book, fmt.ACTIVITIES, row, "priority", "3")

    user = django_user_model.objects.create_user("sec")
    result = action_plan_import(source=edit(workbooks["argali"], reword), imported_by=user, file_name="fix.xlsx")
    assert result.outcome == "corrected"
    changed = {(change.key, change.field): (change.old, change.new) for change in result.changes}
    assert changed[("2.1", "text")][1] == "Reworded text"
    assert changed[("2.1", "priority_level")][1] == "low"
    activity = Activity.objects.get(plan__slug="argali", key="2.1")
    assert (activity.text, activity.priority_level) == ("Reworded text", "low")
    record = PlanImport.objects.get()
    assert (record.imported_by, record.file_name, record.outcome) == (user, "fix.xlsx", "corrected")
    assert {"sheet": "Activities", "key": "2.1", "field": "text", "old": changed[("2.1", "text")][0],
            "new": "Reworded text"} in record.changes


def test_a_dry_run_lists_the_changes_and_saves_nothing(workbooks, tmp_path):
    path = tmp_path / "fix.xlsx"
    path.write_bytes(edit(workbooks["argali"], lambda book: set_cell(book, fmt.ACTIVITIES, 2, "actor", "GOs")))
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out)
    assert "Activities 1.1: actor:" in out.getvalue() and "dry run" in out.getvalue()
    assert Activity.objects.get(plan__slug="argali", key="1.1").actor != "GOs"
    assert not PlanImport.objects.exists()


def test_a_correction_that_adds_an_activity_is_refused(workbooks):
    def add(book):
        sheet = book[fmt.ACTIVITIES]
        sheet.append([cell.value for cell in sheet[2]])
        set_cell(book, fmt.ACTIVITIES, sheet.max_row, "key", "1.99")

    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=edit(workbooks["argali"], add), imported_by=None, file_name="x.xlsx")
    assert error.value.messages[0].startswith(
        "Sheet “Activities”, row 168, column “key”: Activity 1.99 is not in the current edition of “argali”: a "
        "correction may not add one; import the workbook as a new edition (--new-edition \"<title>\").")
    assert not Activity.objects.filter(key="1.99").exists()
    assert not PlanImport.objects.exists()


def test_a_correction_that_removes_an_activity_is_refused(workbooks):
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=edit(workbooks["argali"], lambda book: book[fmt.ACTIVITIES].delete_rows(3)),
                           imported_by=None, file_name="x.xlsx")
    assert "Activity 1.2 of the current edition of “argali” is missing" in error.value.messages[0]
    assert "import the workbook as a new edition (--new-edition" in error.value.messages[0]
    assert Activity.objects.filter(plan__slug="argali").count() == 166


def test_workbook_for_another_plan_is_refused(workbooks):
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=workbooks["persian-leopard"], imported_by=None, file_name="x.xlsx",
                           expected_slug="argali")
    assert error.value.messages == [
        "Sheet “Plan”, row 2, column “value”: This is the workbook of the plan “persian-leopard”, not of “argali”."]


# --- Bad input: each refused with a sentence naming sheet, row and column; nothing saved ----------------


def refused(data) -> list[str]:
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=data, imported_by=None, file_name="bad.xlsx")
    assert not ActionPlan.objects.filter(slug="argali-copy").exists()
    assert not PlanImport.objects.exists()
    return error.value.messages


def bad(workbooks, change):
    return refused(edit(workbooks["argali"], lambda book: (as_new_plan(book), change(book))))


def test_the_copy_under_a_new_slug_is_accepted(workbooks):
    result = action_plan_import(source=edit(workbooks["argali"], as_new_plan), imported_by=None, file_name="c.xlsx")
    assert result.outcome == "created"
    assert Activity.objects.filter(plan__slug="argali-copy").count() == 166


def test_missing_sheet(workbooks):
    assert bad(workbooks, lambda book: book.remove(book[fmt.UNITS])) == [
        "Sheet “Units”: The sheet is missing: every sheet of the template must be there."]


def test_missing_column(workbooks):
    def drop(book):
        book[fmt.ACTIVITIES].delete_cols(column_of(book[fmt.ACTIVITIES], "indicator"))

    assert bad(workbooks, drop) == [
        "Sheet “Activities”, row 1, column “indicator”: The column “indicator” is missing from the header row."]


def test_unknown_column(workbooks):
    def add(book):
        book[fmt.ACTIVITIES].cell(1, book[fmt.ACTIVITIES].max_column + 1).value = "colour"

    messages = bad(workbooks, add)
    assert len(messages) == 1
    assert messages[0].startswith("Sheet “Activities”, row 1, column “colour”: “colour” is not a column of this sheet")


def test_duplicate_code_without_a_distinguishing_key(workbooks):
    def duplicate(book):
        set_cell(book, fmt.ACTIVITIES, 3, "key", None)
        set_cell(book, fmt.ACTIVITIES, 3, "code", "1.1")

    assert bad(workbooks, duplicate) == [
        "Sheet “Activities”, row 3, column “key”: The code 1.1 is printed twice (also row 2): give each row a "
        "distinct key, e.g. 1.1-2."]


def test_outline_with_a_cycle(workbooks):
    def cycle(book):  # the part above the measures sits under its own section 1.0
        set_cell(book, fmt.OUTLINE, row_of(book, fmt.OUTLINE, "code", "measures"), "parent", "section 1.0")

    messages = bad(workbooks, cycle)
    assert messages[0].startswith("Sheet “Outline”, row 2, column “parent”: The parent chain goes round in a circle: "
                                  "part measures → section 1.0 → part measures")


def test_outline_with_an_unknown_parent(workbooks):
    def unknown(book):
        set_cell(book, fmt.OUTLINE, row_of(book, fmt.OUTLINE, "code", "1.1"), "parent", "objective 9")

    messages = bad(workbooks, unknown)
    assert messages[0].endswith("column “parent”: There is no outline element “objective 9” in the sheet Outline.")
    assert messages[0].startswith("Sheet “Outline”, row ")


@pytest.mark.parametrize(("name", "message"), [
    ("Глава", "“Глава” is not a level name: write it in Latin letters, e.g. Goal or objective (a name in another "
              "language goes in its own column, such as level_ru)."),
    ("1st level", "“1st level” is not a level name: write it in Latin letters, e.g. Goal or objective (a name in "
                  "another language goes in its own column, such as level_ru)."),
    ("A very long name for a level of headings", "The level name “A very long name for a level of headings” is too "
                                                 "long: at most 20 letters."),
])
def test_a_level_name_the_tracker_cannot_keep_is_refused(workbooks, name, message):
    messages = bad(workbooks, lambda book: set_cell(book, fmt.OUTLINE, 2, "level", name))
    assert messages[0] == f"Sheet “Outline”, row 2, column “level”: {message}"


def test_a_level_written_two_ways_is_refused(db):
    def two_ways(book):
        set_cell(book, fmt.OUTLINE, row_of(book, fmt.OUTLINE, "code", "1.1.a"), "level", "Target.")
        set_cell(book, fmt.OUTLINE, row_of(book, fmt.OUTLINE, "code", "1.1.a.i"), "level", "TARGET")  # the same

    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=third_plan_workbook(two_ways), imported_by=None, file_name="third.xlsx")
    assert error.value.messages[0] == (
        "Sheet “Outline”, row 7, column “level”: The level “Target.” is written “Target” in row 6: write it the same "
        "way in every row.")
    assert not ActionPlan.objects.filter(slug=THIRD_SLUG).exists()


def test_a_level_named_two_ways_in_russian_is_refused(db):
    def two_ways(book):
        set_cell(book, fmt.OUTLINE, row_of(book, fmt.OUTLINE, "code", "1.1.a"), "level_ru", "Подцель")

    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=third_plan_workbook(two_ways), imported_by=None, file_name="third.xlsx")
    assert error.value.messages == [
        "Sheet “Outline”, row 7, column “level_ru”: The level's name “Подцель” differs from “Целевой показатель” in "
        "row 6: write it the same way in every row."]


def test_a_plan_with_levels_of_its_own_goes_round_the_workbook_unchanged(db):
    """The third plan (TEST DATA: Goal and Target levels, named in Russian in some rows only) exported
    and imported into an empty database: the same activities, outline and level names, in both languages."""
    action_plan_import(source=third_plan_workbook(), imported_by=None, file_name="third.xlsx")

    def seen():
        russian = APIClient().get(reverse("api:actionplan-detail", args=[THIRD_SLUG]), {"lang": "ru"}).json()
        return ([{**without_ids(row), "edition": without_ids(row["edition"])} for row in api_activities(THIRD_SLUG)],
                api_plan(THIRD_SLUG),
                russian["outline"], links(THIRD_SLUG))

    before = seen()
    assert {(e.level, e.level_name, e.level_name_ru) for e in PlanElement.objects.filter(plan__slug=THIRD_SLUG,
                                                                                         level="target")} == {
        ("target", "Target", "Целевой показатель")}
    workbook = plan_workbook_build(plan=ActionPlan.objects.get(slug=THIRD_SLUG))
    outline = openpyxl.load_workbook(io.BytesIO(workbook))[fmt.OUTLINE]
    header = [cell.value for cell in outline[1]]
    rows = [dict(zip(header, row)) for row in outline.iter_rows(min_row=2, values_only=True)]
    assert [(row["level"], row["level_ru"], row["code"]) for row in rows if row["code"] in ("G1", "1.1.a.i")] == [
        ("Goal", "Цель", "G1"), ("Target", "Целевой показатель", "1.1.a.i")]
    if connection.vendor == "postgresql":  # the import's deferred foreign-key checks, before TRUNCATE
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)  # rolled back with the test's transaction
    action_plan_import(source=workbook, imported_by=None, file_name="third-exported.xlsx")
    assert seen() == before


@pytest.mark.parametrize(("column", "value", "message"), [
    ("conservation_unit", "99", "There is no conservation unit 99 in the sheet Units."),
    ("countries", "KZ, XX", "XX is not a range state of the plan (sheet Countries)."),
    ("parent", "section 99.0", "There is no outline element “section 99.0” in the sheet Outline."),
    ("priority", "4", "“4” is not on the plan's priority scale for measure (1, 2, 3)."),
    ("footnotes", "42", "There is no footnote 42 in the sheet Footnotes."),
    ("kind", "task", "“task” is not a kind of activity (measure, action, activity)."),
])
def test_activity_naming_what_the_workbook_does_not_hold(workbooks, column, value, message):
    assert bad(workbooks, lambda book: set_cell(book, fmt.ACTIVITIES, 5, column, value)) == [
        f"Sheet “Activities”, row 5, column “{column}”: {message}"]


def test_a_formula_is_refused(workbooks):
    assert bad(workbooks, lambda book: set_cell(book, fmt.ACTIVITIES, 7, "timeline", "=2020+5")) == [
        "Sheet “Activities”, row 7, column “timeline”: A formula (=2020+5): type the value itself."]


def test_a_value_the_model_refuses_names_its_row(workbooks):
    messages = bad(workbooks, lambda book: set_cell(book, fmt.ACTIVITIES, 9, "timeline", "x" * 101))
    assert messages == ["Sheet “Activities”, row 9, column “timeline”: Ensure this value has at most 100 characters "
                        "(it has 101)."]


def test_a_file_over_10_mb_is_refused():
    assert refused(b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)) == [
        "The file is more than 10.0\xa0MB; a plan workbook may be at most 10.0\xa0MB."]


def test_a_file_expanding_beyond_the_upload_limits_is_refused(workbooks):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (25 * 1024 * 1024))
    messages = refused(stream.getvalue())
    assert messages == ["xl/worksheets/sheet1.xml would expand to 25.0 MB; a part may be at most 20.0 MB."]


def test_import_command_lists_every_sentence(workbooks, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(workbooks["argali"], lambda book: (
        set_cell(book, fmt.ACTIVITIES, 5, "priority", "4"), set_cell(book, fmt.ACTIVITIES, 6, "countries", "XX"))))
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path))
    assert "row 5, column “priority”" in str(error.value) and "row 6, column “countries”" in str(error.value)


def test_export_command_writes_a_workbook_import_reads_back(tmp_path, real_plans):
    path = tmp_path / "leopard.xlsx"
    call_command("export_plan", "persian-leopard", str(path), verbosity=0)
    assert plan_workbook_read(path.read_bytes()).errors == []


def test_export_and_an_unchanged_correction_take_as_many_queries_for_either_plan(real_plans, workbooks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for slug in PLANS:
        with CaptureQueriesContext(connection) as export:
            plan_workbook_build(plan=real_plans[slug])
        with CaptureQueriesContext(connection) as correction:
            action_plan_import(source=workbooks[slug], imported_by=None, file_name="x.xlsx", dry_run=True)
        counts[slug] = (len(export.captured_queries), len(correction.captured_queries))
    assert counts["argali"] == counts["persian-leopard"], counts


def test_a_correction_never_overwrites_a_change_made_in_the_tracker_since_the_export(workbooks):
    Activity.objects.filter(plan__slug="argali", key="2.1").update(text="Edited in the admin")
    messages = refused_correction(workbooks["argali"])
    assert len(messages) == 1
    assert messages[0].startswith("Sheet “Activities”, row 6, column “text”: 2.1 was changed in the tracker after "
                                  "this workbook was exported")
    assert Activity.objects.get(plan__slug="argali", key="2.1").text == "Edited in the admin"


def test_a_fresh_export_carries_the_tracker_s_change_and_corrects_another_row(real_plans):
    Activity.objects.filter(plan__slug="argali", key="2.1").update(text="Edited in the admin")
    data = edit(plan_workbook_build(plan=real_plans["argali"]),
                lambda book: set_cell(book, fmt.ACTIVITIES, 2, "text", "Corrected"))
    result = action_plan_import(source=data, imported_by=None, file_name="x.xlsx")
    assert [(change.key, change.field) for change in result.changes] == [("1.1", "text")]
    assert Activity.objects.get(plan__slug="argali", key="2.1").text == "Edited in the admin"


def test_translations_are_stored_except_those_kept_in_english_only(workbooks):
    def translate(book):  # the test's own sample texts: the real plans have no Russian
        set_cell(book, fmt.ACTIVITIES, 2, "text_ru", "Разработать планы")
        set_cell(book, fmt.ACTIVITIES, 2, "timeline_ru", "2025 год")

    result = action_plan_import(source=edit(workbooks["argali"], translate), imported_by=None, file_name="x.xlsx")
    assert result.outcome == "corrected"
    [change] = result.changes
    assert (change.field, change.old, change.new) == ("text_ru", None, "Разработать планы")
    assert result.warnings == ["1 texts in other languages were read and not stored: timelines, budgets and country "
                               "names are kept in English only."]
    assert Activity.objects.get(plan__slug="argali", key=change.key).text_ru == "Разработать планы"


def refused_correction(data) -> list[str]:
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=data, imported_by=None, file_name="x.xlsx")
    assert not PlanImport.objects.exists()
    return error.value.messages


# --- A plan that is only data ---------------------------------------------------------------------------


def fill_template(rows_by_sheet: dict, fields: dict, scale: list) -> bytes:
    """The blank template, filled in as the Secretariat would by hand (columns found by their header)."""
    def fill(book):
        plan = book[fmt.PLAN]
        for row in range(2, len(fmt.PLAN_FIELDS) + 2):
            plan.cell(row, 2).value = fields.get(plan.cell(row, 1).value, "")
        for values in scale:
            plan.append(values)
        for sheet, rows in rows_by_sheet.items():
            header = [cell.value for cell in book[sheet][1]]
            for values in rows:
                book[sheet].append([values.get(name) for name in header])

    return edit(plan_workbook_build(plan=None), fill)


def snow_leopard_workbook(**activity_changes) -> bytes:
    activities = [
        {"code": "1.1.1", "kind": "activity", "text": "Train rangers (see Activity 1.1.2).", "priority": "A",
         "timeline": "2027", "budget": "5.000 USD per country", "countries": "all", "parent": "result 1.1"},
        {"code": "1.1.2", "kind": "activity", "text": "Equip rangers.", "priority": "c", "timeline": "TBD",
         "countries": "all except MN", "parent": "1.1"},
        {"code": "2.1", "kind": "activity", "text": "Survey the Altai.", "priority": "B", "countries": "unit",
         "conservation_unit": "1", "parent": "objective 2", "footnotes": "1"},
    ]
    activities[0].update(activity_changes)
    return fill_template(
        {
            fmt.COUNTRIES: [{"code": "KZ", "name": "Kazakhstan", "range_state": "yes"},
                            {"code": "MN", "name": "Mongolia", "range_state": "yes"},
                            {"code": "RU", "name": "Russian Federation", "range_state": "no"}],
            fmt.UNITS: [{"number": "1", "name": "Altai", "kind": "region", "countries": "KZ, MN, RU"}],
            fmt.OUTLINE: [{"level": "objective", "code": "1", "title": "Fewer snares."},
                          {"level": "result", "code": "1.1", "title": "Rangers patrol.", "parent": "objective 1"},
                          {"level": "objective", "code": "2", "title": "Know where they are."}],
            fmt.ACTIVITIES: activities,
            fmt.FOOTNOTES: [{"number": "1", "text": "With camera traps."}],
        },
        {"slug": "snow-leopard", "title": "Snow Leopard Plan", "short_title": "Snow leopard",
         "species_common_name": "Snow leopard", "species_scientific_name": "Panthera uncia",
         "period_start": "2026", "period_end": "2030", "languages": "en"},
        [["activity", "rank", "A", "high"], ["activity", "rank", "B", "medium"], ["activity", "rank", "C", "low"]],
    )


def test_a_third_plan_with_its_own_scale_is_loaded_from_the_template_with_no_code(db):
    result = action_plan_import(source=snow_leopard_workbook(), imported_by=None, file_name="snow.xlsx")
    assert result.outcome == "created"
    rows = {row["code"]: row for row in api_activities("snow-leopard")}
    assert {code: (row["priority_scale"], row["priority_level"]) for code, row in rows.items()} == {
        "1.1.1": ("rank", "high"), "1.1.2": ("rank", "low"), "2.1": ("rank", "medium")}
    assert (rows["1.1.1"]["target_year"], rows["1.1.1"]["budget_usd"], rows["1.1.1"]["budget_basis"]) == (
        2027, 5000, "per country")
    assert [rows[code]["countries"] for code in ("1.1.1", "1.1.2", "2.1")] == [["KZ", "MN"], ["KZ"], ["KZ", "MN"]]
    assert (rows["1.1.1"]["result"], rows["1.1.1"]["objective"], rows["2.1"]["objective"]) == ("1.1", 1, 2)
    first = Activity.objects.get(plan__slug="snow-leopard", key="1.1.1")
    assert list(first.linked_activities.values_list("key", flat=True)) == ["1.1.2"]
    plan = ActionPlan.objects.get(slug="snow-leopard")
    assert sorted(plan.range_states.values_list("code", flat=True)) == ["KZ", "MN"]
    assert sorted(plan.conservation_units.get().countries.values_list("code", flat=True)) == ["KZ", "MN", "RU"]


def test_a_priority_off_a_declared_scale_is_refused(db):
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=snow_leopard_workbook(priority="1"), imported_by=None, file_name="snow.xlsx")
    assert error.value.messages == [
        "Sheet “Activities”, row 2, column “priority”: “1” is not on the plan's priority scale for activity (A, B, C)."]
    assert not ActionPlan.objects.filter(slug="snow-leopard").exists()


def test_a_correction_keeps_the_order_of_the_rows(workbooks):
    def swap(book):
        sheet = book[fmt.ACTIVITIES]
        for column in range(1, sheet.max_column + 1):
            a, b = sheet.cell(2, column), sheet.cell(3, column)
            a.value, b.value = b.value, a.value

    messages = refused_correction(edit(workbooks["argali"], swap))
    assert messages == ["Sheet “Activities”, row 2, column “key”: 1.2 is not where the current plan has it (it has "
                        "1.1 here): a correction keeps the order of the rows."]


def test_the_blank_template_is_refused_with_what_to_fill_in(db):
    messages = refused(plan_workbook_build(plan=None))
    assert "Sheet “Plan”, row 2, column “value”: “” is not a slug: lower case letters, digits and hyphens." in messages
    assert "Sheet “Plan”, row 7, column “value”: “” is not a year." in messages
    assert "Sheet “Activities”: The sheet has no activities: a plan has at least one." in messages


def test_a_broken_plan_header_is_reported_alone(workbooks):
    assert bad(workbooks, lambda book: setattr(book[fmt.PLAN].cell(1, 2), "value", "valeur"))[:2] == [
        "Sheet “Plan”, row 1, column “value”: The column “value” is missing from the header row.",
        "Sheet “Plan”, row 1, column “valeur”: “valeur” is not a column of this sheet (columns: field, value).",
    ]


# --- What a preview costs ---------------------------------------------------------------------------------

def reworded(data: bytes, rows: int) -> bytes:
    """The workbook with the text of its first ``rows`` activities changed."""
    def change(book):
        sheet = book[fmt.ACTIVITIES]
        for row in range(2, 2 + rows):
            text = sheet.cell(row, column_of(sheet, "text"))
            text.value = f"{text.value} (reworded)"
    return edit(data, change)


@pytest.mark.parametrize(("slug", "per_changed_row"), [("argali", 9), ("persian-leopard", 11)])
def test_a_correction_preview_costs_the_same_whatever_the_plan_s_size_and_a_fixed_number_per_changed_row(
        workbooks, django_assert_num_queries, slug, per_changed_row):
    """The preview is a dry-run import (rolled back): rows the workbook leaves as they are cost nothing, so
    a correction of a few typos costs the same on 166 Argali measures as on 91 leopard activities; each
    changed row is checked and written (full_clean, save, its links). A new edition writes every row:
    its preview grows with the plan (README, "Editions")."""
    for rows in (0, 1, 2):
        with django_assert_num_queries(53 + rows * per_changed_row):
            preview = plan_import_preview(source=reworded(workbooks[slug], rows), file_name="x.xlsx",
                                          imported_by=None)
        assert (preview.outcome, preview.errors) == ("corrected" if rows else "unchanged", [])
