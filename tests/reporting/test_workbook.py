"""The offline workbook: download, fill in as a user would, upload, check the preview, confirm."""
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import services, workbook
from reporting.models import CountryReport, ProgressChange, ProgressReport, Profile
from reporting.services import ProgressInput, StaleEdit
from tests.factories import ActivityFactory

REPORTS_SHEET = 1  # Instructions first, then the reports


# --- Helpers: what a user does with the file ----------------------------------------------------------

def download(client, world, user="focal_kz", country="QZ", round=None):
    client.force_login(world[user])
    round = round or world["round"]
    response = client.get(reverse("reporting:workbook_download", args=[round.pk, country]))
    assert response.status_code == 200, response.content[:300]
    return response.content


def open_book(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def row_of(sheet, activity):
    for row in sheet.iter_rows(min_row=2):
        if row[workbook.COL["activity_id"]].value == activity.pk:
            return row
    raise AssertionError(f"no row for {activity}")


def fill(content, edits):
    """Type into the cells as a user would: ``edits`` maps an activity to {column key: value}."""
    book = open_book(content)
    sheet = book.worksheets[REPORTS_SHEET]
    for activity, values in edits.items():
        row = row_of(sheet, activity)
        for key, value in values.items():
            row[workbook.COL[key]].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, world, content, name="workbook.xlsx", country="QZ", round=None):
    round = round or world["round"]
    url = reverse("reporting:workbook_upload", args=[round.pk, country])
    data = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    return client.post(url, data)


def confirm(client, world, response, country="QZ"):
    token = response.context["token"]
    return client.post(reverse("reporting:workbook_confirm", args=[world["round"].pk, country]),
                       {"token": token or ""}, follow=True)


def page(response):
    return response.content.decode()


def save_in_browser(world, activity, status="in_progress", user="focal_kz", version=None, **values):
    return services.progress_report_record(round=world["round"], activity=world[activity], country=world["kz"],
                                           user=world[user], values=ProgressInput(status=status, **values),
                                           expected_version=version)


# --- The round trip -------------------------------------------------------------------------------------

def test_focal_point_reports_offline_and_the_history_says_workbook(client, world):
    content = download(client, world)
    filled = fill(content, {world["everywhere"]: {"status": "Completed", "narrative": "Two trainings held"}})

    response = upload(client, world, filled)
    html = page(response)
    assert response.status_code == 200
    row = row_of(open_book(filled).worksheets[REPORTS_SHEET], world["everywhere"])[0].row
    [change] = response.context["preview"].changes
    assert change.row == row
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Status", "—", "Completed"), ("What was done", "—", "Two trainings held")]
    assert "Two trainings held" in html and "Measure 2.2" in html
    assert not ProgressReport.objects.exists()  # the preview saves nothing

    response = confirm(client, world, response)
    assert "Saved the workbook: 1 report changed." in page(response)
    report = ProgressReport.objects.get()
    assert (report.activity, report.status, report.narrative) == (world["everywhere"], "completed",
                                                                  "Two trainings held")
    assert report.changes.get().source == ProgressChange.Source.WORKBOOK
    history = client.get(reverse("reporting:progress_detail", args=[world["round"].pk, "QZ",
                                                                     world["everywhere"].pk]))
    assert "Offline workbook" in page(history)


def test_preview_shows_old_and_new_values_of_an_existing_report(client, world):
    save_in_browser(world, "everywhere", narrative="Planned", expected_year=2027)
    content = download(client, world)
    filled = fill(content, {world["everywhere"]: {"status": "Ongoing (recurring)", "expected_year": 2029}})
    response = upload(client, world, filled)
    [change] = response.context["preview"].changes
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Status", "In progress", "Ongoing (recurring)"), ("Expected completion year", "2027", "2029")]
    confirm(client, world, response)
    report = ProgressReport.objects.get()
    assert (report.status, report.narrative, report.expected_year, report.version) == ("ongoing", "Planned", 2029, 2)


