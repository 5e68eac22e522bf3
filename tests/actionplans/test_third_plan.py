"""A third plan of another shape (TEST DATA, tests/actionplans/third_plan.py: A/B/C priorities, no
conservation units, an outline seven levels deep) is imported in the browser and then works everywhere,
with no code for it: its pages, a reporting round, the country report, the offline workbook, the
dashboards, the Excel export and the API."""
import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import ActionPlan, Activity, PlanImport
from reporting.models import Assignment, ProgressReport, ReportingRound
from reporting.workbook import COL

from .third_plan import DEEPEST, SLUG, third_plan_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def people(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {"secretariat": django_user_model.objects.create_user("sec-third", password="pw", is_staff=True),
            "focal": django_user_model.objects.create_user("focal-xa", password="pw")}


def import_in_the_browser(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("actionplans:plan_import")).status_code == 200
    template = client.get(reverse("actionplans:plan_template"))
    assert template["Content-Type"] == XLSX
    response = client.post(reverse("actionplans:plan_import"),
                           {"file": SimpleUploadedFile("test-marmot.xlsx", third_plan_workbook())})
    assert response.status_code == 200, response.content.decode()[:2000]
    preview = response.context["preview"]
    assert (preview.plan, preview.outcome, preview.errors) == (None, "created", [])
    assert preview.levels == [("Part", 1), ("Theme", 1), ("Section", 1), ("Goal", 1), ("Target", 3), ("Objective", 1)]
    assert preview.kinds == [("Activity", 2), ("Action", 2)]
    assert "Target: 3" in response.content.decode()
    assert not ActionPlan.objects.filter(slug=SLUG).exists()  # nothing saved at the preview
    confirmed = client.post(reverse("actionplans:plan_import_confirm"), {"token": response.context["token"]})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("actionplans:actionplan_detail",
                                                                             args=[SLUG])
    record = PlanImport.objects.get(plan__slug=SLUG)
    assert (record.imported_by, record.file_name, record.outcome) == (secretariat, "test-marmot.xlsx", "created")
    return ActionPlan.objects.get(slug=SLUG)


def test_a_third_plan_imported_in_the_browser_works_everywhere(client, people):
    plan = import_in_the_browser(client, people["secretariat"])
    deepest = plan.elements.get(level=DEEPEST[0], code=DEEPEST[1])
    published = Activity.objects.get(plan=plan, key="1.1.1.2")
    assert (published.parent, published.result, published.section.code) == (deepest, None, "1")
    assert published.priority_level == "low"
    assert Activity.objects.get(plan=plan, key="2.2").priority_level == ""

    # Its pages: the outline at every depth under the plan's own level names, each heading counting the
    # activities below it and leading to them; an activity under the deepest element.
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="target-1.1.a.i"' in html and "Counts are published" in html and "Counts are repeated" in html
    assert '<span class="label">Goal G1</span>' in html and '<span class="label">Target 1.1.a</span>' in html
    listed = client.get(reverse("actionplans:activity_list"), {"plan": SLUG})
    assert listed.context["paginator"].count == 4
    outline_options = dict(listed.context["filterset"].form.fields["outline"].widget.choices)
    assert outline_options["goal:G1"].startswith("Goal G1 — Populations are known")
    assert "goal=" not in html and "?plan=test-third-plan&amp;outline=goal%3AG1" in html
    for heading, codes in (("goal:G1", ["1.1.1.1", "1.1.1.2"]), ("target:1.1.a", ["1.1.1.2"])):
        under = client.get(reverse("actionplans:activity_list"), {"plan": SLUG, "outline": heading})
        assert [activity.code for activity in under.context["activities"]] == codes, heading
    detail = client.get(published.get_absolute_url()).content.decode()
    assert "Counts are published" in detail and "Target 1.1.a<" in detail and "Section 1<" in detail
    api = {row["code"]: row for row in client.get("/api/v1/activities/", {"plan": SLUG}).json()["results"]}
    assert {code: row["priority_level"] for code, row in api.items()} == {
        "1.1.1.1": "high", "1.1.1.2": "low", "2.1": "medium", "2.2": ""}
    assert api["1.1.1.2"]["countries"] == ["XA", "XB"]
    assert api["1.1.1.2"]["parent"] == {"level": "target", "level_name": "Target", "code": "1.1.a.i"}
    assert (api["1.1.1.2"]["result"], api["2.1"]["parent"]["level_name"]) == (None, "Objective")
    under_goal = client.get("/api/v1/activities/", {"plan": SLUG, "outline": "goal:G1"}).json()
    assert [row["code"] for row in under_goal["results"]] == ["1.1.1.1", "1.1.1.2"]
    # In Russian, the level names the workbook gives in level_ru (one row's name names the whole level).
    russian = client.get("/api/v1/activities/", {"plan": SLUG, "lang": "ru"}).json()["results"]
    assert {row["code"]: row["parent"]["level_name"] for row in russian} == {
        "1.1.1.1": "Целевой показатель", "1.1.1.2": "Целевой показатель", "2.1": "Задача", "2.2": "Задача"}

    client.cookies["django_language"] = "ru"
    russian_page = client.get(plan.get_absolute_url()).content.decode()
    assert '<span class="label">Цель G1</span>' in russian_page
    assert '<span class="label">Целевой показатель 1.1.a.i</span>' in russian_page  # its level_ru given in other rows
    assert '<span class="label">Раздел 1</span>' in russian_page  # a level the tracker names itself
    del client.cookies["django_language"]

    # A round, opened on the rounds page.
    today = datetime.date.today()
    response = client.post(reverse("reporting:round_create"), {
        "plan": plan.pk, "title": "Test round", "opens_on": today.isoformat(),
        "due_on": (today + datetime.timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    round = ReportingRound.objects.get(plan=plan)

    # The focal point of XA reports on the country report page.
    Assignment.objects.create(user=people["focal"], country=plan.range_states.get(code="XA"),
                              role=Assignment.Role.FOCAL_POINT)
    client.force_login(people["focal"])
    report_url = reverse("reporting:country_report", args=[round.pk, "XA"])
    page = client.get(report_url)
    assert page.status_code == 200 and "Count the colonies of the test valley." in page.content.decode()
    assert "Target 1.1.a.i — Counts are published" in page.content.decode()  # the rows under their heading
    counted = Activity.objects.get(plan=plan, key="1.1.1.1")
    saved = client.post(report_url, {f"status-{counted.pk}": "in_progress", f"version-{counted.pk}": "0"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert ProgressReport.objects.get(activity=counted, country_report__country__code="XA").status == "in_progress"

    # The offline workbook: download, fill in, upload, preview, confirm.
    content = client.get(reverse("reporting:workbook_download", args=[round.pk, "XA"])).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[1]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[COL["activity_id"]].value == published.pk)
    row[COL["status"]].value = "Completed"
    stream = io.BytesIO()
    book.save(stream)
    preview = client.post(reverse("reporting:workbook_upload", args=[round.pk, "XA"]),
                          {"file": SimpleUploadedFile("xa.xlsx", stream.getvalue())})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    confirmed = client.post(reverse("reporting:workbook_confirm", args=[round.pk, "XA"]),
                            {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert ProgressReport.objects.get(activity=published, country_report__country__code="XA").status == "completed"

    # Dashboards, the printable report, the Excel export and the API's progress.
    for url in (reverse("reporting:plan_dashboard", args=[SLUG]), reverse("reporting:country_dashboard", args=["XA"]),
                reverse("reporting:national_report", args=[round.pk, "XA"])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Count the colonies" in response.content.decode() or "Test marmot" in response.content.decode()
    printable = client.get(reverse("reporting:national_report", args=[round.pk, "XA"])).content.decode()
    headings = re.findall(r'class="nr-heading nr-depth-(\d)"[^>]*>([^<]*)<', printable)
    assert [(int(depth), text.split(" — ")[0]) for depth, text in headings[:6]] == [
        (0, "Theme T1"), (1, "Section 1"), (2, "Goal G1"), (3, "Target 1.1"), (4, "Target 1.1.a"),
        (5, "Target 1.1.a.i")], headings  # every heading above, at its depth
    export = client.get(reverse("reporting:export_xlsx"), {"plan": SLUG})
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    exported = openpyxl.load_workbook(io.BytesIO(export.content))
    values = [cell for sheet in exported.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "1.1.1.2" in values and "Count the colonies of the test valley." in values
    progress = client.get("/api/v1/progress/", {"plan": SLUG}).json()
    assert sorted(row["status"] for row in progress["results"]) == ["completed", "in_progress"]


def test_a_heading_without_its_level_is_refused_with_a_sentence(client, people):
    import_in_the_browser(client, people["secretariat"])
    message = "Write the heading as level:code, e.g. objective:1 or goal:G1 (not “G1”)."
    response = client.get("/api/v1/activities/", {"plan": SLUG, "outline": "G1"})
    assert (response.status_code, response.json()) == (400, {"outline": [message]})
    page = client.get(reverse("actionplans:activity_list"), {"plan": SLUG, "outline": "G1"})
    assert page.status_code == 200 and f'<p class="error">{message}</p>' in page.content.decode()
    assert client.get("/api/v1/activities/", {"plan": SLUG, "outline": "goal:G9"}).json()["count"] == 0
