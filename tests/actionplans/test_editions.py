"""Editions of a plan: a new edition of the Argali plan imported from a workbook with each kind of change,
the preview of its differences, the carry-over into the next round, and the old edition still readable."""
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.models import Activity, PlanEdition, PlanImport
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build
from actionplans.services import PlanImportError, action_plan_import, action_plan_preview
from conservation_units.models import Country
from reporting import services
from reporting.models import CountryReport, ProgressChange, ProgressReport

pytestmark = pytest.mark.django_db

NEW_TITLE = "Adopted by the range states, 2026"
REWORDED = "Develop and adopt rangeland management plans in every key site."


def _cell(book, row, name, value):
    sheet = book[fmt.ACTIVITIES]
    sheet.cell(row, [cell.value for cell in sheet[1]].index(name) + 1).value = value


def _row(book, key) -> int:
    sheet = book[fmt.ACTIVITIES]
    column = [cell.value for cell in sheet[1]].index("key") + 1
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, column).value == key)


def _new_edition_workbook(data: bytes) -> bytes:
    """Argali with 1.1 reworded, 1.2 renumbered 1.9, 3.2 merged into 3.1, 3.3 removed, 3.7 added and 3.4
    renumbered 3.4bis with its key left empty (a proposed match)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[fmt.ACTIVITIES]
    _cell(book, _row(book, "1.1"), "text", REWORDED)
    _cell(book, _row(book, "1.2"), "code", "1.9")
    row = _row(book, "3.4")
    _cell(book, row, "key", None)
    _cell(book, row, "code", "3.4bis")
    added = _row(book, "3.6") + 1
    sheet.insert_rows(added)
    for column, cell in enumerate(sheet[added - 1], 1):
        sheet.cell(added, column).value = cell.value
    _cell(book, added, "key", "3.7")
    _cell(book, added, "code", "3.7")
    _cell(book, added, "text", "Monitor the community-based hunting quotas every year.")
    sheet.delete_rows(_row(book, "3.3"))
    sheet.delete_rows(_row(book, "3.2"))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.fixture
def argali(real_plans):
    return real_plans["argali"]


@pytest.fixture
def workbook(argali):
    return _new_edition_workbook(plan_workbook_build(plan=argali))


def test_the_preview_lists_each_kind_of_difference_and_saves_nothing(argali, workbook):
    diff = action_plan_preview(source=workbook, new_edition=True, decisions={"3.1": "3.2"})
    assert [match.new.code for match in diff.reworded] == ["1.1"]
    assert [(m.old[0].code, m.new.code) for m in diff.renumbered] == [("1.2", "1.9")]
    assert [(m.new.code, [old.code for old in m.old]) for m in diff.merged] == [("3.1", ["3.1", "3.2"])]
    assert [new.code for new in diff.added] == ["3.4bis", "3.7"]  # 3.4bis until its proposal is confirmed
    assert [old.code for old in diff.removed] == ["3.3", "3.4"]
    [proposal] = diff.proposed
    assert (proposal.new.code, proposal.old.code, proposal.percent, proposal.decision) == ("3.4bis", "3.4", 100, None)
    lines = diff.lines()
    assert "renumbered: 1.2 is now 1.9" in lines
    assert "reworded: 1.1" in lines
    assert "merged: 3.1 continues 3.1, 3.2" in lines
    assert "removed: 3.3 (kept with its reports under the edition “Draft”)" in lines
    assert "proposed match (to confirm or reject): row 11, 3.4bis may continue 3.4 (100% similar)" in lines
    assert not diff.rows  # outline, units and footnotes unchanged
    assert argali.editions.count() == 1
    accepted = action_plan_preview(source=workbook, new_edition=True, accept_proposed=True)
    assert [old.code for old in accepted.removed] == ["3.2", "3.3"]


def test_a_correction_that_adds_or_removes_activities_is_refused_naming_new_edition(workbook):
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=workbook, file_name="argali-2026.xlsx")
    assert any("a correction may not add one; import the workbook as a new edition (--new-edition" in message
               for message in error.value.messages)
    assert PlanEdition.objects.filter(plan__slug="argali").count() == 1


def test_a_new_edition_with_an_undecided_proposal_is_refused_and_nothing_is_saved(argali, workbook):
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=workbook, file_name="argali-2026.xlsx", new_edition=NEW_TITLE)
    assert error.value.messages == [
        "Sheet “Activities”, row 11, column “key”: Activity 3.4bis may continue activity 3.4 of the current "
        "edition (100% similar): confirm it (--match 3.4bis=3.4, or --accept-matches) or reject it "
        "(--no-match 3.4bis)."]
    assert argali.editions.count() == 1
    assert Activity.objects.filter(plan=argali).count() == 166


def _report(round, country, activity, status, narrative):
    country_report, _created = CountryReport.objects.get_or_create(round=round, country=country)
    return ProgressReport.objects.create(country_report=country_report, activity=activity, status=status,
                                         narrative=narrative,
                                         updated_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))


@pytest.fixture
def reported(argali, django_user_model):
    """The Draft's 2026 round, with Kazakhstan's reports on the activities the new edition changes."""
    secretariat = django_user_model.objects.create_user("secretariat-editions", password="pw", is_staff=True)
    kz = Country.objects.get(code="KZ")
    round = services.round_open(plan=argali, title="2026 report", opens_on=datetime.date(2026, 1, 1),
                                due_on=datetime.date(2026, 6, 30), opened_by=secretariat)
    draft = {a.key: a for a in Activity.objects.filter(plan=argali)}
    for key in ("1.1", "1.2", "3.1", "3.2", "3.3", "3.4"):
        _report(round, kz, draft[key], ProgressReport.Status.IN_PROGRESS, f"Begun on {key}")
    services.round_close(round=round, closed_by=secretariat)
    return {"round": round, "kz": kz, "secretariat": secretariat, "draft": draft}


def _import_new_edition(workbook, tmp_path, *extra):
    path = tmp_path / "argali-2026.xlsx"
    path.write_bytes(workbook)
    out = io.StringIO()
    call_command("import_plan", str(path), "--new-edition", NEW_TITLE, "--match", "3.1=3.2", *extra, stdout=out)
    return out.getvalue()


def test_the_command_makes_the_new_edition_and_lists_the_differences(argali, workbook, tmp_path):
    output = _import_new_edition(workbook, tmp_path, "--accept-matches")
    assert output.splitlines()[0] == f"argali: new edition “{NEW_TITLE}” (165 activities)"
    assert "  renumbered: 1.2 is now 1.9" in output
    assert "  proposed match (confirmed): row 11, 3.4bis may continue 3.4 (100% similar)" in output
    edition = argali.current_edition
    assert (edition.number, edition.title, edition.slug) == (2, NEW_TITLE, "adopted-by-the-range-states-2026")
    assert edition.source_import == PlanImport.objects.get(outcome="new_edition")
    new = {a.key: a for a in edition.activities.all()}
    assert sorted(old.key for old in new["3.1"].continues.all()) == ["3.1", "3.2"]
    assert [old.code for old in new["3.4bis"].continues.all()] == ["3.4"]
    assert not new["3.7"].continues.exists()
    assert Activity.objects.filter(plan=argali).count() == 166 + 165  # nothing deleted


def test_the_next_round_carries_the_matched_reports_over_naming_the_edition_change(
        argali, workbook, tmp_path, reported, client):
    _import_new_edition(workbook, tmp_path, "--accept-matches")
    later = services.round_open(plan=argali, title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                due_on=datetime.date(2027, 6, 30), opened_by=reported["secretariat"])
    assert later.edition == argali.current_edition
    carried = {report.activity.code: report for report in ProgressReport.objects.filter(
        country_report__round=later, country_report__country=reported["kz"]).select_related("activity")
        if report.narrative.startswith("Begun")}
    assert {code: report.narrative for code, report in carried.items()} == {
        "1.1": "Begun on 1.1", "1.9": "Begun on 1.2", "3.1": "Begun on 3.2", "3.4bis": "Begun on 3.4"}
    assert all(report.carried_over and report.activity.edition == later.edition for report in carried.values())
    change = ProgressChange.objects.get(progress_report=carried["1.9"])
    assert change.changes == {"carried_over_from_round": [None, "2026 report"], "edition": ["Draft", NEW_TITLE],
                              "code": ["1.2", "1.9"]}
    client.force_login(reported["secretariat"])
    page = client.get(reverse("reporting:progress_detail", args=[later.pk, "KZ", carried["1.9"].activity_id]))
    text = page.content.decode()
    assert "Edition of the plan" in text and NEW_TITLE in text and "Activity number" in text
    # The removed activity keeps its report, read under the old edition and its round.
    removed = reported["draft"]["3.3"]
    assert ProgressReport.objects.get(activity=removed).narrative == "Begun on 3.3"
    old_page = client.get(reverse("reporting:progress_detail", args=[reported["round"].pk, "KZ", removed.pk]))
    assert old_page.status_code == 200 and "Begun on 3.3" in old_page.content.decode()


def test_the_export_compares_with_the_round_before_through_the_edition_change(argali, workbook, tmp_path, reported):
    from reporting import exports
    from reporting.selectors import NO_INFORMATION

    _import_new_edition(workbook, tmp_path, "--accept-matches")
    later = services.round_open(plan=argali, title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                due_on=datetime.date(2027, 6, 30), opened_by=reported["secretariat"])
    ProgressReport.objects.filter(country_report__round=later, country_report__country=reported["kz"],
                                  activity__code="1.9").update(status=ProgressReport.Status.COMPLETED)
    tables = exports.progress_tables(user=reported["secretariat"],
                                     params={"plan": "argali", "round": later.pk, "version": "working"})
    [table] = list(tables.each_table())
    kz = {pair.activity.code: pair for pair in table.pairs() if pair.country.code == "KZ"}
    # 1.9 continues the draft's 1.2, which Kazakhstan had begun: now completed, a change since the round before.
    assert (kz["1.9"].previous_status, kz["1.9"].status, kz["1.9"].changed) == ("in_progress", "completed", True)
    assert (kz["3.1"].previous_status, kz["3.4bis"].previous_status) == ("in_progress", "in_progress")
    assert kz["1.3"].previous_status == NO_INFORMATION  # nothing reported on it, in either edition


def test_the_old_edition_stays_readable_on_the_pages_and_the_api(argali, workbook, tmp_path, client):
    _import_new_edition(workbook, tmp_path, "--accept-matches")
    draft = argali.editions.get(number=1)
    removed = Activity.objects.get(edition=draft, key="3.3")
    api, url = APIClient(), reverse("api:activity-list")
    current = api.get(url, {"plan": "argali", "page_size": 500}).json()
    assert current["count"] == 165
    assert current["results"][0]["edition"] == {
        "id": argali.current_edition.pk, "number": 2, "slug": "adopted-by-the-range-states-2026",
        "title": NEW_TITLE, "current": True}
    for value in (draft.pk, "draft"):
        old = api.get(url, {"plan": "argali", "edition": value, "page_size": 500}).json()
        assert old["count"] == 166
        assert {row["edition"]["current"] for row in old["results"]} == {False}
    unknown = api.get(url, {"plan": "argali", "edition": "adopted-1999"})
    assert (unknown.status_code, unknown.json()) == (
        400, {"edition": ["No edition “adopted-1999”: give an edition's id or slug (e.g. draft)."]})
    detail = api.get(reverse("api:activity-detail", args=[removed.pk])).json()
    assert (detail["code"], detail["edition"]["title"]) == ("3.3", "Draft")
    listed = client.get(reverse("actionplans:activity_list"), {"plan": "argali", "edition": draft.pk, "search": "3.3"})
    assert removed.get_absolute_url() in listed.content.decode()
    now = client.get(reverse("actionplans:activity_list"), {"plan": "argali", "search": "3.3"})
    assert removed.get_absolute_url() not in now.content.decode()
    assert client.get(removed.get_absolute_url()).status_code == 200
    assert APIClient().get(reverse("api:actionplan-detail", args=["argali"])).json()["activity_counts"]["total"] == 165


def test_a_match_naming_no_activity_is_refused(workbook, tmp_path):
    path = tmp_path / "argali-2026.xlsx"
    path.write_bytes(workbook)
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path), "--new-edition", NEW_TITLE, "--match", "3.1=9.99",
                     "--accept-matches", stdout=io.StringIO())
    assert "--match 3.1=9.99: the current edition has no activity 9.99." in str(error.value)
    assert "nothing was saved" in str(error.value)


def test_refreshing_a_plan_with_a_newer_edition_from_its_fixture_is_refused(workbook, tmp_path):
    _import_new_edition(workbook, tmp_path, "--accept-matches")
    with pytest.raises(CommandError) as error:
        call_command("load_plans", "--update", verbosity=0)
    assert "Plan 'argali' has a newer edition than its fixture" in str(error.value)
    assert Activity.objects.get(edition__number=2, key="1.1").text == REWORDED


def test_an_older_edition_is_exported_as_a_record_and_a_correction_from_it_is_refused(argali, workbook, tmp_path):
    _import_new_edition(workbook, tmp_path, "--accept-matches")
    draft = argali.editions.get(number=1)
    path = tmp_path / "argali-draft.xlsx"
    call_command("export_plan", "argali", str(path), "--edition", draft.slug, verbosity=0)
    book = openpyxl.load_workbook(path)
    keys = [row[0] for row in book[fmt.ACTIVITIES].iter_rows(min_row=2, values_only=True)]
    assert len(keys) == 166 and "3.3" in keys and "3.7" not in keys  # the draft's measures, 3.3 still in
    assert _text_of(book, "1.1") != REWORDED
    current = tmp_path / "argali-current.xlsx"
    call_command("export_plan", "argali", str(current), verbosity=0)
    assert "3.7" in [row[0] for row in openpyxl.load_workbook(current)[fmt.ACTIVITIES].iter_rows(
        min_row=2, values_only=True)]

    with pytest.raises(PlanImportError) as error:  # put back as a correction, it would undo the new edition
        action_plan_import(source=path.read_bytes(), imported_by=None, file_name="argali-draft.xlsx")
    assert error.value.messages == [
        f"Sheet “Plan”: This workbook holds edition 1 of the plan, not its current edition 2 (“{NEW_TITLE}”): export "
        "the current edition and correct that, or import this file as a new edition."]
    assert argali.current_edition.activities.get(key="1.1").text == REWORDED

    with pytest.raises(CommandError, match=r"No edition 'final' of argali \(editions: 1 \(.+\), 2 \(adopted-by"):
        call_command("export_plan", "argali", str(path), "--edition", "final", verbosity=0)


def _text_of(book, key):
    sheet = book[fmt.ACTIVITIES]
    header = [cell.value for cell in sheet[1]]
    return next(row[header.index("text")] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == key)