def test_untouched_rows_change_nothing_even_if_the_tracker_changed_them(client, world):
    content = download(client, world)
    save_in_browser(world, "in_unit", user="secretariat", narrative="Secretariat's text")
    filled = fill(content, {world["everywhere"]: {"status": "Not started"}})
    response = upload(client, world, filled)
    assert response.status_code == 200 and not response.context["preview"].errors
    confirm(client, world, response)
    assert dict(ProgressReport.objects.values_list("activity", "narrative")) == {
        world["in_unit"].pk: "Secretariat's text", world["everywhere"].pk: ""}


def test_a_workbook_downloaded_with_russian_plan_texts_is_read_in_an_english_session(client, world):
    # The download writes each activity's text in the downloader's language; whoever uploads it may
    # read the tracker in another. The grey text column matches the activity in either language.
    activity = world["everywhere"]
    activity.text_ru = "Обучать персонал охраняемых территорий"
    activity.save(update_fields=["text_ru"])
    profile = Profile.objects.create(user=world["focal_kz"], language="ru")
    content = download(client, world)
    assert row_of(open_book(content).worksheets[REPORTS_SHEET], activity)[workbook.COL["text"]].value == (
        "Обучать персонал охраняемых территорий")
    profile.language = "en"
    profile.save(update_fields=["language"])
    client.cookies["django_language"] = "en"
    response = upload(client, world, fill(content, {activity: {"status": "Completed"}}))
    assert response.status_code == 200 and not response.context["preview"].errors
    assert [change.activity for change in response.context["preview"].changes] == [activity]


def test_a_workbook_downloaded_in_russian_has_russian_labels_and_any_language_is_read(client, world):
    Profile.objects.create(user=world["focal_kz"], language="ru")
    save_in_browser(world, "everywhere", status="completed")
    content = download(client, world)
    book = open_book(content)
    assert row_of(book.worksheets[REPORTS_SHEET], world["everywhere"])[workbook.COL["status"]].value == "Завершено"
    filled = fill(content, {world["in_unit"]: {"status": "In progress"}, world["everywhere"]: {"status": "ongoing"}})
    response = upload(client, world, filled)
    assert response.status_code == 200, response.context["preview"].errors
    confirm(client, world, response)
    assert dict(ProgressReport.objects.values_list("activity", "status")) == {
        world["in_unit"].pk: "in_progress", world["everywhere"].pk: "ongoing"}


# --- What the download holds ----------------------------------------------------------------------------

def test_download_has_instructions_a_status_drop_down_and_locked_key_columns(client, world):
    save_in_browser(world, "everywhere", narrative="Started", obstacles="Funding", expected_year=2028)
    response_content = download(client, world)
    book = open_book(response_content)
    instructions, sheet = book.worksheets[0], book.worksheets[REPORTS_SHEET]
    text = "\n".join(str(row[0]) for row in instructions.iter_rows(values_only=True) if row[0])
    assert book.sheetnames[0] == "Instructions"
    assert "2026 report" in text and "Testland QZ (QZ)" in text and "31 December 2026" in text and "Downloaded on" in text

    status_letter = openpyxl.utils.get_column_letter(workbook.COL["status"] + 1)
    [status_list] = [dv for dv in sheet.data_validations.dataValidation
                     if dv.type == "list" and str(dv.sqref).startswith(status_letter)]
    status_letter = openpyxl.utils.get_column_letter(workbook.COL["status"] + 1)
    assert str(status_list.sqref) == f"{status_letter}2:{status_letter}3"
    meta = book[workbook.META_SHEET]
    source_row = status_list.formula1.split("$")[-1]
    labels = [cell.value for cell in meta[int(source_row)][1:] if cell.value]
    assert labels == ["Not started", "In progress", "Completed", "Ongoing (recurring)",
                      "Not applicable for this country"]

    assert sheet.protection.sheet
    row = row_of(sheet, world["everywhere"])
    locked = {key: row[index].protection.locked for key, index in workbook.COL.items()}
    assert locked == {"activity_id": True, "code": True, "text": True, "unit": True, "priority": True,
                      "carried_over": True, "status": False, "narrative": False, "obstacles": False,
                      "expected_year": False, "funds_amount": False, "funds_currency": False, "funds_usd": True,
                      "funds_source": False, "funds_funder": False, "version": True}
    assert [row[workbook.COL[key]].value for key in ("code", "status", "narrative", "obstacles", "expected_year",
                                                       "version")] == ["2.2", "In progress", "Started", "Funding",
                                                                       2028, 1]


def test_hidden_sheet_records_round_country_plan_and_each_rows_version(client, world):
    report = save_in_browser(world, "everywhere")
    meta = open_book(download(client, world))[workbook.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in meta.iter_rows(max_row=6, values_only=True)}
    assert (values["round"], values["country"], values["plan"]) == (world["round"].pk, "QZ", "test-plan")
    versions = {row[0]: row[1] for row in meta.iter_rows(min_row=workbook.META_FIRST_ACTIVITY_ROW, values_only=True)}
    assert versions == {world["in_unit"].pk: 0, world["everywhere"].pk: report.version}


def test_contributor_downloads_only_the_handed_unit(client, world):
    sheet = open_book(download(client, world, user="contributor_kz")).worksheets[REPORTS_SHEET]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [world["in_unit"].pk]


def test_activities_come_in_document_order(client, world):
    first = ActivityFactory(plan=world["plan"], result=None, section=world["in_unit"].section, code="2.0.1",
                            kind="measure", position=0, countries=[world["kz"]])
    sheet = open_book(download(client, world)).worksheets[REPORTS_SHEET]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [first.code, "2.1", "2.2"]


@pytest.mark.parametrize("user, reason", [
    ("focal_ir", "You do not report for Testland QZ."),
    ("observer", "Observers can read, not edit."),
])
def test_who_may_not_draft_gets_403_with_the_reason(client, world, user, reason):
    client.force_login(world[user])
    for name in ("workbook_download", "workbook_upload"):
        response = client.get(reverse(f"reporting:{name}", args=[world["round"].pk, "QZ"]))
        assert response.status_code == 403 and reason in page(response)


def test_a_closed_round_has_no_workbook(client, world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    client.force_login(world["focal_kz"])
    response = client.get(reverse("reporting:workbook_download", args=[world["round"].pk, "QZ"]))
    assert response.status_code == 403 and "is closed" in page(response)


def test_country_report_links_to_the_workbook_only_for_who_may_draft(client, world):
    url = reverse("reporting:country_report", args=[world["round"].pk, "QZ"])
    link = reverse("reporting:workbook_download", args=[world["round"].pk, "QZ"])
    client.force_login(world["focal_kz"])
    assert link in page(client.get(url)) and "Upload a filled workbook" in page(client.get(url))
    client.force_login(world["observer"])
    assert link not in page(client.get(url))


# --- Bad files: a clear message, nothing changed ----------------------------------------------------------

def _csv():
    return b"Activity ID,Code,Status\n1,2.1,Completed\n"


def _corrupted(content):
    return content[: len(content) // 2]


def _empty_workbook():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _rows_deleted(content):
    book = open_book(content)
    sheet = book.worksheets[REPORTS_SHEET]
    sheet.protection.sheet = False
    sheet.delete_rows(2, sheet.max_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _not_a_workbook_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize("make, message", [
    (lambda content: _corrupted(content), "could not be read as an Excel workbook"),
    (lambda content: _csv(), "not an Excel workbook (.xlsx), perhaps a CSV"),
    (lambda content: _not_a_workbook_zip(), "could not be read as an Excel workbook"),
    (lambda content: _empty_workbook(), "not a workbook downloaded from the tracker"),
    (lambda content: _rows_deleted(content), "has no activity rows"),
    (lambda content: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel file (.xls)"),
    (lambda content: b"PK\x03\x04" + b"\0" * (workbook.WORKBOOK_MAX_BYTES + 1), "a workbook may be at most 5.0"),
    (lambda content: None, "Choose the workbook file to upload."),
    (lambda content: b"", "The file is empty."),
], ids=["corrupted", "csv-renamed", "other-zip", "empty-workbook", "no-rows", "xls", "too-large", "no-file",
        "empty-file"])
def test_bad_file_is_explained_and_nothing_changes(client, world, make, message):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, make(content))
    assert response.status_code == 400
    assert message in page(response)
    assert not ProgressReport.objects.exists() and not any(key.startswith("workbook") for key in client.session.keys())


def test_workbook_of_another_country_is_refused(client, world):
    content = fill(download(client, world, user="secretariat", country="QR"),
                   {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, content, country="QZ")
    assert response.status_code == 400
    assert "This workbook is for Testland QR, not Testland QZ" in page(response)
    assert not ProgressReport.objects.exists()


def test_workbook_of_another_round_is_refused(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    next_round = services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                     due_on=datetime.date(2027, 6, 1), opened_by=world["secretariat"])
    response = upload(client, world, content, round=next_round)
    assert response.status_code == 400
    assert "This workbook is for the round “2026 report”, not “2027 report”" in page(response)
    assert not ProgressReport.objects.exists()


def _header_deleted(content):
    book = open_book(content)
    sheet = book.worksheets[REPORTS_SHEET]
    sheet.protection.sheet = False
    sheet.delete_rows(1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_its_header_row_deleted_is_refused(client, world):
    # Rows below the header moved up one: the first activity row would sit where the header is read.
    content = fill(download(client, world), {world["in_unit"]: {"status": "Completed"},
                                             world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, _header_deleted(content))
    assert response.status_code == 400
    assert ("The header row of the sheet “Reports” is missing or changed: column A of row 1 reads "
            f"“{world['in_unit'].pk}”, not “Activity ID”") in page(response)
    assert not ProgressReport.objects.exists() and "token" not in (response.context or {})


def test_an_edited_header_is_refused_and_one_in_another_language_is_read(client, world):
    content = download(client, world)
    book = open_book(content)
    sheet = book.worksheets[REPORTS_SHEET]
    sheet.cell(row=1, column=workbook.COL["narrative"] + 1).value = "Что сделано"  # Russian: still the header
    sheet.cell(row=1, column=workbook.COL["version"] + 1).value = "Notes"
    row_of(sheet, world["everywhere"])[workbook.COL["status"]].value = "Completed"
    out = io.BytesIO()
    book.save(out)
    response = upload(client, world, out.getvalue())
    assert response.status_code == 400
    letter = openpyxl.utils.get_column_letter(workbook.COL["version"] + 1)
    assert f"column {letter} of row 1 reads “Notes”, not “Version”" in page(response)


# --- Files that would expand beyond the limits (zip bombs) -------------------------------------------------

def _with_part(content, name, data):
    """The workbook with one part replaced (or added), everything else as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, data)
    return out.getvalue()


def _repetitive_strings(size):
    head, item = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', b"<si><t>a</t></si>"
    return head + item * ((size - len(head)) // len(item)) + b"</sst>"


def test_a_workbook_expanding_past_the_part_limit_is_refused_before_reading(client, world, monkeypatch):
    monkeypatch.setattr(workbook.read, "WORKBOOK_MAX_PART_BYTES", 1024 * 1024)
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    bomb = _with_part(content, "xl/sharedStrings.xml", _repetitive_strings(2 * 1024 * 1024))
    assert len(bomb) < 40_000
    monkeypatch.setattr(workbook.read.openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl opened it"))
    response = upload(client, world, bomb)
    assert response.status_code == 400
    assert "xl/sharedStrings.xml would expand to 2.0 MB; a part may be at most 1.0 MB." in page(response)
    assert not ProgressReport.objects.exists()


def test_a_workbook_expanding_past_the_total_limit_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(workbook.read, "WORKBOOK_MAX_EXPANDED_BYTES", 20_000)
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, content)
    assert response.status_code == 400
    assert "The archive would expand to more than 19.5 KB; a file may expand to at most 19.5 KB." in page(response)


def test_a_part_expanding_far_more_than_documents_do_is_refused(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, _with_part(content, "xl/sharedStrings.xml", _repetitive_strings(3 * 2**20)))
    assert response.status_code == 400
    assert "xl/sharedStrings.xml would expand" in page(response) and "a part may expand at most 200 times" in page(
        response)


@pytest.mark.parametrize("limit, value, message", [
    ("WORKBOOK_MAX_CELLS", 30, "The workbook has more than 30 cells and texts; the tracker reads at most 30."),
    ("MAX_ROWS", 1, "A sheet of the workbook has more than 11 rows"),
    ("WORKBOOK_MAX_CELLS_PER_ROW", 5, "A row of the workbook has more than 5 cells"),
    ("WORKBOOK_MAX_PARTS", 3, "parts; a file may hold at most 3."),
], ids=["cells", "rows", "cells-per-row", "parts"])
def test_rows_cells_and_parts_are_counted_before_reading(client, world, monkeypatch, limit, value, message):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    monkeypatch.setattr(workbook.read, limit, value)
    response = upload(client, world, content)
    assert response.status_code == 400
    assert message in page(response)


def test_a_document_type_declaration_is_refused(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    laughs = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst><si><t>&a;</t></si></sst>'
    response = upload(client, world, _with_part(content, "xl/sharedStrings.xml", laughs))
    assert response.status_code == 400
    assert "xl/sharedStrings.xml declares a document type (DTD)" in page(response)


# --- Bad rows: each with its row number and reason ---------------------------------------------------------

def preview_errors(response):
    return [(error.row, error.reason) for error in response.context["preview"].errors]


def the_row(content, activity):
    return row_of(open_book(content).worksheets[REPORTS_SHEET], activity)[0].row


def assert_refused_row(client, world, content, activity, reason):
    response = upload(client, world, content)
    assert response.status_code == 400
    [(row, message)] = preview_errors(response)
    assert row == the_row(content, activity) and reason in message
    html = page(response)
    assert f"<td>{row}</td>" in html and "Nothing can be saved" in html
    assert response.context["token"] is None
    return response


def test_unknown_status_is_refused_with_its_row(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Finished"}})
    assert_refused_row(client, world, content, world["everywhere"], "“Finished” is not a status")


def test_activity_not_handed_to_the_contributor_is_refused(client, world):
    # The focal point's workbook, filled in by the contributor for an activity of another unit.
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    client.force_login(world["contributor_kz"])
    assert_refused_row(client, world, content, world["everywhere"], "Drafting Measure 2.2 for Testland QZ was not "
                                                                     "handed to you")


def test_activity_not_applicable_to_the_country_is_refused(client, world):
    iran_only = ActivityFactory(plan=world["plan"], result=None, code="3.1", kind="measure", countries=[world["ir"]])
    content = fill(download(client, world), {world["everywhere"]: {
        "activity_id": iran_only.pk, "code": iran_only.code, "text": iran_only.text, "status": "Completed"}})
    response = upload(client, world, content)
    [(row, message)] = preview_errors(response)
    assert row == 3 and "not one of Test plan that applies to Testland QZ" in message


def test_edited_key_column_is_refused(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"text": "Train everyone", "status": "Completed"}})
    assert_refused_row(client, world, content, world["everywhere"], "do not edit the grey columns")


def test_row_changed_in_the_tracker_after_the_download_is_refused(client, world):
    content = download(client, world)
    save_in_browser(world, "everywhere", user="secretariat", narrative="Secretariat's text")
    filled = fill(content, {world["everywhere"]: {"status": "Completed"}})
    assert_refused_row(client, world, filled, world["everywhere"], "Changed in the tracker by secretariat-t after "
                                                                    "your download (version 1 now, 0 in your workbook)")
    assert ProgressReport.objects.get().narrative == "Secretariat's text"


@pytest.mark.parametrize("field", ["narrative", "obstacles"])
def test_text_over_the_limit_is_refused(client, world, field):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed", field: "x" * 5001}})
    assert_refused_row(client, world, content, world["everywhere"], "is 5001 characters long; at most 5000")


@pytest.mark.parametrize("year", [1999, 2101, "soon", 2027.5])
def test_expected_year_outside_2000_2100_is_refused(client, world, year):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed", "expected_year": year}})
    assert_refused_row(client, world, content, world["everywhere"], "is not a year from 2000 to 2100")


def test_a_reported_status_cannot_be_emptied(client, world):
    save_in_browser(world, "everywhere")
    content = fill(download(client, world), {world["everywhere"]: {"status": None}})
    assert_refused_row(client, world, content, world["everywhere"], "A reported status cannot be emptied")


def test_text_without_a_status_on_a_new_report_is_refused(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"obstacles": "No funding this year"}})
    assert_refused_row(client, world, content, world["everywhere"], "Choose a status")


@pytest.mark.parametrize("key, formula, header", [
    ("narrative", "=1+1", "What was done"),
    ("expected_year", "=2000+30", "Expected completion year"),
    ("status", '="Comp"&"leted"', "Status"),
])
def test_a_formula_is_refused_with_its_row_and_column(client, world, key, formula, header):
    # openpyxl writes formulas without a stored result, as a script or some spreadsheet programs do.
    save_in_browser(world, "everywhere", narrative="Two trainings", expected_year=2027)
    content = fill(download(client, world), {world["everywhere"]: {key: formula}})
    response = assert_refused_row(client, world, content, world["everywhere"],
                                  f"Column “{header}” holds a formula ({formula}): formulas are not read; "
                                  "type the value itself.")
    assert response.context["preview"].changes == []
    report = ProgressReport.objects.get()
    assert (report.narrative, report.expected_year, report.version) == ("Two trainings", 2027, 1)


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(client, world):
    save_in_browser(world, "everywhere", narrative="=2 trainings, as planned")
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, content)
    assert response.status_code == 200, preview_errors(response)
    [change] = response.context["preview"].changes
    assert [f.field for f in change.fields] == ["status"]


# --- All or nothing ---------------------------------------------------------------------------------------

def test_one_bad_row_blocks_the_good_ones(client, world):
    content = fill(download(client, world), {world["in_unit"]: {"status": "Completed"},
                                             world["everywhere"]: {"status": "Finished"}})
    response = upload(client, world, content)
    assert response.status_code == 400 and len(response.context["preview"].changes) == 1
    assert 'name="token"' not in page(response)
    response = client.post(reverse("reporting:workbook_confirm", args=[world["round"].pk, "QZ"]), {"token": ""},
                           follow=True)
    assert "This preview is no longer valid" in page(response)
    assert not ProgressReport.objects.exists()


def test_a_row_that_became_stale_before_confirming_saves_nothing(client, world):
    content = fill(download(client, world), {world["in_unit"]: {"status": "Completed"},
                                             world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, content)
    assert response.context["preview"].can_confirm
    save_in_browser(world, "everywhere", user="secretariat", narrative="Meanwhile")
    response = confirm(client, world, response)
    row = the_row(content, world["everywhere"])
    assert f"Nothing was saved. Row {row}: Someone else saved this report" in page(response)
    assert list(ProgressReport.objects.values_list("narrative", flat=True)) == ["Meanwhile"]
    assert not ProgressChange.objects.filter(source=ProgressChange.Source.WORKBOOK).exists()


def test_service_saves_all_rows_or_none(world):
    good = {"row": 2, "activity": world["in_unit"].pk, "version": 0, "status": "completed", "narrative": "",
            "obstacles": "", "expected_year": None}
    stale = {**good, "row": 3, "activity": world["everywhere"].pk, "version": 4}
    with pytest.raises(StaleEdit) as error:
        services.workbook_changes_apply(round=world["round"], country=world["kz"], user=world["focal_kz"],
                                        changes=[good, stale])
    assert error.value.workbook_row == 3
    assert not ProgressReport.objects.exists()
    assert services.workbook_changes_apply(round=world["round"], country=world["kz"], user=world["focal_kz"],
                                           changes=[good]) == 1


def test_a_preview_is_confirmed_once_and_only_by_its_round_and_country(client, world):
    content = fill(download(client, world, user="secretariat"), {world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, content)
    token = response.context["token"]
    other = client.post(reverse("reporting:workbook_confirm", args=[world["round"].pk, "QR"]), {"token": token},
                        follow=True)
    assert "This preview is no longer valid" in page(other) and not ProgressReport.objects.exists()
    confirm(client, world, response)
    again = confirm(client, world, response)
    assert "This preview is no longer valid" in page(again)
    assert ProgressReport.objects.get().version == 1


def test_submitted_report_must_be_withdrawn_before_downloading_or_uploading(client, world):
    save_in_browser(world, "everywhere")
    content = fill(download(client, world), {world["in_unit"]: {"status": "Completed"}})  # while a draft
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    for name in ("workbook_download", "workbook_upload"):
        response = client.get(reverse(f"reporting:{name}", args=[world["round"].pk, "QZ"]))
        assert response.status_code == 403 and "withdraw it to edit" in page(response)
    response = upload(client, world, content)
    assert response.status_code == 403 and "withdraw it to edit" in page(response)
    assert ProgressReport.objects.count() == 1


def test_the_secretariat_corrects_a_submitted_report_in_a_workbook(client, world):
    save_in_browser(world, "everywhere")
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    response = upload(client, world, fill(download(client, world, user="secretariat"),
                                          {world["everywhere"]: {"status": "Completed"}}))
    confirm(client, world, response)
    assert ProgressReport.objects.get().status == "completed"
    country_report.refresh_from_db()
    assert country_report.state == "submitted"


def test_a_workbook_corrects_a_validated_report_whole(client, world):
    save_in_browser(world, "everywhere")
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    content = download(client, world)
    two = fill(content, {world["in_unit"]: {"status": "Completed"}, world["everywhere"]: {"status": "Completed"}})
    response = upload(client, world, two)
    assert "saving these changes reopens it for corrections" in page(response)
    confirm(client, world, response)
    country_report.refresh_from_db()
    assert country_report.state == "reopened"
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {"completed"}
    assert ProgressReport.objects.count() == 2
    # Reopened, it stays the country's to correct: a fresh workbook is offered and read.
    again = fill(download(client, world), {world["in_unit"]: {"narrative": "Joint patrols"}})
    confirm(client, world, upload(client, world, again))
    assert ProgressReport.objects.get(activity=world["in_unit"]).narrative == "Joint patrols"


# --- Without HTTP, and query counts ----------------------------------------------------------------------

def add_activities(world, count):
    for _ in range(count):
        ActivityFactory(plan=world["plan"], result=None, section=world["in_unit"].section, kind="measure",
                        countries=[world["kz"]])


def test_build_query_count_does_not_grow(world, django_assert_num_queries):
    args = {"round": world["round"], "country": world["kz"], "user": world["focal_kz"]}
    save_in_browser(world, "everywhere")
    # the country report (is it locked?), assignments, their handed activities (prefetch), the activities,
    # their reports
    with django_assert_num_queries(5):
        workbook.workbook_build(**args)
    add_activities(world, 20)
    with django_assert_num_queries(5):
        content = workbook.workbook_build(**args)
    assert open_book(content).worksheets[REPORTS_SHEET].max_row == 1 + 22


def test_preview_query_count_does_not_grow(world, django_assert_num_queries):
    args = {"round": world["round"], "country": world["kz"], "user": world["focal_kz"]}
    save_in_browser(world, "everywhere")

    def filled():
        content = workbook.workbook_build(**args)
        rows = open_book(content).worksheets[REPORTS_SHEET].max_row - 1
        return fill(content, {world["in_unit"]: {"status": "Completed"}}), rows

    content, rows = filled()
    # assignments, their handed activities (prefetch), the applicable activities, those the user drafts,
    # the reports with their last editors, the country report's state
    with django_assert_num_queries(6):
        preview = workbook.workbook_preview(upload=content, **args)
    assert (rows, len(preview.changes)) == (2, 1)
    add_activities(world, 20)
    content, rows = filled()
    with django_assert_num_queries(6):
        preview = workbook.workbook_preview(upload=content, **args)
    assert (rows, len(preview.changes)) == (22, 1)

